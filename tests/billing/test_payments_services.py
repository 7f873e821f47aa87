"""Recording and removing payments: partial, overpaid, in another currency; the revenue they
make, split over projects exactly; removal in an open and in a distributed month."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from billing import payments
from billing.balances import balances, open_amount
from billing.models import Invoice, Payment, PaymentRevenue
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import AuditEvent
from payroll import distributing, selectors
from payroll.models import Revenue
from payroll.services import money_in
from tests.billing.payment_factories import credit_note, issued_invoice
from tests.factories import ClientFactory, ProjectFactory

OCTOBER_20 = datetime.date(2026, 10, 20)


@pytest.fixture
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


@pytest.fixture
def client(cooperative):
    return ClientFactory(cooperative=cooperative, name="City of Vienna")


def pay(treasurer, invoice, amount, **kwargs):
    kwargs.setdefault("received_on", OCTOBER_20)
    kwargs.setdefault("currency", invoice.currency)
    return payments.record_payment(
        actor=treasurer, invoice=invoice, amount=Decimal(amount), **kwargs
    )


def test_two_halves_pay_the_invoice(today, treasurer, client):
    invoice = issued_invoice(client, vat_rate=Decimal("21"))  # 1,000.00 + 210.00 VAT
    pay(treasurer, invoice, "605.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert open_amount(invoice) == Decimal("605.00")
    pay(treasurer, invoice, "605.00", received_on=datetime.date(2026, 10, 25))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert open_amount(invoice) == Decimal("0.00")
    # Revenue is what was received without its VAT: the VAT is owed to the tax authority.
    revenue = Revenue.objects.filter(invoice_reference=invoice.number)
    assert sorted(r.amount for r in revenue) == [Decimal("500.00"), Decimal("500.00")]
    assert {r.received_on for r in revenue} == {OCTOBER_20, datetime.date(2026, 10, 25)}
    assert all(r.recorded_by == treasurer and r.client == client for r in revenue)
    assert AuditEvent.objects.filter(verb="payment.recorded").count() == 2


def test_the_vat_in_a_payment_is_not_revenue(today, treasurer, client):
    taxed = issued_invoice(client, vat_rate=Decimal("21"))  # 1,000.00 + 210.00 VAT
    pay(treasurer, taxed, "100.00")  # 100 × 1,000 / 1,210 = 82.644… → 82.64
    untaxed = issued_invoice(client)  # 1,000.00, no VAT (reverse charge, export, exempt…)
    pay(treasurer, untaxed, "100.00")
    earned = {
        invoice.number: sum(
            Revenue.objects.filter(invoice_reference=invoice.number).values_list(
                "amount", flat=True
            )
        )
        for invoice in (taxed, untaxed)
    }
    assert earned == {taxed.number: Decimal("82.64"), untaxed.number: Decimal("100.00")}


def test_a_sent_invoice_stays_sent_until_paid(today, treasurer, client):
    invoice = issued_invoice(client, status=Invoice.Status.SENT)
    pay(treasurer, invoice, "400.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT


def test_more_than_the_open_amount_is_refused_until_confirmed(today, treasurer, client):
    invoice = issued_invoice(client)
    credit_note(invoice, Decimal("100.00"))
    pay(treasurer, invoice, "500.00")
    with pytest.raises(InvalidInput) as refused:
        pay(treasurer, invoice, "450.00")
    assert refused.value.field == "amount"
    assert "€400.00" in refused.value.message
    assert Payment.objects.count() == 1
    payment = pay(treasurer, invoice, "450.00", confirm_overpayment=True)
    assert payment.overpayment_confirmed
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert open_amount(invoice) == Decimal("-50.00")


def test_foreign_currency_with_a_rate_or_an_amount(today, treasurer, client):
    invoice = issued_invoice(client, currency="USD", lines=[(None, Decimal("1000.00"))])
    with pytest.raises(InvalidInput) as refused:
        pay(treasurer, invoice, "333.33")
    assert refused.value.field == "amount_in_coop_currency"
    with pytest.raises(InvalidInput) as refused:
        pay(treasurer, invoice, "333.33", currency="EUR")
    assert refused.value.field == "currency"
    by_rate = pay(treasurer, invoice, "333.33", exchange_rate=Decimal("0.91234567"))
    # 333.33 × 0.91234567 = 304.1121921… → 304.11
    assert by_rate.amount_in_coop_currency == Decimal("304.11")
    assert by_rate.exchange_rate == Decimal("0.91234567")
    by_amount = pay(treasurer, invoice, "300.00", amount_in_coop_currency=Decimal("275.00"))
    # 275 / 300 = 0.916666666… → 0.91666667
    assert by_amount.exchange_rate == Decimal("0.91666667")
    revenue = Revenue.objects.filter(payment_link__payment=by_amount).get()
    assert (revenue.amount, revenue.currency, revenue.project) == (Decimal("275.00"), "EUR", None)


def test_revenue_is_split_over_projects_exactly(today, treasurer, client):
    """Nets 600.00, 300.00 and 100.00 (no project); 100.01 paid: quotas 60.006, 30.003 and
    10.001 cents ×100 → 6000, 3000, 1000 and one cent left, to the largest remainder (0.6 of
    the first project's 6000.6 cents)."""
    web, app = ProjectFactory(client=client), ProjectFactory(client=client)
    invoice = issued_invoice(
        client,
        lines=[(app, Decimal("300.00")), (web, Decimal("600.00")), (None, Decimal("100.00"))],
    )
    payment = pay(treasurer, invoice, "100.01")
    rows = {
        link.revenue.project_id: link.revenue.amount
        for link in PaymentRevenue.objects.filter(payment=payment).select_related("revenue")
    }
    assert rows == {web.pk: Decimal("60.01"), app.pk: Decimal("30.00"), None: Decimal("10.00")}
    assert sum(rows.values()) == Decimal("100.01")


def test_the_payment_is_in_the_months_books_and_draft(today, treasurer, client, books):
    invoice = issued_invoice(client, issue_date=datetime.date(2026, 9, 1))
    pay(treasurer, invoice, "1000.00", received_on=datetime.date(2026, 9, 28))
    month = selectors.month_books(treasurer.cooperative, datetime.date(2026, 9, 1))
    assert invoice.number in {r.invoice_reference for r in month.revenue}
    assert month.revenue_total == Decimal("13000.00")
    draft = distributing.create_draft(
        actor=treasurer, cooperative=treasurer.cooperative, month=datetime.date(2026, 9, 1)
    )
    assert draft.revenue == Decimal("13000.00")
    assert draft.surplus == Decimal("11500.00")


def test_removing_a_payment_of_an_open_month(today, treasurer, client):
    invoice = issued_invoice(client)
    payment = pay(treasurer, invoice, "1000.00")
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert payments.remove_payment(actor=treasurer, payment=payment) == []
    assert not Payment.objects.exists()
    assert not Revenue.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert AuditEvent.objects.filter(verb="payment.removed").count() == 1
    assert AuditEvent.objects.filter(verb="revenue.deleted").count() == 1


def test_removing_a_payment_of_a_distributed_month(today, treasurer, client, books):
    cooperative = treasurer.cooperative
    invoice = issued_invoice(
        client, issue_date=datetime.date(2026, 9, 1), status=Invoice.Status.SENT,
        sent_at=datetime.datetime(2026, 9, 1, 10, tzinfo=datetime.UTC),
    )  # fmt: skip
    payment = pay(treasurer, invoice, "1000.00", received_on=datetime.date(2026, 9, 28))
    original = Revenue.objects.get(payment_link__payment=payment)
    september = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=datetime.date(2026, 9, 1)
    )
    with transaction.atomic():
        distributing.approve_distribution(actor=treasurer, distribution=september)
    [correction] = payments.remove_payment(actor=treasurer, payment=payment)
    assert correction.corrects == original
    assert correction.amount == Decimal("-1000.00")
    assert correction.received_on == datetime.date(2026, 11, 10)
    assert Revenue.objects.filter(pk=original.pk).exists()  # September stays as approved
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.SENT
    # November has 1,000.00 less: taken back as the computation's outgoing, a loss here.
    november = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=datetime.date(2026, 11, 1)
    )
    assert (november.revenue, november.expenses, november.loss) == (
        Decimal("0"), Decimal("1000.00"), Decimal("1000.00"),
    )  # fmt: skip
    # The correction is not revenue anyone may delete by hand.
    with pytest.raises(StateConflict):
        money_in.delete_revenue(actor=treasurer, revenue=correction)


