"""A co-op's chart of accounts: installed from a default chart (`books.charts`) the first time
its books are written, or when the treasurer chooses another chart before the first entry.

Installing is idempotent and safe against a concurrent install: rows that exist are kept
(`ignore_conflicts`), so two first events at once both find the same accounts.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from books import charts
from books.models import AccountMapping, BooksSettings, JournalEntry, LedgerAccount
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.services.checks import require_role


def install_chart(
    cooperative: Cooperative, chart: charts.Chart, roles: set[str] | None = None
) -> None:
    """The chart's accounts and its role mapping for the co-op, keeping what exists; with
    `roles`, only the accounts that play them."""
    accounts = [
        account
        for account in chart.accounts
        if roles is None or any(role.value in roles for role in account.roles)
    ]
    with transaction.atomic(savepoint=False):
        BooksSettings.objects.bulk_create(
            [BooksSettings(cooperative=cooperative, chart=chart.key)], ignore_conflicts=True
        )
        LedgerAccount.objects.bulk_create(
            [
                LedgerAccount(
                    cooperative=cooperative, number=account.number, name=account.name,
                    type=account.type.value,
                )
                for account in accounts
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        by_number = {
            account.number: account
            for account in LedgerAccount.objects.filter(cooperative=cooperative)
        }
        AccountMapping.objects.bulk_create(
            [
                AccountMapping(
                    cooperative=cooperative, role=role.value, account=by_number[account.number]
                )
                for account in accounts
                for role in account.roles
                if roles is None or role.value in roles
            ],
            ignore_conflicts=True,
        )  # fmt: skip


def ensure_chart(cooperative: Cooperative, roles: set[str] | None = None) -> bool:
    """Install the default chart of the co-op's country if it has none yet; whether it did.

    A co-op whose chart came from a default chart gets, for `roles` it has no account for, the
    accounts that chart gives them: a role Cooperage learned after the chart was installed
    (`education_allocation`) does not stop the co-op's books. A chart of the treasurer's own
    is left alone: the role's 409 asks them to map it."""
    settings = BooksSettings.objects.filter(cooperative=cooperative).first()
    if settings is None:
        install_chart(cooperative, charts.default_chart_for(cooperative.country or ""))
        return True
    if roles and settings.chart in charts.CHARTS:
        install_chart(cooperative, charts.chart(settings.chart), roles)
        return True
    return False


def choose_chart(*, actor: Member | None, cooperative: Cooperative, chart: str) -> None:
    """Start the books from another default chart (treasurer): only while the journal is
    empty, since entries keep the accounts they were written to (409 otherwise)."""
    require_role(actor, Role.TREASURER)
    try:
        chosen = charts.chart(chart)
    except LookupError:
        raise InvalidInput(
            _("Choose one of the charts: %(charts)s.") % {"charts": ", ".join(charts.CHARTS)},
            field="chart",
        ) from None
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        if JournalEntry.objects.filter(cooperative=cooperative).exists():
            raise StateConflict(
                _(
                    "The journal has entries already: change the accounts of the roles "
                    "instead of the chart."
                ),
                code="journal_not_empty",
            )
        AccountMapping.objects.filter(cooperative=cooperative).delete()
        LedgerAccount.objects.filter(cooperative=cooperative).delete()
        BooksSettings.objects.filter(cooperative=cooperative).delete()
        install_chart(cooperative, chosen)
        record(
            cooperative, actor, "books.chart_chosen", data={"chart": chosen.key},
            object_type="books.bookssettings", object_id=chosen.key,
        )  # fmt: skip
