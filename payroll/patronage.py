"""United States (Subchapter T): the yearly written notice of allocation and the 1099-PATR figures.

A worker co-op's member shares are patronage dividends (Internal Revenue Code §1388(a)); the
retained part credited to a capital account is a *written notice of allocation* (§1388(b)).
The notice is *qualified* (§1388(c)(1)) when at least 20% of the patronage dividend is paid in
money or by qualified check (the sentence closing §1388(c)(1)) and the member has consented
(§1388(c)(1)(B), (c)(2),
`payroll.consent_models`). It must be given within the payment period: 8½ months after the
close of the co-op's taxable year (§1382(d)), which here is the calendar year.

Two years meet here, as the law has it. The notice covers the patronage of a year: the
distributions of that year's months. Form 1099-PATR reports what was *paid during* a calendar
year (26 CFR 1.6044-2, 1.6044-3): box 1, the distributions approved that year, the money and
the qualified notices at their stated amount; box 5, what was paid that year in redemption of
nonqualified notices (§1382(b)(2), §1385(c)). Each redemption is tied to the allocations it
pays back (`payroll.redemption_ties`), so box 5 is the part of the year's redemptions tied to
allocations of years whose notice was not qualified; what a redemption pays back of a
member's buy-in or interest is no patronage dividend and in neither box.

A buy-in instalment taken from the cash share is what the bylaws' `buyin_instalments` says
(`coop.capital_bylaws`; docs/capital.md, "What a capital account holds"). Under `"notice"`, the
default, the membership share it buys is issued as part of the year's written notice (§1388(b)
lists capital stock among notices): it counts as allocated, not as money, in the 20% test, the
notice and box 1, and redeeming it is box 5 when that notice is nonqualified. Under `"money"` it
is money paid to the member, who put it into their buy-in: paid in money (box 1, the 20% test),
and their own capital, never in box 5.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils.translation import gettext as _

from coop.models import Cooperative, Member
from coop.money import format_money
from payroll import redemption_ties
from payroll.consent_models import AllocationConsent
from payroll.models import Distribution, DistributionLine
from payroll.redemption_order import BUYIN_AS_MONEY
from payroll.redemption_ties import NoticeStanding

CASH_MINIMUM = Decimal("0.20")  # the sentence closing §1388(c)(1)
FINAL = (Distribution.Status.APPROVED, Distribution.Status.PAID)
ZERO = Decimal("0")


def applies(cooperative: Cooperative) -> bool:
    """Whether the co-op files under United States law (its legal profile)."""
    return cooperative.legal_profile == "us"


def payment_period_ends(year: int) -> datetime.date:
    """The last day to give the notice of `year`'s patronage: 8½ months after December 31,
    that is September 15 of the next year (§1382(d))."""
    return datetime.date(year + 1, 9, 15)


@dataclass(frozen=True)
class NoticeLine:
    """A month of the notice: the patronage dividend (`share`), the part paid in money (`cash`)
    and the part allocated to the capital account (`retained`); `buyin`, the instalment the
    member put into their buy-in, is part of `retained` when the bylaws make it part of the
    notice (`buyin_instalments: "notice"`), of `cash` when they count it as money."""

    month: datetime.date
    share: Decimal
    cash: Decimal
    retained: Decimal
    buyin: Decimal = ZERO


@dataclass(frozen=True)
class AllocationNotice:
    member: Member
    year: int
    lines: list[NoticeLine]
    consent: AllocationConsent | None
    # What of the allocated part the capital account still holds (None: not looked up).
    standing: NoticeStanding | None = None
    # The bylaws' buyin_instalments: whether `buyin` is in `retained` or in `cash`.
    buyin_instalments: str = "notice"

    @property
    def share(self) -> Decimal:
        return sum((line.share for line in self.lines), ZERO)

    @property
    def cash(self) -> Decimal:
        return sum((line.cash for line in self.lines), ZERO)

    @property
    def retained(self) -> Decimal:
        return sum((line.retained for line in self.lines), ZERO)

    @property
    def buyin(self) -> Decimal:
        return sum((line.buyin for line in self.lines), ZERO)

    @property
    def buyin_is_money(self) -> bool:
        return self.buyin_instalments == BUYIN_AS_MONEY

    @property
    def deadline(self) -> datetime.date:
        return payment_period_ends(self.year)

    @property
    def cash_is_enough(self) -> bool:
        """At least 20% of the patronage dividend in money (the sentence closing §1388(c)(1))."""
        return self.share <= 0 or self.cash >= self.share * CASH_MINIMUM

    @property
    def qualified(self) -> bool:
        return self.consent is not None and self.cash_is_enough


def standing_consent(member: Member, day: datetime.date) -> AllocationConsent | None:
    """The member's consent that stands on `day`, if any (one query)."""
    for consent in AllocationConsent.objects.filter(member=member, given_on__lte=day):
        if consent.stands_on(day):
            return consent
    return None


