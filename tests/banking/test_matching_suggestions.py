"""The suggestions of reconciliation: each rule, and the confidence it states."""

import datetime
from decimal import Decimal

import pytest

from banking import matching, reconciling
from banking.models import BankMatch
from billing.issuing import payment_reference
from payroll.documents import end_to_end_id
from payroll.models import Expense
from tests.banking.factories_match import approved_distribution, bank_account, bank_transaction
from tests.billing.payment_factories import issued_invoice
from tests.factories import ClientFactory, ExpenseFactory, ProjectFactory


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
    invoice = issued_invoice(client, lines=[(ProjectFactory(client=client), Decimal(net))])
    invoice.payment_reference = payment_reference(invoice.number)
    invoice.save()
    return invoice


def suggested(cooperative, bank_tx):
    matching.suggest(cooperative=cooperative)
    return list(BankMatch.objects.filter(transaction=bank_tx).order_by("-confidence", "id"))


def test_the_rf_reference_and_the_amount(today, cooperative, account, client):
    invoice = invoice_of(client)
    bank_tx = bank_transaction(
        account, "1000.00", creditor_reference=invoice.payment_reference, counterparty_name="Wien"
    )
    [match] = suggested(cooperative, bank_tx)
    assert (match.invoice, match.amount, match.kind) == (invoice, Decimal("1000.00"), "invoice")
    assert match.reasons == ["reference", "amount"]
    assert match.confidence == 90
    assert matching.reasons_text(match) == [
        "the invoice's RF reference is in the transfer",
        "the amount is the same",
    ]


def test_the_rf_reference_in_groups_of_four_in_the_text(today, cooperative, account, client):
    invoice = invoice_of(client)
    grouped = " ".join(
        invoice.payment_reference[i : i + 4] for i in range(0, len(invoice.payment_reference), 4)
    )
    bank_tx = bank_transaction(account, "400.00", remittance_information=f"Payment {grouped} thx")
    [match] = suggested(cooperative, bank_tx)
    assert match.invoice == invoice
    assert (match.reasons, match.confidence) == (["reference"], 60)
    assert match.amount == Decimal("400.00")  # a part payment: what came in


def test_the_invoice_number_in_the_remittance(today, cooperative, account, client):
    invoice = invoice_of(client)
    bank_tx = bank_transaction(
        account, "1000.00", remittance_information=f"Rechnung Nr. {invoice.number} vom 1.10."
    )
    [match] = suggested(cooperative, bank_tx)
    assert (match.invoice, match.reasons, match.confidence) == (
        invoice, ["number", "amount"], 80,
    )  # fmt: skip


def test_a_longer_number_is_not_the_invoice(today, cooperative, account, client):
    invoice = invoice_of(client, net="999.00")
    bank_tx = bank_transaction(
        account, "1000.00", remittance_information=f"Invoice {invoice.number}1"
    )
    assert suggested(cooperative, bank_tx) == []


def test_the_known_iban_of_the_client(today, cooperative, account, client, treasurer):
    first, second = invoice_of(client), invoice_of(client, net="250.00")
    iban = "AT611904300234573201"
    paid = bank_transaction(
        account, "1000.00", remittance_information=first.number, counterparty_iban=iban
    )
    reconciling.confirm_match(actor=treasurer, match=suggested(cooperative, paid)[0])
    bank_tx = bank_transaction(account, "250.00", counterparty_iban=iban)
    [match] = suggested(cooperative, bank_tx)
    assert (match.invoice, match.reasons, match.confidence) == (second, ["amount", "iban"], 50)


def test_an_amount_alone_is_suggested_when_one_invoice_has_it(today, cooperative, account, client):
    invoice = invoice_of(client, net="321.00")
    invoice_of(client, net="500.00")
    invoice_of(client, net="500.00")
    unique = bank_transaction(account, "321.00")
    shared = bank_transaction(account, "500.00")
    [match] = suggested(cooperative, unique)
    assert (match.invoice, match.reasons, match.confidence) == (invoice, ["amount"], 30)
    assert not BankMatch.objects.filter(transaction=shared).exists()


def test_two_invoices_in_one_transfer_are_a_split(today, cooperative, account, client):
    first, second = invoice_of(client, net="600.00"), invoice_of(client, net="400.00")
    bank_tx = bank_transaction(
        account, "1000.00", remittance_information=f"{first.number} and {second.number}"
    )
    matches = suggested(cooperative, bank_tx)
    assert {(m.invoice, m.amount) for m in matches} == {
        (first, Decimal("600.00")), (second, Decimal("400.00")),
    }  # fmt: skip
    assert all(m.reasons == ["number", "split"] and m.confidence == 80 for m in matches)


