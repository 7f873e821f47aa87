"""The invoices API: drafting from unbilled hours, lines, issuing, credit notes, reads for
members, other co-ops 404, errors naming the field."""

import datetime

import pytest

from billing.models import BilledEntry, Invoice
from tests.billing.invoicing_factories import World
from tests.conftest import as_member
from tests.factories import MemberFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    clock.set(D(2026, 11, 2))
    return World()


def url(world, path=""):
    return f"/api/v1/coops/{world.cooperative.slug}/{path}"


def drafted(world, api):
    world.entry(minutes=90)
    world.entry(member=world.bo, minutes=30)
    response = as_member(api, world.treasurer).post(
        url(world, "invoices/"),
        {
            "client": world.client.pk,
            "period_start": "2026-10-01",
            "period_end": "2026-10-31",
            "grouping": "member",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_draft_issue_and_read(world, api):
    body = drafted(world, api)
    assert body["status"] == "draft" and body["number"] == ""
    assert [(line["description"], line["minutes"]) for line in body["lines"]] == [
        ("Website – Ana", 90),
        ("Website – Bo", 30),
    ]
    assert (body["net_total"], body["vat_total"], body["gross_total"]) == (
        "200.00",
        "40.00",
        "240.00",
    )
    assert body["vat_breakdown"] == [
        {
            "category": "S",
            "category_label": "standard rate",
            "rate": "20.00",
            "taxable": "200.00",
            "vat": "40.00",
            "note": "",
        }
    ]
    issued = as_member(api, world.treasurer).post(url(world, f"invoices/{body['id']}/issue/"))
    assert issued.status_code == 200
    assert issued.json()["number"] == "2026-0001"
    again = as_member(api, world.treasurer).post(url(world, f"invoices/{body['id']}/issue/"))
    assert again.status_code == 409
    assert again.json()["detail"] == "This invoice was already issued as 2026-0001."
    # Members read (transparency), with filters.
    listed = as_member(api, world.ana).get(url(world, "invoices/?status=issued&kind=invoice"))
    assert [row["number"] for row in listed.json()["results"]] == ["2026-0001"]
    assert as_member(api, world.ana).get(url(world, "invoices/?status=draft")).json()["count"] == 0
    detail = as_member(api, world.ana).get(url(world, f"invoices/{body['id']}/"))
    assert detail.status_code == 200 and len(detail.json()["lines"]) == 2


def test_members_may_not_write(world, api):
    body = drafted(world, api)
    client = as_member(api, world.ana)
    assert client.post(url(world, f"invoices/{body['id']}/issue/")).status_code == 403
    assert client.delete(url(world, f"invoices/{body['id']}/")).status_code == 403
    assert client.post(url(world, "invoices/"), {}, format="json").status_code == 403


def test_another_coop_gets_404(world, api):
    body = drafted(world, api)
    stranger = MemberFactory(is_treasurer=True)
    client = as_member(api, stranger)
    assert client.get(url(world, f"invoices/{body['id']}/")).status_code == 404
    assert client.get(url(world, "invoices/")).status_code == 404


def test_no_lines_is_400_and_missing_rate_names_the_field(world, api):
    client = as_member(api, world.treasurer)
    empty = client.post(url(world, "invoices/"), {"client": world.client.pk}, format="json")
    assert empty.status_code == 201
    issued = client.post(url(world, f"invoices/{empty.json()['id']}/issue/"))
    assert issued.status_code == 400
    assert list(issued.json()["errors"]) == ["lines"]
    world.coop_rate.delete()
    world.entry(minutes=60)
    response = client.post(
        url(world, "invoices/"),
        {"client": world.client.pk, "period_start": "2026-10-01", "period_end": "2026-10-31"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rate"]
    half = client.post(
        url(world, "invoices/"),
        {"client": world.client.pk, "period_start": "2026-10-01"},
        format="json",
    )
    assert half.status_code == 400 and "period_end" in half.json()["errors"]


def test_manual_lines_patch_and_delete(world, api):
    client = as_member(api, world.treasurer)
    invoice = client.post(url(world, "invoices/"), {"client": world.client.pk}, format="json")
    lines_url = url(world, f"invoices/{invoice.json()['id']}/lines/")
    added = client.post(
        lines_url,
        {"description": "Hosting", "quantity": "2", "unit_price": "15.50", "unit": "C62"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["net"] == "31.00"
    changed = client.patch(f"{lines_url}{added.json()['id']}/", {"quantity": "3"}, format="json")
    assert changed.json()["net"] == "46.50"
    patched = client.patch(
        url(world, f"invoices/{invoice.json()['id']}/"),
        {"note": "Thank you", "language": "es"},
        format="json",
    )
    assert patched.status_code == 200
    assert (patched.json()["note"], patched.json()["gross_total"]) == ("Thank you", "55.80")
    assert client.get(lines_url).status_code == 200
    assert client.delete(f"{lines_url}{added.json()['id']}/").status_code == 204
    assert client.delete(url(world, f"invoices/{invoice.json()['id']}/")).status_code == 204
    assert not Invoice.objects.exists()


def test_credit_notes(world, api):
    body = drafted(world, api)
    client = as_member(api, world.treasurer)
    client.post(url(world, f"invoices/{body['id']}/issue/"))
    line = body["lines"][0]["id"]
    too_much = client.post(
        url(world, f"invoices/{body['id']}/credit-notes/"),
        {"lines": [{"line": line, "amount": "150.01"}]},
        format="json",
    )
    assert too_much.status_code == 400 and list(too_much.json()["errors"]) == ["amount"]
    partial = client.post(
        url(world, f"invoices/{body['id']}/credit-notes/"),
        {"lines": [{"line": line, "amount": "50"}], "reason": "Goodwill"},
        format="json",
    )
    assert partial.status_code == 201
    assert (partial.json()["kind"], partial.json()["gross_total"]) == ("credit_note", "60.00")
    assert partial.json()["corrects_number"] == "2026-0001"
    second = body["lines"][1]["id"]
    rest = client.post(
        url(world, f"invoices/{body['id']}/credit-notes/"),
        {"lines": [{"line": line, "amount": "100"}, {"line": second, "amount": "50"}],
         "release_hours": True},
        format="json",
    )  # fmt: skip
    assert rest.status_code == 201
    assert client.get(url(world, f"invoices/{body['id']}/")).json()["status"] == "credited"
    assert not BilledEntry.objects.exists()


def test_unbilled_summary(world, api):
    world.entry(minutes=90)
    response = as_member(api, world.ana).get(
        url(world, f"unbilled/?start=2026-10-01&end=2026-10-31&client={world.client.pk}")
    )
    assert response.status_code == 200
    assert [(row["client_name"], row["minutes"]) for row in response.json()] == [("Acme", 90)]
    bad = as_member(api, world.ana).get(url(world, "unbilled/?start=2026-10-31"))
    assert bad.status_code == 400 and "end" in bad.json()["errors"]
