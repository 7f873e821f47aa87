"""The demo co-op's bank (banking/demo.py): two statements imported through the real importer,
last month reconciled and this month's suggestions waiting, whatever the day the demo runs."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from banking.match_selectors import unmatched_transactions
from banking.models import BankAccount, BankMatch, BankStatement, MatchStatus
from billing.models import Invoice
from coop import clock as project_clock
from coop.models import Cooperative
from payroll.documents import end_to_end_id
from payroll.models import Distribution, DistributionLine

# Where months break: the first day of a month (already 1 March in Madrid, the demo's time zone,
# while still 28 February in UTC), New Year's Day there (a Saturday), the last day of a 31-day
# month, and 29 February.
INSTANTS = [
    datetime.datetime(2027, 2, 28, 23, 30, tzinfo=datetime.UTC),
    datetime.datetime(2027, 12, 31, 23, 30, tzinfo=datetime.UTC),
    datetime.datetime(2027, 1, 31, 12, 0, tzinfo=datetime.UTC),
    datetime.datetime(2028, 2, 29, 21, 0, tzinfo=datetime.UTC),
]


@pytest.mark.django_db
@pytest.mark.parametrize("instant", INSTANTS, ids=lambda i: i.isoformat()[:16])
def test_the_demo_has_a_reconciled_month_and_one_waiting(clock, capsys, instant):
    clock.set(instant)
    call_command("demo")
    out = capsys.readouterr().out
    cooperative = Cooperative.objects.get(slug="demo")
    today = project_clock.today_in(cooperative)
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)

    account = BankAccount.objects.get(cooperative=cooperative)
    assert account.iban == cooperative.iban
    last, current = BankStatement.objects.filter(account=account).order_by("closing_date")
    # Stored as a bank's file is: camt.053, its own SHA-256, the balances continuing.
    assert (last.format, current.format) == ("camt.053", "camt.053")
    assert last.file_sha256 and last.file_sha256 != current.file_sha256
    assert (last.opening_date, last.closing_date) == (
        last_month,
        this_month - datetime.timedelta(1),
    )
    assert (current.opening_date, current.closing_date) == (this_month, today)
    assert last.opening_balance == account.opening_balance
    assert current.opening_balance == last.closing_balance
    total = sum(t.amount for t in account.transactions.all())
    assert current.closing_balance == account.opening_balance + total

    # Last month: every transaction matched in full and confirmed.
    queue = unmatched_transactions(cooperative)
    assert not queue.filter(statement=last).exists()
    assert not BankMatch.objects.filter(
        transaction__statement=last, status=MatchStatus.SUGGESTED
    ).exists()
    confirmed = BankMatch.objects.filter(transaction__statement=last, status=MatchStatus.CONFIRMED)
    assert confirmed.count() == last.transactions.count() > 0
    # The payouts, found by the EndToEndId of the co-op's pain.001.
    distribution = Distribution.objects.get(cooperative=cooperative, status="approved")
    paid_lines = DistributionLine.objects.filter(distribution=distribution, cash__gt=0).exclude(
        iban=""
    )
    for line in paid_lines:
        match = confirmed.get(distribution_line=line)
        assert match.transaction.end_to_end_id == end_to_end_id(line)
        assert match.amount == line.cash == -match.transaction.amount
    # The approved expenses of last month, paid on their days.
    assert confirmed.filter(kind="expense").count() == 3

    # This month: nothing confirmed, a suggestion waiting for each transaction.
    assert not BankMatch.objects.filter(
        transaction__statement=current, status=MatchStatus.CONFIRMED
    ).exists()
    assert queue.filter(statement=current).count() == current.transactions.count()
    for bank_tx in current.transactions.all():
        assert bank_tx.matches.filter(status=MatchStatus.SUGGESTED).exists()
    fee = current.transactions.get(amount=Decimal("-12.50"))
    assert fee.booking_date == this_month
    assert fee.matches.get().kind == "bank_fee"
    for invoice in Invoice.objects.filter(cooperative=cooperative, status="issued"):
        match = BankMatch.objects.get(invoice=invoice, status=MatchStatus.SUGGESTED)
        assert invoice.number in match.transaction.remittance_information
        assert match.amount == invoice.gross_total == match.transaction.amount
        assert match.transaction.booking_date == today
    assert "2 bank statements imported" in out

    # Idempotent, and the audit chain holds.
    counts = (BankStatement.objects.count(), BankMatch.objects.count())
    call_command("demo", quiet=True)
    assert (BankStatement.objects.count(), BankMatch.objects.count()) == counts
    call_command("verify_audit")
