"""The payments pages: every member reads, the treasurer records, removes and sends."""

import datetime
from decimal import Decimal

import pytest

from billing import payments
from billing.balances import bucket_of
from billing.models import Invoice, Payment
from tests.billing.payment_factories import issued_invoice
from tests.factories import ClientFactory, ProjectFactory
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


@pytest.fixture
def customer(cooperative):
    return ClientFactory(cooperative=cooperative, name="City of Vienna")


@pytest.fixture
def invoice(customer):
    return issued_invoice(customer, lines=[(ProjectFactory(client=customer), Decimal("800.00"))])


def billing(cooperative, path=""):
    return f"/c/{cooperative.slug}/billing/{path}"


def test_every_page_renders_for_a_member(client, cooperative, member, invoice, treasurer):
    payments.record_payment(
        actor=treasurer, invoice=invoice, received_on=datetime.date(2026, 10, 20),
        amount=Decimal("300.00"), currency="EUR",
    )  # fmt: skip
    signed_in(client, member)
    for page in ("payments/", "balances/", "aging/", "aging/?on=2027-03-01"):
        response = client.get(billing(cooperative, page))
        assert response.status_code == 200, page
        text = response.content.decode()
        assert "City of Vienna" in text
        assert "data-confirm=" not in text  # nothing to act on for a member
    page = client.get(billing(cooperative, "payments/")).content.decode()
    assert invoice.number in page and "€300.00" in page
    assert (
        client.get(billing(cooperative, f"invoices/{invoice.pk}/payments/new/")).status_code == 403
    )
    assert client.post(billing(cooperative, f"invoices/{invoice.pk}/send/")).status_code == 403


def test_the_aging_page_draws_its_chart(client, cooperative, member, customer):
    issued_invoice(customer, due_date=datetime.date(2026, 10, 31))
    page = signed_in(client, member).get(billing(cooperative, "aging/")).content.decode()
    assert '<svg role="img"' in page
    assert "Open amounts in EUR by days past due" in page
    assert "0–30 days: €1,000.00" in page  # the chart's description, for screen readers
    assert "Not due yet: €0.00" in page


def test_record_a_payment_on_its_page(client, cooperative, treasurer, invoice):
    signed_in(client, treasurer)
    url = billing(cooperative, f"invoices/{invoice.pk}/payments/new/")
    form = client.get(url).content.decode()
    assert "Record a payment of" in form and 'value="800"' in form
    refused = client.post(url, {"received_on": "2026-10-20", "amount": "900.00"})
    assert refused.status_code == 400
    assert "The open amount is €800.00" in refused.content.decode()
    response = client.post(url, {"received_on": "2026-10-20", "amount": "800.00"})
    assert response.status_code == 302
    assert response["Location"] == billing(cooperative, f"payments/?client={invoice.client_id}")
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert "Recorded €800.00 for" in flashes(client.get(response["Location"]))[0]


def test_a_payment_in_german(client, cooperative, treasurer, invoice):
    signed_in(client, treasurer)
    url = billing(cooperative, f"invoices/{invoice.pk}/payments/new/")
    client.cookies.load({"django_language": "de"})
    response = client.post(url, {"received_on": "2026-10-20", "amount": "100,50"})
    assert response.status_code == 302
    assert Payment.objects.get().amount == Decimal("100.50")


def test_remove_and_send_ask_first(client, cooperative, treasurer, invoice):
    payment = payments.record_payment(
        actor=treasurer, invoice=invoice, received_on=datetime.date(2026, 10, 20),
        amount=Decimal("300.00"), currency="EUR",
    )  # fmt: skip
    signed_in(client, treasurer)
    listed = client.get(billing(cooperative, "payments/")).content.decode()
    assert "data-confirm=" in listed and "Remove the payment" in listed
    balances = client.get(billing(cooperative, "balances/")).content.decode()
    assert "Send the invoice" in balances and "€500.00" in balances
    sent = client.post(
        billing(cooperative, f"invoices/{invoice.pk}/send/"),
        {"next": billing(cooperative, "balances/")},
    )
    assert sent.status_code == 302 and sent["Location"] == billing(cooperative, "balances/")
    assert Invoice.objects.get(pk=invoice.pk).send_requested_at is not None
    removed = client.post(billing(cooperative, f"payments/{payment.pk}/remove/"))
    assert removed.status_code == 302
    assert not Payment.objects.exists()


def test_another_co_ops_invoice_is_not_found(client, outsider, invoice):
    signed_in(client, outsider)
    page = f"/c/{outsider.cooperative.slug}/billing/invoices/{invoice.pk}/payments/new/"
    outsider.is_treasurer = True
    outsider.save()
    assert client.get(page).status_code == 404


@pytest.mark.parametrize(
    ("due", "bucket"),
    [
        (datetime.date(2026, 11, 11), "not_due"),
        (datetime.date(2026, 11, 10), "days_0_30"),
        (datetime.date(2026, 10, 11), "days_0_30"),
        (datetime.date(2026, 10, 10), "days_31_60"),
        (datetime.date(2026, 9, 10), "days_61_90"),
        (datetime.date(2026, 8, 12), "days_61_90"),
        (datetime.date(2026, 8, 11), "days_over_90"),
    ],
)
def test_buckets_on_a_fixed_day(due, bucket):
    """On 10 November 2026: 30 days past due is 11 October, 31 is 10 October, 90 is 12 August."""
    assert bucket_of(due, datetime.date(2026, 11, 10)) == bucket
