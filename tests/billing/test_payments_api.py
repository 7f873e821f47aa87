"""The payments API: record, list, filter, remove; send; balances and aging; errors per field."""

import datetime
from decimal import Decimal

import pytest

from billing.models import Invoice, Payment
from payroll.models import Revenue
from tests.billing.payment_factories import issued_invoice
from tests.conftest import as_member
from tests.factories import ClientFactory, ProjectFactory


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


@pytest.fixture
def client(cooperative):
    return ClientFactory(cooperative=cooperative, name="City of Vienna")


def base(cooperative):
    return f"/api/v1/coops/{cooperative.slug}"


def test_record_a_payment(api, treasurer, client):
    invoice = issued_invoice(client)
    response = as_member(api, treasurer).post(
        f"{base(client.cooperative)}/invoices/{invoice.pk}/payments/",
        {"received_on": "2026-10-20", "amount": "400.00", "currency": "EUR", "note": "SEPA"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == "400.00"
    assert body["amount_in_coop_currency"] == "400.00"
    assert body["invoice_number"] == invoice.number
    [revenue] = body["revenue"]
    assert Revenue.objects.get(pk=revenue).amount == Decimal("400.00")
    listed = api.get(f"{base(client.cooperative)}/invoices/{invoice.pk}/payments/").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "5000.00"}, "amount"),
        ({"currency": "USD"}, "currency"),
        ({"received_on": "2026-11-11"}, "received_on"),
        ({"received_on": "2026-09-30"}, "received_on"),
        ({"received_on": "last week"}, "received_on"),
    ],
)
def test_bad_input_names_the_field(api, treasurer, client, body, field):
    invoice = issued_invoice(client)
    data = {"received_on": "2026-10-20", "amount": "400.00", "currency": "EUR", **body}
    response = as_member(api, treasurer).post(
        f"{base(client.cooperative)}/invoices/{invoice.pk}/payments/", data, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Payment.objects.exists()


def test_an_overpayment_is_refused_then_confirmed(api, treasurer, client):
    invoice = issued_invoice(client)
    url = f"{base(client.cooperative)}/invoices/{invoice.pk}/payments/"
    data = {"received_on": "2026-10-20", "amount": "1000.50", "currency": "EUR"}
    refused = as_member(api, treasurer).post(url, data, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["amount"] == [
        "The open amount is €1,000.00: confirm that the client paid more, or record what is open."
    ]
    confirmed = api.post(url, {**data, "confirm_overpayment": True}, format="json")
    assert confirmed.status_code == 201
    assert confirmed.json()["overpayment_confirmed"] is True


def test_another_currency_needs_the_rate(api, treasurer, client):
    invoice = issued_invoice(client, currency="USD")
    url = f"{base(client.cooperative)}/invoices/{invoice.pk}/payments/"
    data = {"received_on": "2026-10-20", "amount": "100.00", "currency": "USD"}
    refused = as_member(api, treasurer).post(url, data, format="json")
    assert refused.status_code == 400
    assert "amount_in_coop_currency" in refused.json()["errors"]
    paid = api.post(url, {**data, "exchange_rate": "0.92"}, format="json")
    assert paid.status_code == 201
    assert (paid.json()["amount_in_coop_currency"], paid.json()["exchange_rate"]) == (
        "92.00", "0.92000000",
    )  # fmt: skip


def test_a_draft_is_a_conflict(api, treasurer, client):
    invoice = issued_invoice(client)
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.DRAFT)
    response = as_member(api, treasurer).post(
        f"{base(client.cooperative)}/invoices/{invoice.pk}/payments/",
        {"received_on": "2026-10-20", "amount": "10.00", "currency": "EUR"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_issued"


def test_list_filter_and_remove(api, treasurer, member, client, django_assert_max_num_queries):
    other = ClientFactory(cooperative=client.cooperative, name="Another")
    cooperative = client.cooperative
    for day in (5, 6, 7):
        invoice = issued_invoice(client, lines=[(ProjectFactory(client=client), Decimal("90"))])
        as_member(api, treasurer).post(
            f"{base(cooperative)}/invoices/{invoice.pk}/payments/",
            {"received_on": f"2026-10-{day:02d}", "amount": "90.00", "currency": "EUR"},
            format="json",
        )
    invoice = issued_invoice(other)
    api.post(
        f"{base(cooperative)}/invoices/{invoice.pk}/payments/",
        {"received_on": "2026-11-02", "amount": "10.00", "currency": "EUR"},
        format="json",
    )
    reader = as_member(api, member)
    with django_assert_max_num_queries(8):
        everything = reader.get(f"{base(cooperative)}/payments/").json()
    assert everything["count"] == 4
    by_client = reader.get(f"{base(cooperative)}/payments/?client={client.pk}").json()
    assert by_client["count"] == 3
    november = reader.get(f"{base(cooperative)}/payments/?month=2026-11").json()
    assert [row["client"] for row in november["results"]] == [other.pk]
    payment_id = november["results"][0]["id"]
    assert reader.delete(f"{base(cooperative)}/payments/{payment_id}/").status_code == 403
    removed = as_member(api, treasurer).delete(f"{base(cooperative)}/payments/{payment_id}/")
    assert removed.status_code == 204
    assert not Payment.objects.filter(pk=payment_id).exists()


def test_send_without_an_invoice_email(api, treasurer, client):
    invoice = issued_invoice(client, email="")
    response = as_member(api, treasurer).post(
        f"{base(client.cooperative)}/invoices/{invoice.pk}/send/"
    )
    assert response.status_code == 400
    assert "invoice_email" in response.json()["errors"]


def test_send(api, treasurer, client):
    invoice = issued_invoice(client)
    response = as_member(api, treasurer).post(
        f"{base(client.cooperative)}/invoices/{invoice.pk}/send/"
    )
    assert response.status_code == 202
    assert response.json()["to"] == "accounts@client.example"
    assert response.json()["send_requested_at"] is not None


def test_balances_and_aging(api, member, client):
    issued_invoice(client, due_date=datetime.date(2026, 10, 31))  # 10 days overdue
    # 82 days overdue (11 of August, 30, 31, 10)
    issued_invoice(
        client, due_date=datetime.date(2026, 8, 20), issue_date=datetime.date(2026, 7, 20)
    )
    reader = as_member(api, member)
    [balance] = reader.get(f"{base(client.cooperative)}/balances/").json()
    assert balance == {
        "client": client.pk, "client_name": "City of Vienna", "currency": "EUR",
        "open_total": "2000.00", "invoices": 2,
    }  # fmt: skip
    aging = reader.get(f"{base(client.cooperative)}/billing/aging/").json()
    assert aging["on"] == "2026-11-10"
    [eur] = aging["currencies"]
    assert eur["totals"] == {
        "not_due": "0.00", "days_0_30": "1000.00", "days_31_60": "0.00",
        "days_61_90": "1000.00", "days_over_90": "0.00",
    }  # fmt: skip
    later = reader.get(f"{base(client.cooperative)}/billing/aging/?on=2026-12-01").json()
    assert later["currencies"][0]["totals"]["days_over_90"] == "1000.00"
    bad = reader.get(f"{base(client.cooperative)}/billing/aging/?on=soon")
    assert bad.status_code == 400
    assert "on" in bad.json()["errors"]


def test_another_co_ops_invoice_is_not_found(api, outsider, client):
    invoice = issued_invoice(client)
    response = as_member(api, outsider).get(
        f"/api/v1/coops/{outsider.cooperative.slug}/invoices/{invoice.pk}/payments/"
    )
    assert response.status_code == 404
