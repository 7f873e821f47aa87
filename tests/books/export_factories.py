"""A German co-op on SKR03 with a year of journal entries, for the tests of the exports."""

import datetime
from decimal import Decimal

from books import charts, journal, setup
from books.journal import credit, debit
from books.models import BooksSettings
from tests.factories import CooperativeFactory, MemberFactory, UserFactory


def german_coop(chart="skr03", **kwargs):
    cooperative = CooperativeFactory(country="DE", **kwargs)
    setup.install_chart(cooperative, charts.chart(chart))
    BooksSettings.objects.filter(cooperative=cooperative).update(
        datev_consultant_number=29098, datev_client_number=55003
    )
    return cooperative


def treasurer_of(cooperative):
    return MemberFactory(cooperative=cooperative, is_treasurer=True)


def a_month(cooperative, month, members):
    """An invoice with VAT, its payment, an expense, a distribution with two lines per member
    and its payout: entries of two, three and many lines."""
    day = month.replace(day=10)
    journal.post(
        cooperative=cooperative, date=day, kind="invoice_issued",
        description=f'Invoice {month:%Y-%m}-1 "Größe"; Ärger',
        lines=[debit("receivables", Decimal("1190.00")),
               credit("revenue_standard", Decimal("1000.00")),
               credit("vat_standard", Decimal("190.00"))],
        source=("billing.invoice", month.month),
    )  # fmt: skip
    journal.post(
        cooperative=cooperative, date=day.replace(day=20), kind="payment_received",
        description="Payment", lines=[debit("bank", Decimal("1190.00")),
                                      credit("receivables", Decimal("1190.00"))],
    )  # fmt: skip
    journal.post(
        cooperative=cooperative, date=day.replace(day=21), kind="expense",
        description="=Hosting", lines=[debit("expenses", Decimal("33.33")),
                                       credit("bank", Decimal("33.33"))],
    )  # fmt: skip
    shares = [Decimal("100.00") + index for index in range(len(members))]
    lines = [debit("surplus", sum(shares, Decimal(0)) * 2 + Decimal("50.00")),
             credit("reserve_fund", Decimal("50.00"))]  # fmt: skip
    for member, share in zip(members, shares, strict=True):
        lines += [credit("members_payable", share, member=member, memo="cash"),
                  credit("members_capital", share, member=member, memo="capital")]  # fmt: skip
    journal.post(
        cooperative=cooperative, date=day.replace(day=28), kind="distribution",
        description=f"Distribution {month:%B %Y}", lines=lines,
    )  # fmt: skip
    journal.post(
        cooperative=cooperative, date=day.replace(day=28), kind="payout", description="Payout",
        lines=[debit("members_payable", sum(shares, Decimal(0))),
               credit("bank", sum(shares, Decimal(0)))],
    )  # fmt: skip


def a_year(cooperative, year=2026, members=3):
    people = [MemberFactory(cooperative=cooperative, user=UserFactory(full_name=f"Ana {n}"))
              for n in range(members)]  # fmt: skip
    for month in range(1, 13):
        a_month(cooperative, datetime.date(year, month, 1), people)
    return people
