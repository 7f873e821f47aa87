"""The journal tied to the money pages: for a period, each figure the revenue, expenses and
distributions pages show (and the funds and members' capital they add up to) next to what the
journal's accounts say, and the difference, to the cent.

The page figures come from the apps that keep the records, through `books.sources` (each
source's `figures`), so the books import none of them. The journal's side is read here, from
the accounts the co-op's mapping gives each role, the same way for every co-op:

- *revenue received, net of VAT* (the money overview's revenue): what the period's money-in
  entries (revenue and interest recorded, payments received, their reversals) credit to income
  accounts; a payment that settles an invoice's receivable brings the invoice entry's share
  of revenue (revenue ÷ receivable of that entry, rounded half up to the cent, as billing
  counts the revenue of a payment);
- *approved expenses*: what the period moved on the expenses and bank fees accounts;
- *distributed to* the reserve, the education fund, the commons, members' cash and members'
  capital: what the period's distribution entries (and their reversals) credited to each;
- *balances* of the reserve fund, the education fund, commons payable and members' capital at
  the period's end.

A tie holds when the difference is zero. A difference says the journal and the records parted
(an entry written or changed by hand, a record changed behind the books' back, a record from
before the books not backfilled): `manage.py backfill_books --check` names the records.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from books import sources
from books.charts import Role
from books.models import AccountMapping, AccountType, EntryKind, JournalEntry, JournalLine
from books.periods import Period
from books.reports import CENT, MONEY, ZERO, cents
from coop.models import Cooperative

MONEY_IN = (EntryKind.REVENUE, EntryKind.INTEREST, EntryKind.PAYMENT_RECEIVED)


@dataclass(frozen=True)
class TieDefinition:
    key: str
    label: str
    page: str  # the page that shows the figure
    journal: Callable[["_Journal"], Decimal]


@dataclass(frozen=True)
class Tie:
    key: str
    label: str
    page_name: str
    page: Decimal  # the money page's figure
    journal: Decimal  # the journal's

    @property
    def difference(self) -> Decimal:
        return self.journal - self.page

    @property
    def ties(self) -> bool:
        return self.difference == 0


@dataclass(frozen=True)
class Ties:
    period: Period
    ties: list[Tie]

    @property
    def all_tie(self) -> bool:
        return all(tie.ties for tie in self.ties)

    @property
    def differences(self) -> list[Tie]:
        return [tie for tie in self.ties if not tie.ties]


class _Journal:
    """The journal's side of the ties for one co-op and period (a few queries, read once)."""

    def __init__(self, cooperative: Cooperative, period: Period, figures: list[sources.Figures]):
        self.cooperative, self.period = cooperative, period
        self.settles: dict[tuple[str, str], tuple[str, str]] = {}
        for source, found in zip(sources.sources(), figures, strict=True):
            for source_id, settled in found.settles.items():
                self.settles[(source.name, str(source_id))] = settled
        self.accounts: dict[str, set[int]] = defaultdict(set)
        for role, account_id in AccountMapping.objects.filter(cooperative=cooperative).values_list(
            "role", "account_id"
        ):
            self.accounts[role].add(account_id)

    def _lines(self, roles: tuple[Role, ...]) -> QuerySet[JournalLine]:
        ids = set().union(*(self.accounts[role] for role in roles))
        return JournalLine.objects.filter(entry__cooperative=self.cooperative, account_id__in=ids)

    def _sum(self, lines: QuerySet[JournalLine]) -> Decimal:
        total = lines.aggregate(s=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))["s"]
        return cents(total)

    def in_period(self) -> Q:
        return Q(entry__date__gte=self.period.first, entry__date__lte=self.period.last)

    def moved(self, *roles: Role) -> Decimal:
        """Debits − credits on the roles' accounts in the period."""
        return self._sum(self._lines(roles).filter(self.in_period()))

    def balance(self, role: Role) -> Decimal:
        """The role's account at the period's end, credit-normal (a fund that holds money > 0)."""
        return -self._sum(self._lines((role,)).filter(entry__date__lte=self.period.last))

    def distributed(self, role: Role) -> Decimal:
        """What the period's distribution entries (and their reversals) credited to the role."""
        of_distribution = Q(entry__kind=EntryKind.DISTRIBUTION) | Q(
            entry__kind=EntryKind.REVERSAL, entry__reverses__kind=EntryKind.DISTRIBUTION
        )
        return -self._sum(self._lines((role,)).filter(self.in_period(), of_distribution))

    def revenue_received(self) -> Decimal:
        """The revenue the period's money-in entries bring, net of VAT (see the module)."""
        money_in = Q(kind__in=MONEY_IN) | Q(kind=EntryKind.REVERSAL, reverses__kind__in=MONEY_IN)
        entries = JournalEntry.objects.filter(
            money_in,
            cooperative=self.cooperative,
            date__gte=self.period.first,
            date__lte=self.period.last,
        )
        receivables = self.accounts[Role.RECEIVABLES]
        income: Decimal = ZERO
        settling: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for source_type, source_id, account_id, type_, amount in JournalLine.objects.filter(
            entry__in=entries
        ).values_list(
            "entry__source_type", "entry__source_id", "account_id", "account__type", "amount"
        ):
            if type_ == AccountType.INCOME:
                income -= amount
            elif account_id in receivables:
                settling[(source_type, source_id)] -= amount
        shares = self._settled_shares({self.settles.get(key) for key in settling} - {None})
        for key, received in settling.items():
            share = shares.get(self.settles.get(key))  # type: ignore[arg-type]
            if share is not None:  # an unknown invoice: the whole receipt, VAT and all
                received = (received * share).quantize(CENT, ROUND_HALF_UP)
            income += received
        return cents(income)

    def _settled_shares(self, settled: set[tuple[str, str]]) -> dict[tuple[str, str], Decimal]:
        """For each settled entry's source, its revenue ÷ its receivable (the entry that
        stands: not a reversal, not reversed)."""
        if not settled:
            return {}
        wanted = Q()
        for source_type, source_id in settled:
            wanted |= Q(entry__source_type=source_type, entry__source_id=source_id)
        income: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        receivable: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
        for source_type, source_id, account_id, type_, amount in (
            JournalLine.objects.filter(
                wanted,
                entry__cooperative=self.cooperative,
                entry__reverses__isnull=True,
                entry__reversed_by__isnull=True,
            )
            .exclude(entry__kind=EntryKind.REVERSAL)
            .values_list(
                "entry__source_type", "entry__source_id", "account_id", "account__type", "amount"
            )
        ):
            if type_ == AccountType.INCOME:
                income[(source_type, source_id)] -= amount
            elif account_id in self.accounts[Role.RECEIVABLES]:
                receivable[(source_type, source_id)] += amount
        return {key: income[key] / gross for key, gross in receivable.items() if gross > 0}


