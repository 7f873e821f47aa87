"""A small set of books to check the reports by hand: September's capital and other revenue,
then October from an invoice to the distribution (the generic chart's numbers)."""

import datetime
from decimal import Decimal

from books import journal, setup
from books.charts import chart
from books.journal import credit, debit


def D(value: str) -> Decimal:
    return Decimal(value)


def install_generic(cooperative):
    setup.install_chart(cooperative, chart("generic"))


def post(cooperative, day, kind, description, lines, source=None):
    """`journal.post`; a line may be a tuple (role, signed amount[, member])."""
    lines = [line if isinstance(line, journal.Line) else journal.Line(*line) for line in lines]
    return journal.post(
        cooperative=cooperative, date=day, kind=kind, description=description, lines=lines,
        source=source,
    )  # fmt: skip


def worked_books(cooperative, alice, bob):
    """Alice pays in 500 of capital in September; October: an invoice of 1,000 + 190 VAT paid,
    an expense of 200, a bank fee of 10, and the distribution of the 790 surplus."""
    install_generic(cooperative)
    sep, oct_ = datetime.date(2026, 9, 5), datetime.date(2026, 10, 1)
    post(cooperative, sep, "capital", "Alice's share", [
        debit("bank", D("500.00")), credit("members_capital", D("500.00"), member=alice),
    ])  # fmt: skip
    post(cooperative, sep.replace(day=20), "revenue", "Workshop", [
        debit("bank", D("100.00")), credit("other_revenue", D("100.00")),
    ])  # fmt: skip
    post(cooperative, oct_.replace(day=3), "invoice_issued", "Invoice 2026-0001", [
        debit("receivables", D("1190.00")), credit("revenue_standard", D("1000.00")),
        credit("vat_standard", D("190.00")),
    ], source=("billing.invoice", 7))  # fmt: skip
    post(cooperative, oct_.replace(day=10), "payment_received", "Payment of 2026-0001", [
        debit("bank", D("1190.00")), credit("receivables", D("1190.00")),
    ])  # fmt: skip
    post(cooperative, oct_.replace(day=12), "expense", "Hosting", [
        debit("expenses", D("200.00")), credit("bank", D("200.00")),
    ])  # fmt: skip
    post(cooperative, oct_.replace(day=15), "bank_fee", "Account fee", [
        debit("bank_fees", D("10.00")), credit("bank", D("10.00")),
    ])  # fmt: skip
    return post(cooperative, oct_.replace(day=31), "distribution", "Distribution October 2026", [
        debit("surplus", D("790.00")),
        credit("commons_payable", D("118.50")),
        credit("reserve_fund", D("79.00")),
        credit("education_fund", D("39.50")),
        credit("members_payable", D("240.00"), member=alice),
        credit("members_payable", D("202.40"), member=bob),
        credit("members_capital", D("60.00"), member=alice),
        credit("members_capital", D("50.60"), member=bob),
    ], source=("payroll.distribution", 3))  # fmt: skip