def notice_of_allocation(member: Member, year: int) -> AllocationNotice:
    """The member's patronage of `year`: each approved month's share, the money paid and the
    part allocated to the capital account, a buy-in instalment taken from the cash share
    (`payroll.shares`) in one or the other as the bylaws' `buyin_instalments` says; the consent
    that stands at the end of the payment period; and what of the allocated part is still
    outstanding (five queries)."""
    setting = redemption_ties.buyin_instalments(member.cooperative)
    lines = [
        _notice_line(line.distribution.month, line.share, line.cash, line.retained, setting)
        for line in DistributionLine.objects.filter(
            kind=DistributionLine.Kind.MEMBER,
            member=member,
            distribution__cooperative_id=member.cooperative_id,
            distribution__status__in=FINAL,
            distribution__month__year=year,
        )
        .select_related("distribution")
        .order_by("distribution__month", "id")
    ]
    return AllocationNotice(
        member,
        year,
        lines,
        standing_consent(member, payment_period_ends(year)),
        redemption_ties.notice_standing(member, year),
        setting,
    )


def _notice_line(
    month: datetime.date, share: Decimal, cash: Decimal, retained: Decimal, setting: str
) -> NoticeLine:
    # A member line's `cash` is what was paid out; the buy-in instalment is what the share
    # leaves once the retained part and that cash are taken (`payroll.shares`).
    buyin = share - retained - cash
    if setting == BUYIN_AS_MONEY:
        return NoticeLine(month, share, cash + buyin, retained, buyin)
    return NoticeLine(month, share, cash, retained + buyin, buyin)


@dataclass(frozen=True)
class PatrRow:
    """One recipient's Form 1099-PATR figures for a calendar year, and why a person should
    look at them (`review_reasons`, empty when the figures stand as they are)."""

    member: Member
    box1_patronage_dividends: Decimal
    box4_withheld: Decimal
    box5_redemptions: Decimal
    review_reasons: tuple[str, ...] = ()

    @property
    def review(self) -> bool:
        return bool(self.review_reasons)


def qualified_notices(
    cooperative: Cooperative, member_ids: set[int]
) -> dict[tuple[int, int], bool]:
    """Whether each (member, year) notice of these members is qualified: at least 20% of the
    year's patronage dividend paid in money (§1388(c)(1), closing sentence; a buy-in instalment
    is money only under `buyin_instalments: "money"`) and a consent that stands at the end of
    the year's payment period (§1388(c)(1)(B), (c)(2)) (three queries)."""
    buyin_is_money = redemption_ties.buyin_instalments(cooperative) == BUYIN_AS_MONEY
    share: dict[tuple[int, int], Decimal] = {}
    money: dict[tuple[int, int], Decimal] = {}
    rows = (
        DistributionLine.objects.filter(
            kind=DistributionLine.Kind.MEMBER,
            member_id__in=member_ids,
            distribution__cooperative=cooperative,
            distribution__status__in=FINAL,
        )
        .values_list("member_id", "distribution__month")
        .annotate(share=Sum("share"), retained=Sum("retained"), cash=Sum("cash"))
        .order_by()
    )
    for member_id, month, line_share, line_retained, line_cash in rows:
        key = (member_id, month.year)
        line_share, line_retained, line_cash = (
            Decimal(str(value)) for value in (line_share, line_retained, line_cash)
        )
        paid = line_share - line_retained if buyin_is_money else line_cash
        share[key] = share.get(key, ZERO) + line_share
        money[key] = money.get(key, ZERO) + paid
    consents: dict[int, list[AllocationConsent]] = {}
    for consent in AllocationConsent.objects.filter(
        cooperative=cooperative, member_id__in=member_ids
    ):
        consents.setdefault(consent.member_id, []).append(consent)
    return {
        key: (money[key] >= share[key] * CASH_MINIMUM or share[key] <= 0)
        and any(c.stands_on(payment_period_ends(key[1])) for c in consents.get(key[0], []))
        for key in share
    }