MONEY_OVERVIEW = _("Money: the month's overview")
DISTRIBUTIONS = _("Money: distributions")
CAPITAL = _("Money: capital accounts")

TIES: tuple[TieDefinition, ...] = (
    TieDefinition(
        "revenue", _("Revenue received, net of VAT"), MONEY_OVERVIEW,
        lambda journal: journal.revenue_received(),
    ),
    TieDefinition(
        "expenses", _("Approved expenses"), MONEY_OVERVIEW,
        lambda journal: journal.moved(Role.EXPENSES, Role.BANK_FEES),
    ),
    TieDefinition(
        "distributed_reserve", _("Distributed to the reserve fund"), DISTRIBUTIONS,
        lambda journal: journal.distributed(Role.RESERVE_FUND),
    ),
    TieDefinition(
        "distributed_education", _("Distributed to the education fund"), DISTRIBUTIONS,
        lambda journal: journal.distributed(Role.EDUCATION_FUND),
    ),
    TieDefinition(
        "distributed_commons", _("Distributed to the commons"), DISTRIBUTIONS,
        lambda journal: journal.distributed(Role.COMMONS_PAYABLE),
    ),
    TieDefinition(
        "distributed_members_cash", _("Distributed to members in cash"), DISTRIBUTIONS,
        lambda journal: journal.distributed(Role.MEMBERS_PAYABLE),
    ),
    TieDefinition(
        "distributed_members_capital", _("Distributed to members' capital"), DISTRIBUTIONS,
        lambda journal: journal.distributed(Role.MEMBERS_CAPITAL),
    ),
    TieDefinition(
        "reserve_fund", _("Reserve fund at the period's end"), DISTRIBUTIONS,
        lambda journal: journal.balance(Role.RESERVE_FUND),
    ),
    TieDefinition(
        "education_fund", _("Education fund at the period's end"), DISTRIBUTIONS,
        lambda journal: journal.balance(Role.EDUCATION_FUND),
    ),
    TieDefinition(
        "commons_payable", _("Commons payable at the period's end"), DISTRIBUTIONS,
        lambda journal: journal.balance(Role.COMMONS_PAYABLE),
    ),
    TieDefinition(
        "members_capital", _("Members' capital at the period's end"), CAPITAL,
        lambda journal: journal.balance(Role.MEMBERS_CAPITAL),
    ),
)  # fmt: skip
KEYS = frozenset(definition.key for definition in TIES)


def ties_to_money_pages(cooperative: Cooperative, period: Period) -> Ties:
    """Each tie some source gives a page figure for, in the order of `TIES`."""
    figures = [
        source.figures(cooperative, period) if source.figures else sources.Figures()
        for source in sources.sources()
    ]
    pages: dict[str, Decimal] = {}
    for found in figures:
        unknown = set(found.amounts) - KEYS
        assert not unknown, f"no tie {sorted(unknown)}: see books.ties.TIES"
        for key, amount in found.amounts.items():
            pages[key] = pages.get(key, ZERO) + Decimal(amount)
    journal = _Journal(cooperative, period, figures)
    return Ties(
        period,
        [
            Tie(
                definition.key,
                str(definition.label),
                str(definition.page),
                pages[definition.key].quantize(CENT),
                definition.journal(journal),
            )
            for definition in TIES
            if definition.key in pages
        ],
    )
