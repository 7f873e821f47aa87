"""Confirming, splitting, changing, setting aside and undoing matches: what each records and
takes back, and what each refuses."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from banking import match_selectors as selectors
from banking import matching, reconciling
from banking.models import BankMatch
from billing.models import Invoice, Payment
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import AuditEvent
from payroll import distributing
from payroll.claim_models import ExpenseClaim
from payroll.documents import end_to_end_id
from payroll.models import Distribution, Expense, Revenue
from tests.banking.factories_match import approved_distribution, bank_account, bank_transaction
from tests.billing.payment_factories import issued_invoice
from tests.factories import ClientFactory, ExpenseFactory, ProjectFactory

OCTOBER_20 = datetime.date(2026, 10, 20)


@pytest.fixture
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


@pytest.fixture
def account(cooperative):
    return bank_account(cooperative)


@pytest.fixture
def client(cooperative):
    return ClientFactory(cooperative=cooperative, name="City of Vienna")


def invoice_of(client, net="1000.00", **fields):
    return issued_invoice(client, lines=[(ProjectFactory(client=client), Decimal(net))], **fields)


def suggestion(cooperative, bank_tx):
    matching.suggest(cooperative=cooperative)
    return BankMatch.objects.filter(transaction=bank_tx).order_by("-confidence", "id").first()


def test_confirming_records_the_payment_and_its_revenue(
    today, cooperative, account, client, treasurer
):
    invoice = invoice_of(client)
    bank_tx = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    assert (match.status, match.confirmed_by) == ("confirmed", treasurer)
    payment = match.payment
    assert (payment.invoice, payment.amount, payment.received_on) == (
        invoice, Decimal("1000.00"), OCTOBER_20,
    )  # fmt: skip
    [revenue] = Revenue.objects.filter(invoice_reference=invoice.number)
    assert (revenue.amount, revenue.received_on) == (Decimal("1000.00"), OCTOBER_20)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert AuditEvent.objects.filter(verb="bank_match.confirmed").count() == 1
    assert list(selectors.unmatched_transactions(cooperative)) == []


def test_a_transaction_is_never_matched_twice(today, cooperative, account, client, treasurer):
    first, second = invoice_of(client), invoice_of(client)
    bank_tx = bank_transaction(
        account, "1000.00", remittance_information=f"{first.number} {second.number}"
    )
    matching.suggest(cooperative=cooperative)
    one, other = BankMatch.objects.filter(transaction=bank_tx)
    reconciling.confirm_match(actor=treasurer, match=one)
    with pytest.raises(StateConflict) as refused:
        reconciling.confirm_match(actor=treasurer, match=other)
    assert refused.value.code == "already_matched"
    assert "matched for €1,000.00 already" in refused.value.message
    assert Payment.objects.count() == 1
    with pytest.raises(StateConflict):
        reconciling.confirm_match(actor=treasurer, match=one)


def test_one_transfer_split_over_two_invoices(today, cooperative, account, client, treasurer):
    first, second = invoice_of(client, net="600.00"), invoice_of(client, net="400.00")
    bank_tx = bank_transaction(account, "1000.00", remittance_information="two invoices")
    parts = reconciling.split(
        actor=treasurer,
        transaction=bank_tx,
        parts=[(first, Decimal("600.00")), (second, Decimal("400.00"))],
    )
    assert [(p.invoice, p.amount, p.status) for p in parts] == [
        (first, Decimal("600.00"), "confirmed"), (second, Decimal("400.00"), "confirmed"),
    ]  # fmt: skip
    assert sorted(Payment.objects.values_list("amount", flat=True)) == [
        Decimal("400.00"), Decimal("600.00"),
    ]  # fmt: skip
    assert Invoice.objects.filter(status=Invoice.Status.PAID).count() == 2


def test_a_split_must_add_up_and_writes_nothing_else(
    today, cooperative, account, client, treasurer
):
    first, second = invoice_of(client, net="600.00"), invoice_of(client, net="400.00")
    bank_tx = bank_transaction(account, "1000.00")
    with pytest.raises(InvalidInput) as refused:
        reconciling.split(
            actor=treasurer, transaction=bank_tx,
            parts=[(first, Decimal("600.00")), (second, Decimal("300.00"))],
        )  # fmt: skip
    assert refused.value.field == "parts"
    assert "must add up to €1,000.00" in refused.value.message
    # More than is open on the invoice: refused by billing, and nothing of the split stays.
    with pytest.raises(InvalidInput) as refused:
        reconciling.split(
            actor=treasurer, transaction=bank_tx,
            parts=[(first, Decimal("700.00")), (second, Decimal("300.00"))],
        )  # fmt: skip
    assert refused.value.field == "amount"
    assert not Payment.objects.exists()
    assert not BankMatch.objects.exists()


def test_undo_reverses_exactly_what_confirming_did(today, cooperative, account, client, treasurer):
    invoice = invoice_of(client)
    bank_tx = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    assert reconciling.undo_match(actor=treasurer, match=match) == []
    match.refresh_from_db()
    assert (match.status, match.payment, match.confirmed_at) == ("suggested", None, None)
    assert not Payment.objects.exists()
    assert not Revenue.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert list(selectors.unmatched_transactions(cooperative)) == [bank_tx]
    # and it can be confirmed again
    reconciling.confirm_match(actor=treasurer, match=match)
    assert Payment.objects.count() == 1


def test_undo_in_a_distributed_month_is_a_correction(
    today, cooperative, account, client, treasurer, books
):
    invoice = invoice_of(client, issue_date=datetime.date(2026, 9, 1))
    bank_tx = bank_transaction(
        account, "1000.00", booking_date=datetime.date(2026, 9, 28),
        remittance_information=invoice.number,
    )  # fmt: skip
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    original = Revenue.objects.get(payment_link__payment=match.payment)
    september = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=datetime.date(2026, 9, 1)
    )
    with transaction.atomic():
        distributing.approve_distribution(actor=treasurer, distribution=september)
    [correction] = reconciling.undo_match(actor=treasurer, match=match)
    assert correction.corrects == original
    assert (correction.amount, correction.received_on) == (
        Decimal("-1000.00"), datetime.date(2026, 11, 10),
    )  # fmt: skip
    assert Revenue.objects.filter(pk=original.pk).exists()
    assert not Payment.objects.exists()
    event = AuditEvent.objects.get(verb="bank_match.undone")
    assert event.data["corrections"] == [correction.pk]


def test_the_last_cash_line_paid_makes_the_distribution_paid(
    today, cooperative, account, treasurer
):
    distribution = approved_distribution(
        cooperative, [("member", "Ana", "1200.00"), ("commons", "Debian", "300.00")]
    )
    ana, debian = distribution.lines.order_by("id")
    first = bank_transaction(account, "-1200.00", end_to_end_id=end_to_end_id(ana))
    second = bank_transaction(account, "-300.00", end_to_end_id=end_to_end_id(debian))
    matching.suggest(cooperative=cooperative)
    reconciling.confirm_match(actor=treasurer, match=BankMatch.objects.get(transaction=first))
    distribution.refresh_from_db()
    assert distribution.status == Distribution.Status.APPROVED
    last = reconciling.confirm_match(
        actor=treasurer, match=BankMatch.objects.get(transaction=second)
    )
    distribution.refresh_from_db()
    assert (distribution.status, last.paid_distribution) == (Distribution.Status.PAID, True)
    reconciling.undo_match(actor=treasurer, match=last)
    distribution.refresh_from_db()
    assert (distribution.status, distribution.paid_at) == (Distribution.Status.APPROVED, None)
    # Paid again; then the other line is unmatched: a line unpaid, the distribution too.
    reconciling.confirm_match(actor=treasurer, match=last)
    reconciling.undo_match(actor=treasurer, match=BankMatch.objects.get(transaction=first))
    distribution.refresh_from_db()
    assert distribution.status == Distribution.Status.APPROVED


def test_a_line_is_matched_with_its_cash_only(today, cooperative, account, treasurer):
    distribution = approved_distribution(cooperative, [("member", "Ana", "1200.00")])
    [ana] = distribution.lines.all()
    bank_tx = bank_transaction(account, "-1300.00")
    with pytest.raises(InvalidInput) as refused:
        reconciling.split(actor=treasurer, transaction=bank_tx, parts=[(ana, Decimal("1300.00"))])
    assert (
        refused.value.message
        == "The line pays €1,200.00 in cash: the matched amount must be the same."
    )
    paid = bank_transaction(account, "-1200.00")
    reconciling.split(actor=treasurer, transaction=paid, parts=[(ana, Decimal("1200.00"))])
    again = bank_transaction(account, "-1200.00")
    with pytest.raises(StateConflict) as refused:
        reconciling.split(actor=treasurer, transaction=again, parts=[(ana, Decimal("1200.00"))])
    assert refused.value.code == "line_paid"


def test_an_approved_expense_paid(today, cooperative, account, treasurer):
    expense = ExpenseFactory(
        cooperative=cooperative, payee="Hetzner", amount=Decimal("89.90"),
        status=Expense.Status.APPROVED,
    )  # fmt: skip
    bank_tx = bank_transaction(account, "-89.90", counterparty_name="Hetzner")
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    assert (match.kind, match.expense) == ("expense", expense)
    submitted = ExpenseFactory(cooperative=cooperative, amount=Decimal("5.00"))
    other = bank_transaction(account, "-5.00")
    with pytest.raises(StateConflict) as refused:
        reconciling.split(actor=treasurer, transaction=other, parts=[(submitted, Decimal("5.00"))])
    assert refused.value.code == "not_approved"


def test_a_bank_fee_becomes_an_approved_expense_and_undo_deletes_it(
    today, cooperative, account, treasurer
):
    bank_tx = bank_transaction(account, "-4.50", bank_transaction_code="ACMT/MDOP/CHRG")
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    expense = match.fee_expense
    assert (expense.category, expense.amount, expense.date, expense.status) == (
        "Bank fees", Decimal("4.50"), OCTOBER_20, Expense.Status.APPROVED,
    )  # fmt: skip
    reconciling.undo_match(actor=treasurer, match=match)
    assert not Expense.objects.exists()
    assert AuditEvent.objects.filter(verb="expense.deleted").count() == 1


def test_undoing_a_fee_of_a_distributed_month_is_corrected_in_the_open_month(
    today, cooperative, account, treasurer, books
):
    bank_tx = bank_transaction(
        account, "-4.50", bank_transaction_code="NMSC/805",
        booking_date=datetime.date(2026, 9, 28),
    )  # fmt: skip
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    expense = match.fee_expense
    september = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=datetime.date(2026, 9, 1)
    )
    with transaction.atomic():
        distributing.approve_distribution(actor=treasurer, distribution=september)
    [correction] = reconciling.undo_match(actor=treasurer, match=match)
    assert (correction.amount, correction.received_on, correction.client.name) == (
        Decimal("4.50"), datetime.date(2026, 11, 10), "Umweltbank",
    )  # fmt: skip
    assert "2026-09-28" in correction.note
    assert Expense.objects.filter(pk=expense.pk).exists()  # the distributed month is kept
    match.refresh_from_db()
    assert match.fee_expense is None
    bank_tx.refresh_from_db()
    assert BankMatch.objects.filter(transaction=bank_tx, status="confirmed").count() == 0


def test_interest_becomes_revenue(today, cooperative, account, treasurer):
    bank_tx = bank_transaction(account, "1.27", bank_transaction_code="ACMT/MCOP/INTR")
    match = reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    revenue = match.interest_revenue
    assert (revenue.amount, revenue.client.name, revenue.note) == (
        Decimal("1.27"), "Umweltbank", "Interest",
    )  # fmt: skip
    reconciling.undo_match(actor=treasurer, match=match)
    assert not Revenue.objects.exists()


def test_change_then_confirm(today, cooperative, account, client, treasurer):
    wrong, right = invoice_of(client, net="500.00"), invoice_of(client, net="500.00")
    bank_tx = bank_transaction(account, "500.00", remittance_information=wrong.number)
    match = suggestion(cooperative, bank_tx)
    assert match.invoice == wrong
    match = reconciling.change(actor=treasurer, match=match, target=right)
    assert (match.invoice, match.reasons, match.confidence) == (right, ["chosen"], 100)
    matching.suggest(cooperative=cooperative)  # the treasurer's choice stays
    match.refresh_from_db()
    assert match.invoice == right
    reconciling.confirm_match(actor=treasurer, match=match)
    right.refresh_from_db()
    assert right.status == Invoice.Status.PAID


def test_a_transaction_set_aside_leaves_the_queue(today, cooperative, account, client, treasurer):
    bank_tx = bank_transaction(account, "-2000.00", remittance_information="to savings")
    assert list(selectors.unmatched_transactions(cooperative)) == [bank_tx]
    reconciling.set_transaction_aside(actor=treasurer, transaction=bank_tx, note="own account")
    assert list(selectors.unmatched_transactions(cooperative)) == []
    with pytest.raises(StateConflict) as refused:
        reconciling.split(
            actor=treasurer, transaction=bank_tx, parts=[("bank_fee", Decimal("2000.00"))]
        )
    assert refused.value.code == "set_aside"
    reconciling.take_back(actor=treasurer, transaction=bank_tx)
    assert list(selectors.unmatched_transactions(cooperative)) == [bank_tx]


def test_a_partly_matched_transaction_stays_in_the_queue(
    today, cooperative, account, client, treasurer
):
    invoice = invoice_of(client, net="600.00")
    bank_tx = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    reconciling.confirm_match(actor=treasurer, match=suggestion(cooperative, bank_tx))
    [queued] = selectors.unmatched_transactions(cooperative)
    assert (queued, queued.matched) == (bank_tx, Decimal("600.00"))


def test_only_the_treasurer_reconciles(today, cooperative, account, client, member):
    invoice = invoice_of(client)
    bank_tx = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    with pytest.raises(NotAllowed):
        reconciling.confirm_match(actor=member, match=suggestion(cooperative, bank_tx))


def test_another_coops_invoice_is_refused(today, cooperative, account, treasurer):
    foreign = invoice_of(ClientFactory())
    bank_tx = bank_transaction(account, "1000.00")
    with pytest.raises(InvalidInput) as refused:
        reconciling.split(
            actor=treasurer, transaction=bank_tx, parts=[(foreign, Decimal("1000.00"))]
        )
    assert refused.value.field == "target"


def test_a_claims_expense_is_matched_through_its_reimbursement_line(
    today, cooperative, account, treasurer, member
):
    expense = ExpenseFactory(
        cooperative=cooperative, payee="Train", amount=Decimal("42.00"),
        status=Expense.Status.APPROVED,
    )  # fmt: skip
    ExpenseClaim.objects.create(
        cooperative=cooperative, member=member, amount=Decimal("42.00"), currency="EUR",
        date=expense.date, payee="Train", category="Travel", receipt="claims/ticket.pdf",
        expense=expense,
    )  # fmt: skip
    bank_tx = bank_transaction(account, "-42.00", counterparty_name="Train")
    assert suggestion(cooperative, bank_tx) is None
    with pytest.raises(StateConflict) as refused:
        reconciling.split(actor=treasurer, transaction=bank_tx, parts=[(expense, Decimal("42.00"))])
    assert refused.value.code == "claim"
