"""Banking's matches book through payroll: a fee is a bank fee, interest is interest income,
a matched payout line is paid on its booking day and unpaid when the match is undone."""

import datetime
from decimal import Decimal

import pytest

from banking import matching, reconciling
from banking.models import BankMatch
from books import sources
from books.models import AccountMapping, JournalEntry
from payroll.documents import end_to_end_id
from tests.banking.factories_match import approved_distribution, bank_account, bank_transaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(cooperative, clock):
    clock.set(datetime.date(2026, 11, 10))
    return bank_account(cooperative)


def number(cooperative, role):
    return AccountMapping.objects.get(cooperative=cooperative, role=role).account.number


def lines_of(entry):
    return [(line.account.number, line.amount) for line in entry.lines.order_by("id")]


def suggestion(cooperative, bank_tx):
    matching.suggest(cooperative=cooperative)
    return BankMatch.objects.filter(transaction=bank_tx).order_by("-confidence", "id").first()


def problems(cooperative):
    return {name: found for name, found in sources.check(cooperative).items() if found}


def test_a_fee_is_a_bank_fee_and_undoing_it_reverses_it(cooperative, account, treasurer):
    bank_tx = bank_transaction(account, "-4.50", bank_transaction_code="ACMT/MDOP/CHRG")
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    entry = JournalEntry.objects.get(source_type="payroll.expense")
    assert (entry.kind, entry.date) == ("bank_fee", bank_tx.booking_date)
    bank, fees = number(cooperative, "bank"), number(cooperative, "bank_fees")
    assert lines_of(entry) == [(fees, Decimal("4.50")), (bank, Decimal("-4.50"))]
    assert not problems(cooperative)
    reconciling.undo_match(actor=treasurer, match=match)
    reversal = JournalEntry.objects.get(reverses=entry)
    assert lines_of(reversal) == [(fees, Decimal("-4.50")), (bank, Decimal("4.50"))]
    assert not problems(cooperative)


def test_interest_is_interest_income(cooperative, account, treasurer):
    bank_tx = bank_transaction(account, "1.27", bank_transaction_code="ACMT/MCOP/INTR")
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    entry = JournalEntry.objects.get(source_type="payroll.revenue")
    assert entry.kind == "interest"
    assert lines_of(entry) == [
        (number(cooperative, "bank"), Decimal("1.27")),
        (number(cooperative, "interest_income"), Decimal("-1.27")),
    ]
    assert not problems(cooperative)
    reconciling.undo_match(actor=treasurer, match=match)
    assert JournalEntry.objects.filter(reverses=entry).exists()
    assert not problems(cooperative)


def test_the_backfill_books_fees_and_interest_on_their_accounts(cooperative, account, treasurer):
    fee = bank_transaction(account, "-4.50", bank_transaction_code="ACMT/MDOP/CHRG")
    interest = bank_transaction(account, "1.27", bank_transaction_code="ACMT/MCOP/INTR")
    for bank_tx in (fee, interest):
        reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    live = sorted((e.kind, tuple(lines_of(e))) for e in JournalEntry.objects.all())
    JournalEntry.objects.all().delete()
    assert set(problems(cooperative)) == {"banking.match", "payroll.revenue", "payroll.expense"}
    assert sources.backfill(cooperative)["banking.match"] == 2
    assert sorted((e.kind, tuple(lines_of(e))) for e in JournalEntry.objects.all()) == live
    assert not problems(cooperative)


def test_matched_lines_are_paid_once_and_unpaid_when_undone(cooperative, account, treasurer):
    distribution = approved_distribution(
        cooperative, [("member", "Ana", "1200.00"), ("commons", "Debian", "300.00")]
    )
    ana, debian = distribution.lines.order_by("id")
    first = bank_transaction(account, "-1200.00", end_to_end_id=end_to_end_id(ana))
    second = bank_transaction(account, "-300.00", end_to_end_id=end_to_end_id(debian))
    matching.suggest(cooperative=cooperative)
    reconciling.confirm_match(actor=treasurer, match=BankMatch.objects.get(transaction=first))
    payouts = JournalEntry.objects.filter(kind="payout")
    assert list(payouts.values_list("source_id", "date")) == [(str(ana.pk), first.booking_date)]
    last = reconciling.confirm_match(
        actor=treasurer, match=BankMatch.objects.get(transaction=second)
    )
    assert payouts.count() == 2  # the distribution is paid: nothing booked twice
    assert lines_of(payouts.get(source_id=str(debian.pk))) == [
        (number(cooperative, "commons_payable"), Decimal("300.00")),
        (number(cooperative, "bank"), Decimal("-300.00")),
    ]
    reconciling.undo_match(actor=treasurer, match=last)
    assert JournalEntry.objects.filter(kind="reversal").count() == 1
    assert JournalEntry.objects.get(kind="reversal").reverses.source_id == str(debian.pk)
    # (the factory's distribution has no figures, only lines: its payouts alone are checked)
    assert "payroll.distributionline" not in problems(cooperative)