def patr_rows(cooperative: Cooperative, year: int) -> list[PatrRow]:
    """Every member paid in `year`: box 1 (the money, and the allocated parts of qualified
    notices, of the distributions approved that year; a buy-in instalment is money or part of
    the notice as the bylaws' `buyin_instalments` says), box 4 (Cooperage withholds nothing),
    box 5 (the parts of the year's redemptions that paid back allocations of nonqualified
    notices). A row is for review when a redemption paid back a notice within that notice's
    own payment period, or paid more than the account's credits (docs/capital.md)."""
    zone = ZoneInfo(cooperative.time_zone)
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    lines = list(
        DistributionLine.objects.filter(
            kind=DistributionLine.Kind.MEMBER,
            distribution__cooperative=cooperative,
            distribution__status__in=FINAL,
            distribution__approved_at__gte=start,
            distribution__approved_at__lt=end,
        )
        .select_related("distribution")
        .order_by("id")
    )
    redeemed = redemption_ties.redemptions_of(cooperative, year)
    untied = redemption_ties.untied_redemptions(cooperative, year)
    paid_ids = {line.member_id or 0 for line in lines}
    qualified = qualified_notices(
        cooperative, paid_ids | {part.member_id for part in redeemed} | set(untied)
    )
    setting = redemption_ties.buyin_instalments(cooperative)
    box1: dict[int, Decimal] = {}
    for line in lines:
        member_id = line.member_id or 0
        notice = _notice_line(
            line.distribution.month, line.share, line.cash, line.retained, setting
        )
        allocated = notice.retained if qualified.get((member_id, notice.month.year)) else ZERO
        box1[member_id] = box1.get(member_id, ZERO) + notice.cash + allocated
    box5: dict[int, Decimal] = {}
    reasons: dict[int, list[str]] = {}
    for part in redeemed:
        if not part.is_notice:
            continue
        if not qualified.get((part.member_id, part.notice_year), False):
            box5[part.member_id] = box5.get(part.member_id, ZERO) + part.amount
        if part.redeemed_on <= payment_period_ends(part.notice_year):
            _add_reason(reasons, part.member_id, _within_payment_period(part.notice_year))
    for member_id, amount in untied.items():
        _add_reason(reasons, member_id, _untied(amount, cooperative.currency))
    members = (
        Member.objects.filter(
            cooperative=cooperative,
            pk__in=set(box1) | {part.member_id for part in redeemed} | set(untied),
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return [
        PatrRow(
            member=member,
            box1_patronage_dividends=box1.get(member.pk, ZERO),
            box4_withheld=ZERO,
            box5_redemptions=box5.get(member.pk, ZERO),
            review_reasons=tuple(reasons.get(member.pk, ())),
        )
        for member in members
    ]


def _add_reason(reasons: dict[int, list[str]], member_id: int, reason: str) -> None:
    if reason not in reasons.setdefault(member_id, []):
        reasons[member_id].append(reason)


def _within_payment_period(notice_year: int) -> str:
    return _(
        "A redemption paid back part of the notice of %(year)s within its payment period "
        "(until %(day)s, §1382(d)): it may count as part of that year's patronage dividend "
        "paid in money rather than as a redemption."
    ) % {"year": notice_year, "day": payment_period_ends(notice_year).isoformat()}


def _untied(amount: Decimal, currency: str) -> str:
    return _(
        "Redemptions paid %(amount)s more than the capital account held (a balance below "
        "zero): that part pays back no allocation."
    ) % {"amount": format_money(amount, currency)}
