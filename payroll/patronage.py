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
year (26 CFR 1.6044-2): the distributions approved that year, box 1 for the cash and the
qualified notices at their stated amount; a nonqualified notice is reported in box 5 when it is
redeemed. Cooperage does not tie a redemption to the notice it pays, so a member who had no
consent when an allocation was made has every redemption in box 5, and a member whose consent
came or went within the years of their account is marked for the accountant to review.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Min, Sum

from coop.models import Cooperative, Member
from payroll.consent_models import AllocationConsent
from payroll.models import CapitalAccountEntry, Distribution, DistributionLine

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
    month: datetime.date
    share: Decimal
    cash: Decimal
    retained: Decimal


@dataclass(frozen=True)
class AllocationNotice:
    member: Member
    year: int
    lines: list[NoticeLine]
    consent: AllocationConsent | None

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
    part allocated to the capital account (the retained part and any buy-in instalment taken
    from the cash, `payroll.shares`: both are the share less the money paid), and the consent
    that stands at the end of the payment period (two queries)."""
    lines = [
        NoticeLine(line.distribution.month, line.share, line.cash, line.share - line.cash)
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
        member, year, lines, standing_consent(member, payment_period_ends(year))
    )


@dataclass(frozen=True)
class PatrRow:
    """One recipient's Form 1099-PATR figures for a calendar year."""

    member: Member
    box1_patronage_dividends: Decimal
    box4_withheld: Decimal
    box5_redemptions: Decimal
    review: bool


def patr_rows(cooperative: Cooperative, year: int) -> list[PatrRow]:
    """Every member paid in `year`: box 1 (cash, and the retained parts of qualified notices),
    box 4 (Cooperage withholds nothing), box 5 (redemptions of nonqualified notices)."""
    zone = ZoneInfo(cooperative.time_zone)
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    lines = (
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
    consents: dict[int, list[AllocationConsent]] = {}
    for consent in AllocationConsent.objects.filter(cooperative=cooperative):
        consents.setdefault(consent.member_id, []).append(consent)
    box1: dict[int, Decimal] = {}
    share: dict[tuple[int, int], Decimal] = {}
    cash: dict[tuple[int, int], Decimal] = {}
    for line in lines:
        key = (line.member_id or 0, line.distribution.month.year)
        share[key] = share.get(key, ZERO) + line.share
        cash[key] = cash.get(key, ZERO) + line.cash
    qualified_years = {
        key
        for key in share
        if cash[key] >= share[key] * CASH_MINIMUM
        and any(c.stands_on(payment_period_ends(key[1])) for c in consents.get(key[0], []))
    }
    for line in lines:
        member_id = line.member_id or 0
        key = (member_id, line.distribution.month.year)
        paid = line.cash + (line.share - line.cash if key in qualified_years else ZERO)
        box1[member_id] = box1.get(member_id, ZERO) + paid
    redeemed = dict(
        CapitalAccountEntry.objects.filter(
            cooperative=cooperative,
            kind=CapitalAccountEntry.Kind.REDEMPTION,
            date__year=year,
        )
        .values_list("member_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    members = (
        Member.objects.filter(cooperative=cooperative, pk__in=set(box1) | set(redeemed))
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    first_entries = dict(
        CapitalAccountEntry.objects.filter(cooperative=cooperative, member__in=members)
        .values_list("member_id")
        .annotate(first=Min("date"))
        .order_by()
    )
    rows = []
    for member in members:
        own = consents.get(member.pk, [])
        always = (
            bool(own)
            and any(c.given_on <= first_entries.get(member.pk, datetime.date.max) for c in own)
            and all(c.withdrawn_on is None for c in own)
        )
        never = not own
        redemptions = -Decimal(redeemed.get(member.pk) or 0)
        rows.append(
            PatrRow(
                member=member,
                box1_patronage_dividends=box1.get(member.pk, ZERO),
                box4_withheld=ZERO,
                box5_redemptions=redemptions if never else ZERO,
                review=redemptions > 0 and not (always or never),
            )
        )
    return rows
