"""Year-to-date totals: a member's approved months of the year, up to the payslip's month."""

import datetime
from decimal import Decimal

import pytest

from payroll import distributing, totals
from payroll.models import Distribution
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db


def _copy(distribution, month, status):
    lines = list(distribution.lines.all())
    distribution.pk, distribution.month, distribution.status = None, month, status
    distribution.save()
    for line in lines:
        line.pk, line.distribution = None, distribution
        line.save()
    return distribution


def test_the_approved_months_of_the_year_up_to_this_one(cooperative, treasurer, books):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    distributing.approve_distribution(actor=treasurer, distribution=run)
    september = Distribution.objects.get(pk=run.pk)
    line = september.lines.get(member=books[0])
    _copy(Distribution.objects.get(pk=run.pk), datetime.date(2025, 12, 1), "approved")
    _copy(Distribution.objects.get(pk=run.pk), datetime.date(2026, 8, 1), "draft")
    october = _copy(Distribution.objects.get(pk=run.pk), datetime.date(2026, 10, 1), "paid")

    alone = totals.year_to_date(september, books[0].pk)
    assert alone == totals.YearToDate(line.minutes, line.share, line.cash, line.retained)
    both = totals.year_to_date(october, books[0].pk)
    assert both == totals.YearToDate(
        2 * line.minutes, 2 * line.share, 2 * line.cash, 2 * line.retained
    )


def test_nothing_approved_yet_is_zero(cooperative, treasurer, books):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    assert totals.year_to_date(run, books[0].pk) == totals.YearToDate(0, Decimal(0), 0, 0)
