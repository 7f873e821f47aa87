"""A member's totals over the approved months of a year: what their payslip adds up."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from payroll.models import Distribution, DistributionLine

FINAL = (Distribution.Status.APPROVED, Distribution.Status.PAID)


@dataclass(frozen=True)
class YearToDate:
    """A member's totals over the approved months of the year, this month included."""

    minutes: int
    share: Decimal
    cash: Decimal
    retained: Decimal


def year_to_date(distribution: Distribution, member_id: int) -> YearToDate:
    """The member's lines of the approved or paid months of the distribution's year, up to and
    including its month, summed in one query: cash is what was paid, retained what was credited
    to the capital account (buy-in instalments included)."""
    totals = DistributionLine.objects.filter(
        member_id=member_id,
        # a buy-in line adds its instalment to what was credited (its cash and share are 0)
        kind__in=[DistributionLine.Kind.MEMBER, DistributionLine.Kind.BUYIN],
        distribution__cooperative_id=distribution.cooperative_id,
        distribution__status__in=FINAL,
        distribution__month__year=distribution.month.year,
        distribution__month__lte=distribution.month,
    ).aggregate(minutes=Sum("minutes"), share=Sum("share"), cash=Sum("cash"), kept=Sum("retained"))
    return YearToDate(
        minutes=totals["minutes"] or 0,
        share=totals["share"] or Decimal("0"),
        cash=totals["cash"] or Decimal("0"),
        retained=totals["kept"] or Decimal("0"),
    )
