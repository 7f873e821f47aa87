"""The API of billing rates, billing settings, invoicing details, clients' billing fields,
projects' billable flag and VAT, and entries' billable flag; each answer checked against the
committed contract (tests/api/contract.py)."""

import datetime

import pytest

from billing.models import BillingRate
from tests.api.contract import ContractClient
from tests.billing.rates_factories import billing_rate
from tests.factories import ClientFactory, MemberFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(clock):
    clock.set(datetime.date(2026, 11, 10))
    return ContractClient()


def at(cooperative, path: str) -> str:
    return f"/api/v1/coops/{cooperative.slug}/{path}"


def signed_in(api, member):
    api.force_authenticate(member.user)
    return api


@pytest.fixture
def austrian(cooperative):
    cooperative.country = "AT"
    cooperative.save()
    return cooperative


def test_a_client_with_billing_details(api, austrian, treasurer):
    api = signed_in(api, treasurer)
    body = {
        "name": "Bundesamt",
        "country": "DE",
        "vat_id": "DE 136 695 976",
        "vat_treatment": "reverse_charge",
        "invoice_language": "de",
        "payment_terms_days": 14,
        "buyer_reference": "04011000-1234512345-06",
    }
    created = api.post(at(austrian, "clients/"), body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["vat_id"] == "DE136695976"
    one = at(austrian, f"clients/{created.json()['id']}/")
    wrong = api.patch(one, {"vat_id": "DE136695977"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {
        "vat_id": ["The check digits of VAT ID “DE136695977” are wrong: please check for a typo."]
    }
    assert api.patch(one, {"vat_id": ""}, format="json").json()["errors"].keys() == {"vat_id"}
    assert api.patch(one, {"country": "ZZ"}, format="json").json()["errors"].keys() == {"country"}
    unknown = api.patch(one, {"currency": "XYZ"}, format="json")
    assert unknown.json()["errors"].keys() == {"currency"}
    assert api.patch(one, {"payment_terms_days": 30}, format="json").status_code == 200


def test_a_currency_held_by_rates_is_a_409(api, cooperative, treasurer):
    client = ClientFactory(cooperative=cooperative, currency="USD")
    billing_rate(cooperative, client=client, currency="USD")
    answer = signed_in(api, treasurer).patch(
        at(cooperative, f"clients/{client.pk}/"), {"currency": "EUR"}, format="json"
    )
    assert answer.status_code == 409
    assert answer.json()["errors"]["currency"][0].startswith(f"{client.name} has rates in USD")


def test_projects_carry_billable_and_vat(api, cooperative, treasurer):
    client = ClientFactory(cooperative=cooperative)
    api = signed_in(api, treasurer)
    body = {"name": "Kurs", "client": client.pk, "billable": False, "vat_treatment": "exempt"}
    refused = api.post(at(cooperative, "projects/"), body, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"].keys() == {"vat_note"}
    body["vat_note"] = "Bildung"
    created = api.post(at(cooperative, "projects/"), body, format="json")
    assert created.status_code == 201
    assert created.json()["billable"] is False


def test_entries_default_to_their_projects_flag(api, cooperative, member, treasurer):
    project = ProjectFactory(client__cooperative=cooperative, billable=False)
    mine = signed_in(api, member)
    body = {"project": project.pk, "date": "2026-11-09", "minutes": 90}
    created = mine.post(at(cooperative, "time-entries/"), body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["billable"] is False
    explicit = mine.post(
        at(cooperative, "time-entries/"), {**body, "billable": True}, format="json"
    )
    assert explicit.json()["billable"] is True
    entry = created.json()["id"]
    changed = signed_in(ContractClient(), treasurer).patch(
        at(cooperative, f"time-entries/{entry}/"), {"billable": True}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["billable"] is True


def test_rate_crud(api, cooperative, treasurer, member):
    project = ProjectFactory(client__cooperative=cooperative)
    api = signed_in(api, treasurer)
    body = {"project": project.pk, "member": member.pk, "rate": "95.00", "valid_from": "2026-01-01"}
    created = api.post(at(cooperative, "billing-rates/"), body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["level"] == "member"
    assert created.json()["client"] == project.client_id
    assert created.json()["currency"] == "EUR"
    api.post(at(cooperative, "billing-rates/"), {"rate": "70", "valid_from": "2026-01-01"})
    listed = api.get(at(cooperative, f"billing-rates/?member={member.pk}"))
    assert [rate["rate"] for rate in listed.json()["results"]] == ["95.00"]
    one = at(cooperative, f"billing-rates/{created.json()['id']}/")
    changed = api.patch(one, {"rate": "97.50"}, format="json")
    assert changed.json()["rate"] == "97.50"
    frozen = api.patch(one, {"currency": "USD"}, format="json")
    assert frozen.status_code == 400
    assert frozen.json()["errors"].keys() == {"currency"}
    assert api.delete(one).status_code == 204
    assert BillingRate.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"rate": "0", "valid_from": "2026-01-01"}, "rate", 400),
        ({"rate": "-10", "valid_from": "2026-01-01"}, "rate", 400),
        ({"rate": "ten", "valid_from": "2026-01-01"}, "rate", 400),
        ({"rate": "80", "valid_from": "2026-01-01", "currency": "XYZ"}, "currency", 400),
        ({"rate": "80", "valid_from": "2026-01-01", "currency": "USD"}, "currency", 400),
        ({"rate": "80", "valid_from": "January"}, "valid_from", 400),
        ({"rate": "80"}, "valid_from", 400),
        ({"rate": "80", "valid_from": "2026-01-01", "member": "{member}"}, "project", 400),
        ({"rate": "80", "valid_from": "2026-01-01", "member": "{outsider}"}, "member", 400),
        ({"rate": "80", "valid_from": "2026-06-01"}, "valid_from", 409),
    ],
)
def test_every_refusal_names_its_field(
    api, cooperative, treasurer, member, outsider, body, field, status
):
    billing_rate(cooperative, valid_from=datetime.date(2026, 6, 1))
    ids = {"{member}": member.pk, "{outsider}": outsider.pk}
    body = {key: ids.get(value, value) for key, value in body.items()}
    answer = signed_in(api, treasurer).post(at(cooperative, "billing-rates/"), body, format="json")
    assert answer.status_code == status, answer.json()
    assert field in answer.json()["errors"]


def test_rates_of_another_coop_are_not_found(api, cooperative, treasurer):
    elsewhere = billing_rate(MemberFactory().cooperative)
    api = signed_in(api, treasurer)
    assert api.get(at(cooperative, f"billing-rates/{elsewhere.pk}/")).status_code == 404
    assert api.get(at(elsewhere.cooperative, "billing-rates/")).status_code == 404


def test_billing_settings_singleton(api, cooperative, treasurer, member):
    reader = signed_in(ContractClient(), member)
    read = reader.get(at(cooperative, "billing-settings/"))
    assert read.json()["sample_number"] == "2026-0001"
    api = signed_in(api, treasurer)
    changed = api.patch(
        at(cooperative, "billing-settings/"),
        {"number_pattern": "RE{year}/{number:03d}", "dunning_days": [7, 30]},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["sample_number"] == "RE2026/001"
    bad = api.patch(
        at(cooperative, "billing-settings/"), {"number_pattern": "{year}"}, format="json"
    )
    assert bad.json()["errors"].keys() == {"number_pattern"}
    descending = api.patch(
        at(cooperative, "billing-settings/"), {"dunning_days": [30, 7]}, format="json"
    )
    assert descending.json()["errors"].keys() == {"dunning_days"}
    everything = {
        "number_pattern": "{year}-{number:04d}",
        "standard_vat_rate": "20.00",
        "reduced_vat_rate": "10.00",
        "exemption_note": "",
        "dunning_days": [14],
    }
    put = api.put(at(cooperative, "billing-settings/"), everything, format="json")
    assert put.status_code == 200
    assert put.json()["standard_vat_rate"] == "20.00"
    assert reader.patch(at(cooperative, "billing-settings/"), {}, format="json").status_code == 403


def test_invoicing_details(api, cooperative, treasurer):
    api = signed_in(api, treasurer)
    answer = api.patch(
        at(cooperative, "billing-details/"),
        {"country": "at", "vat_id": "U13585627", "email": "office@example.at"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["vat_id"] == "ATU13585627"
    wrong = api.patch(at(cooperative, "billing-details/"), {"vat_id": "ATU13585628"}, format="json")
    assert wrong.json()["errors"].keys() == {"vat_id"}


def test_filters_refuse_what_is_no_id(api, cooperative, treasurer):
    api = signed_in(api, treasurer)
    answer = api.get(at(cooperative, "billing-rates/?project=-2e73"))
    assert answer.status_code == 400
    assert answer.json()["errors"].keys() == {"project"}


def test_options_describe_the_singletons(cooperative, treasurer):
    from rest_framework.test import APIClient

    api = signed_in(APIClient(), treasurer)
    for path in ("billing-settings/", "billing-details/"):
        assert api.options(at(cooperative, path)).status_code == 200