def test_revenue_of_a_payment_is_not_deleted_alone(today, treasurer, client):
    payment = pay(treasurer, issued_invoice(client), "10.00")
    with pytest.raises(StateConflict) as refused:
        money_in.delete_revenue(actor=treasurer, revenue=payment.revenue_links.get().revenue)
    assert refused.value.code == "revenue_linked"


def test_a_payment_in_a_distributed_month_is_refused(today, treasurer, client, books):
    september = distributing.create_draft(
        actor=treasurer, cooperative=treasurer.cooperative, month=datetime.date(2026, 9, 1)
    )
    with transaction.atomic():
        distributing.approve_distribution(actor=treasurer, distribution=september)
    invoice = issued_invoice(client, issue_date=datetime.date(2026, 9, 1))
    with pytest.raises(StateConflict) as refused:
        pay(treasurer, invoice, "10.00", received_on=datetime.date(2026, 9, 30))
    assert refused.value.code == "period_locked"
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("status", "code"),
    [(Invoice.Status.DRAFT, "not_issued"), (Invoice.Status.CREDITED, "credited")],
)
def test_drafts_and_credited_invoices_are_not_paid(today, treasurer, client, status, code):
    invoice = issued_invoice(client)
    Invoice.objects.filter(pk=invoice.pk).update(status=status)
    invoice.refresh_from_db()
    with pytest.raises(StateConflict) as refused:
        pay(treasurer, invoice, "10.00")
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("1.001")}, "amount"),
        ({"received_on": datetime.date(2026, 11, 11)}, "received_on"),
        ({"received_on": datetime.date(2026, 9, 30)}, "received_on"),
    ],
)
def test_bad_input_names_the_field(today, treasurer, client, change, field):
    invoice = issued_invoice(client)
    kwargs = {"received_on": OCTOBER_20, "currency": "EUR", "amount": Decimal("10"), **change}
    with pytest.raises(InvalidInput) as refused:
        payments.record_payment(actor=treasurer, invoice=invoice, **kwargs)
    assert refused.value.field == field


def test_only_the_treasurer_records(today, member, client):
    with pytest.raises(NotAllowed):
        pay(member, issued_invoice(client), "10.00")


def test_balances_per_client(today, treasurer, client, cooperative):
    first = issued_invoice(client)
    issued_invoice(client, lines=[(None, Decimal("50.00"))])
    other = issued_invoice(ClientFactory(cooperative=cooperative, name="Another"))
    pay(treasurer, first, "250.00")
    pay(treasurer, other, "1000.00")
    [balance] = balances(cooperative)
    assert (balance.client, balance.open_total, balance.invoices) == (
        client, Decimal("800.00"), 2,
    )  # fmt: skip