def test_a_payout_by_its_end_to_end_id(today, cooperative, account):
    distribution = approved_distribution(
        cooperative, [("member", "Ana", "1200.00"), ("commons", "Debian", "300.00")]
    )
    ana, debian = distribution.lines.order_by("id")
    paid_ana = bank_transaction(account, "-1200.00", end_to_end_id=end_to_end_id(ana))
    paid_debian = bank_transaction(account, "-300.00", end_to_end_id=end_to_end_id(debian))
    [match] = suggested(cooperative, paid_ana)
    assert (match.kind, match.distribution_line, match.confidence) == ("payout", ana, 100)
    assert match.reasons == ["end_to_end_id", "amount"]
    [commons] = BankMatch.objects.filter(transaction=paid_debian)
    assert (commons.kind, commons.distribution_line) == ("commons", debian)


def test_a_payout_by_the_iban_and_the_amount(today, cooperative, account):
    distribution = approved_distribution(cooperative, [("member", "Ana", "1200.00")])
    [ana] = distribution.lines.all()
    bank_tx = bank_transaction(account, "-1200.00", counterparty_iban=ana.iban)
    [match] = suggested(cooperative, bank_tx)
    assert (match.distribution_line, match.reasons, match.confidence) == (
        ana, ["iban", "amount"], 50,
    )  # fmt: skip


def test_an_expense_by_payee_amount_and_date(today, cooperative, account):
    expense = ExpenseFactory(
        cooperative=cooperative, payee="Hetzner Online GmbH", amount=Decimal("89.90"),
        date=datetime.date(2026, 10, 15), status=Expense.Status.APPROVED,
    )  # fmt: skip
    near = bank_transaction(
        account, "-89.90", booking_date=datetime.date(2026, 10, 20), counterparty_name="HETZNER"
    )
    [match] = suggested(cooperative, near)
    assert (match.expense, match.reasons, match.confidence) == (
        expense, ["amount", "date", "payee"], 90,
    )  # fmt: skip
    far = bank_transaction(account, "-89.90", booking_date=datetime.date(2026, 10, 22))
    BankMatch.objects.all().delete()
    [match] = suggested(cooperative, far)
    assert (match.reasons, match.confidence) == (["amount", "date"], 60)
    too_late = bank_transaction(account, "-89.90", booking_date=datetime.date(2026, 10, 30))
    assert suggested(cooperative, too_late) == []


@pytest.mark.parametrize(
    ("code", "amount", "kind"),
    [
        ("ACMT/MDOP/CHRG", "-4.50", "bank_fee"),
        ("PMNT/ICDT/FEES", "-0.35", "bank_fee"),
        ("NCHG/808", "-9.00", "bank_fee"),
        # German GVC of MT940's :86: (DFÜ-Abkommen Anlage 3): 805 closing, its sign decides
        ("NMSC/805", "-12.40", "bank_fee"),
        ("NMSC/805", "0.42", "interest"),
        ("NMSC/809", "-1.00", "bank_fee"),
        ("NMSC/806", "-0.85", "bank_fee"),
        ("NMSC/814", "2.00", "interest"),
        ("NMSC/166", "50.00", None),  # a SEPA credit transfer
        ("SRVCHG", "-5.00", "bank_fee"),
        ("ACMT/MCOP/INTR", "1.27", "interest"),
        ("NINT", "0.80", "interest"),
        ("INT", "0.10", "interest"),
        ("ACMT/MDOP/INTR", "-3.10", "bank_fee"),  # interest the co-op pays is a cost
        ("PMNT/RCDT/ESCT", "12.00", None),
    ],
)
def test_bank_fees_and_interest_by_the_transaction_code(
    today, cooperative, account, code, amount, kind
):
    bank_tx = bank_transaction(account, amount, bank_transaction_code=code)
    found = suggested(cooperative, bank_tx)
    if kind is None:
        assert found == []
    else:
        [match] = found
        assert (match.kind, match.amount, match.reasons, match.confidence) == (
            kind, abs(Decimal(amount)), ["bank_code"], 80,
        )  # fmt: skip


def test_a_suggestion_set_aside_is_not_made_again(today, cooperative, account, client, treasurer):
    invoice = invoice_of(client)
    bank_tx = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    [match] = suggested(cooperative, bank_tx)
    reconciling.set_aside(actor=treasurer, match=match)
    assert [m.status for m in suggested(cooperative, bank_tx)] == ["set_aside"]


def test_suggesting_costs_the_same_queries_for_more_transactions(
    today, cooperative, account, client, django_assert_max_num_queries
):
    invoices = [invoice_of(client, net=f"{100 + n}.00") for n in range(3)]
    for invoice in invoices:
        bank_transaction(account, "1.00", remittance_information=invoice.number)
    with django_assert_max_num_queries(12):
        matching.suggest(cooperative=cooperative)
    for invoice in invoices * 5:
        bank_transaction(account, "2.00", remittance_information=invoice.number)
    with django_assert_max_num_queries(12):
        matching.suggest(cooperative=cooperative)


def test_suggesting_for_one_statement(today, cooperative, account, client):
    invoice = invoice_of(client)
    other = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    mine = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    made = matching.suggest(cooperative=cooperative, transactions=mine.statement.transactions.all())
    assert [m.transaction for m in made] == [mine]
    assert not BankMatch.objects.filter(transaction=other).exists()
