"""The journal: balanced entries only, written by role through the co-op's mapping, reversed
and never edited; PostgreSQL refuses an unbalanced entry at commit whatever wrote it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from books import journal
from books.journal import MissingAccount, UnbalancedEntry, credit, debit
from books.models import AccountMapping, JournalEntry, JournalLine, LedgerAccount
from coop.errors import StateConflict
from tests.factories import CooperativeFactory

DAY = "2026-10-31"


def chart_of(cooperative):
    """A small chart: bank, receivables, revenue and VAT, mapped to their roles."""
    accounts = {}
    for number, name, type_, role in [
        ("1200", "Bank", "asset", "bank"),
        ("1400", "Receivables", "asset", "receivables"),
        ("8400", "Revenue 19 %", "income", "revenue_standard"),
        ("1776", "VAT 19 %", "liability", "vat_standard"),
    ]:
        account = LedgerAccount.objects.create(
            cooperative=cooperative, number=number, name=name, type=type_
        )
        AccountMapping.objects.create(cooperative=cooperative, role=role, account=account)
        accounts[role] = account
    return accounts


@pytest.fixture
def accounts(cooperative):
    return chart_of(cooperative)


def invoice_issued(cooperative, gross="119.00", net="100.00", vat="19.00"):
    return journal.post(
        cooperative=cooperative,
        date=DAY,
        kind="invoice_issued",
        description="Invoice 2026-0001",
        lines=[
            debit("receivables", Decimal(gross)),
            credit("revenue_standard", Decimal(net)),
            credit("vat_standard", Decimal(vat)),
        ],
        source=("billing.invoice", 7),
    )


@pytest.mark.django_db
def test_an_entry_is_written_by_role(cooperative, accounts):
    entry = invoice_issued(cooperative)
    lines = {line.account.number: line.amount for line in entry.lines.all()}
    assert lines == {
        "1400": Decimal("119.00"),
        "8400": Decimal("-100.00"),
        "1776": Decimal("-19.00"),
    }
    assert (entry.source_type, entry.source_id) == ("billing.invoice", "7")
    line = entry.lines.get(account__number="1400")
    assert (line.debit, line.credit) == (Decimal("119.00"), None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lines",
    [
        [debit("bank", Decimal("10.00")), credit("receivables", Decimal("9.99"))],
        [debit("bank", Decimal("10.00"))],
        [debit("bank", Decimal("0.00")), credit("receivables", Decimal("0.00"))],
        [debit("bank", Decimal("10.005")), credit("receivables", Decimal("10.005"))],
        [],
    ],
    ids=["a cent apart", "one line", "zero lines", "below a cent", "no lines"],
)
def test_an_unbalanced_entry_fails_loudly_and_writes_nothing(cooperative, accounts, lines):
    with pytest.raises(UnbalancedEntry):
        journal.post(
            cooperative=cooperative, date=DAY, kind="revenue", description="x", lines=lines
        )
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_a_role_without_an_account_is_a_conflict_naming_it(cooperative, accounts):
    with pytest.raises(MissingAccount) as refused:
        journal.post(
            cooperative=cooperative, date=DAY, kind="bank_fee", description="Fee",
            lines=[debit("bank_fees", Decimal("4.50")), credit("bank", Decimal("4.50"))],
        )  # fmt: skip
    assert (refused.value.status, refused.value.field) == (409, "bank_fees")
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_another_coops_account_is_refused(cooperative, accounts):
    theirs = chart_of(CooperativeFactory())
    with pytest.raises(UnbalancedEntry, match="another co-op"):
        journal.post(
            cooperative=cooperative, date=DAY, kind="revenue", description="x",
            lines=[debit(theirs["bank"], Decimal("1.00")), credit("receivables", Decimal("1.00"))],
        )  # fmt: skip
    assert not JournalEntry.objects.exists()


@pytest.mark.django_db
def test_a_reversal_takes_back_every_line_once(cooperative, accounts):
    entry = invoice_issued(cooperative)
    back = journal.reverse(entry, date="2026-11-02")
    assert back.reverses == entry and back.kind == "reversal"
    assert back.description == "Reversal of: Invoice 2026-0001"
    assert sorted(line.amount for line in back.lines.all()) == [
        Decimal("-119.00"), Decimal("19.00"), Decimal("100.00"),
    ]  # fmt: skip
    totals = {
        account.number: sum(line.amount for line in account.lines.all())
        for account in LedgerAccount.objects.filter(cooperative=cooperative)
    }
    assert set(totals.values()) == {Decimal("0")}
    with pytest.raises(StateConflict):
        journal.reverse(entry, date="2026-11-03")
    assert JournalEntry.objects.count() == 2


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(
        st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2),
        min_size=0,
        max_size=6,
    )
)
def test_property_only_balanced_entries_are_stored(django_db_blocker, amounts):
    """Whatever lines a caller gives, what is stored balances; it is stored exactly when the
    lines balance, and the stored lines are the lines given."""
    with django_db_blocker.unblock(), transaction.atomic():
        cooperative = CooperativeFactory()
        chart_of(cooperative)
        lines = [debit("bank" if n % 2 else "receivables", a) for n, a in enumerate(amounts)]
        ok = len(amounts) >= 2 and 0 not in amounts and sum(amounts) == 0
        try:
            entry = journal.post(
                cooperative=cooperative, date=DAY, kind="revenue", description="p", lines=lines
            )
        except UnbalancedEntry:
            assert not ok
            assert not JournalEntry.objects.filter(cooperative=cooperative).exists()
        else:
            assert ok
            assert sorted(entry.lines.values_list("amount", flat=True)) == sorted(amounts)
        stored = JournalLine.objects.filter(entry__cooperative=cooperative)
        assert sum(stored.values_list("amount", flat=True), Decimal("0")) == 0
        transaction.set_rollback(True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_an_unbalanced_entry_at_commit(cooperative, accounts):
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        entry = invoice_issued(cooperative)
        JournalLine.objects.filter(entry=entry, account__number="1776").update(
            amount=Decimal("-18.99")
        )
    assert not JournalEntry.objects.exists()
    entry = invoice_issued(cooperative)  # a balanced one commits
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        JournalLine.objects.filter(entry=entry, account__number="8400").delete()
    assert entry.lines.count() == 3
    assert connection.vendor == "postgresql"
