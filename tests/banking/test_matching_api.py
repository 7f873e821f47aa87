"""The API of reconciliation: /api/v1/coops/{slug}/bank-matches/ — read by every member,
confirmed, changed, split, set aside and undone by the treasurer."""

import datetime
from decimal import Decimal

import pytest

from banking import matching
from banking.models import BankMatch
from billing.models import Payment
from tests.banking.factories_match import bank_account, bank_transaction
from tests.billing.payment_factories import issued_invoice
from tests.conftest import as_member
from tests.factories import ClientFactory, CooperativeFactory, MemberFactory, ProjectFactory


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


@pytest.fixture
def client(cooperative):
    return ClientFactory(cooperative=cooperative, name="City of Vienna")


@pytest.fixture
def account(cooperative):
    return bank_account(cooperative)


def url(cooperative, rest=""):
    return f"/api/v1/coops/{cooperative.slug}/bank-matches/{rest}"


def invoice_of(client, net="1000.00"):
    return issued_invoice(client, lines=[(ProjectFactory(client=client), Decimal(net))])


def test_read_and_confirm_a_suggestion(api, treasurer, member, client, account):
    cooperative = client.cooperative
    invoice = invoice_of(client)
    bank_tx = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    matching.suggest(cooperative=cooperative)
    listed = as_member(api, member).get(url(cooperative)).json()
    [row] = listed["results"]
    assert (row["kind"], row["invoice"], row["amount"], row["confidence"]) == (
        "invoice", invoice.pk, "1000.00", 80,
    )  # fmt: skip
    assert row["reasons_text"] == [
        "the invoice number is in the remittance information", "the amount is the same",
    ]  # fmt: skip
    assert row["transaction"]["id"] == bank_tx.pk
    refused = as_member(api, member).post(url(cooperative, f"{row['id']}/confirm/"))
    assert refused.status_code == 403
    confirmed = as_member(api, treasurer).post(url(cooperative, f"{row['id']}/confirm/"))
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["payment"] == Payment.objects.get().pk
    again = api.post(url(cooperative, f"{row['id']}/confirm/"))
    assert again.status_code == 409
    assert again.json()["code"] == "already_matched"
    undone = api.post(url(cooperative, f"{row['id']}/undo/"))
    assert (undone.status_code, undone.json()["status"]) == (200, "suggested")
    assert not Payment.objects.exists()
    aside = api.post(url(cooperative, f"{row['id']}/set-aside/"))
    assert (aside.status_code, aside.json()["status"]) == (200, "set_aside")


def test_split_over_two_invoices(api, treasurer, client, account):
    cooperative = client.cooperative
    first, second = invoice_of(client, "600.00"), invoice_of(client, "400.00")
    bank_tx = bank_transaction(account, "1000.00")
    body = {
        "transaction": bank_tx.pk,
        "parts": [
            {"kind": "invoice", "target": first.pk, "amount": "600.00"},
            {"kind": "invoice", "target": second.pk, "amount": "400.00"},
        ],
    }
    response = as_member(api, treasurer).post(url(cooperative, "split/"), body, format="json")
    assert response.status_code == 201, response.json()
    assert [(row["invoice"], row["amount"]) for row in response.json()] == [
        (first.pk, "600.00"), (second.pk, "400.00"),
    ]  # fmt: skip
    assert Payment.objects.count() == 2


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ([{"kind": "invoice", "target": 0, "amount": "1000.00"}], "parts[0].target"),
        ([{"kind": "invoice", "amount": "1000.00"}], "parts[0].target"),
        ([{"kind": "bank_fee", "amount": "999.00"}], "parts"),
        ([{"kind": "lottery", "amount": "1000.00"}], "parts"),
    ],
)
def test_a_bad_split_names_the_field(api, treasurer, client, account, parts, field):
    bank_tx = bank_transaction(account, "1000.00")
    response = as_member(api, treasurer).post(
        url(client.cooperative, "split/"), {"transaction": bank_tx.pk, "parts": parts},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400, response.json()
    assert any(key.startswith(field) for key in response.json()["errors"]), response.json()
    assert not BankMatch.objects.exists()


def test_change_a_suggestion(api, treasurer, client, account):
    cooperative = client.cooperative
    wrong, right = invoice_of(client, "500.00"), invoice_of(client, "500.00")
    bank_tx = bank_transaction(account, "500.00", remittance_information=wrong.number)
    matching.suggest(cooperative=cooperative)
    match = BankMatch.objects.get(transaction=bank_tx)
    response = as_member(api, treasurer).post(
        url(cooperative, f"{match.pk}/change/"),
        {"kind": "invoice", "target": right.pk},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["invoice"], response.json()["reasons"]) == (right.pk, ["chosen"])


def test_another_coops_matches_are_not_found(api, client, account):
    invoice = invoice_of(client)
    bank_tx = bank_transaction(account, "1000.00", remittance_information=invoice.number)
    matching.suggest(cooperative=client.cooperative)
    match = BankMatch.objects.get(transaction=bank_tx)
    outsider = MemberFactory(cooperative=CooperativeFactory(), is_treasurer=True)
    response = as_member(api, outsider).post(url(client.cooperative, f"{match.pk}/confirm/"))
    assert response.status_code == 404
    other = url(outsider.cooperative, f"{match.pk}/confirm/")
    assert as_member(api, outsider).post(other).status_code == 404
