"""The clients pages and the invoicing-details page: the treasurer edits, members read, another
co-op's people get 404; refusals show next to their field; numbers in the page's notation."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.configuration import settings_of
from billing.models import BillingRate
from tests.billing.rates_factories import billing_rate, issued_invoice
from tests.factories import ClientFactory, ProjectFactory, TimeEntryFactory
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_row(cooperative):
    return ClientFactory(cooperative=cooperative, name="Bundesamt", country="DE")


def page(name, cooperative, *args):
    return reverse(name, args=[cooperative.slug, *args])


def test_every_member_finds_billing_in_the_nav_and_the_clients_in_its_subnav(
    client, cooperative, treasurer, member
):
    billing = page("billing-invoices", cooperative)
    for someone in (treasurer, member):
        assert (
            f'href="{billing}"' in signed_in(client, someone).get(page("hours", cooperative)).text
        )
    clients = page("billing-clients", cooperative)
    assert f'href="{clients}"' in client.get(billing).text


def test_members_read_without_forms(client, cooperative, member, client_row):
    billing_rate(cooperative, rate=Decimal("85"))
    listed = signed_in(client, member).get(page("billing-clients", cooperative))
    assert listed.status_code == 200
    assert "Bundesamt" in listed.text and "€85.00" in listed.text
    assert "Add a client" not in listed.text
    detail = client.get(page("billing-client", cooperative, client_row.pk))
    assert detail.status_code == 200 and "Change the invoicing details" not in detail.text
    posted = client.post(page("billing-client", cooperative, client_row.pk), {"name": "X"})
    assert posted.status_code == 403
    assert client.get(page("billing-settings", cooperative)).status_code == 200


def test_another_coops_people_get_404(client, cooperative, outsider, client_row):
    signed_in(client, outsider)
    assert client.get(page("billing-clients", cooperative)).status_code == 404
    assert client.get(page("billing-client", cooperative, client_row.pk)).status_code == 404
    assert client.get(page("billing-settings", cooperative)).status_code == 404
    # Nor does the outsider's own co-op reach this co-op's client.
    mine = page("billing-client", outsider.cooperative, client_row.pk)
    assert client.get(mine).status_code == 404


def _details(**changes):
    form = {
        "name": "Bundesamt",
        "legal_name": "",
        "address": "",
        "country": "DE",
        "vat_id": "",
        "invoice_email": "",
        "payment_terms_days": "30",
        "invoice_language": "",
        "currency": "",
        "buyer_reference": "",
        "vat_treatment": "standard",
        "vat_note": "",
    }
    form.update(changes)
    return form


def test_the_treasurer_edits_a_clients_details(client, cooperative, treasurer, client_row):
    signed_in(client, treasurer)
    url = page("billing-client", cooperative, client_row.pk)
    refused = client.post(url, _details(vat_id="DE136695977"))
    assert refused.status_code == 400
    assert "The check digits of VAT ID “DE136695977” are wrong" in refused.text
    saved = client.post(url, _details(vat_id="136695976", invoice_language="de"))
    assert saved.status_code == 302
    client_row.refresh_from_db()
    assert (client_row.vat_id, client_row.invoice_language) == ("DE136695976", "de")


def test_a_currency_held_by_rates_is_refused_on_the_page(client, cooperative, treasurer):
    held = ClientFactory(cooperative=cooperative, currency="USD")
    billing_rate(cooperative, client=held, currency="USD")
    answer = signed_in(client, treasurer).post(
        page("billing-client", cooperative, held.pk), _details(name=held.name, currency="EUR")
    )
    assert answer.status_code == 409
    assert "has rates in USD" in answer.text


def test_rates_on_the_page_in_the_pages_notation(client, cooperative, treasurer, member):
    project = ProjectFactory(client__cooperative=cooperative, name="Portal")
    url = page("billing-client-rates", cooperative, project.client_id)
    signed_in(client, treasurer)
    form = {
        "rate-project": project.pk,
        "rate-member": member.pk,
        "rate-rate": "92,50",
        "rate-valid_from": "2026-01-01",
    }
    answer = client.post(url, form, HTTP_ACCEPT_LANGUAGE="de")
    assert answer.status_code == 302, answer.text
    rate = BillingRate.objects.get()
    assert (rate.rate, rate.scope) == (Decimal("92.50"), f"member:{project.pk}:{member.pk}")
    refused = client.post(url, {**form, "rate-rate": "0"})
    assert refused.status_code == 400
    assert "A rate per hour is more than zero." in refused.text
    twice = client.post(url, {**form, "rate-rate": "90"})
    assert twice.status_code == 409
    detail = client.get(page("billing-client", cooperative, project.client_id))
    assert "on Portal" in detail.text
    changed = client.post(
        page("billing-rate", cooperative, rate.pk),
        {f"change-{rate.pk}-rate": "95", f"change-{rate.pk}-valid_from": "2026-02-01"},
    )
    assert changed.status_code == 302
    rate.refresh_from_db()
    assert rate.rate == Decimal("95")


def test_a_rate_an_issued_invoice_used_is_not_deleted(client, cooperative, treasurer, member):
    project = ProjectFactory(client__cooperative=cooperative)
    rate = billing_rate(cooperative, project=project, client=project.client)
    entry = TimeEntryFactory(member=member, project=project, date=datetime.date(2026, 10, 5))
    issued_invoice(project.client, [entry])
    signed_in(client, treasurer)
    answer = client.post(page("billing-rate-delete", cooperative, rate.pk))
    assert answer.status_code == 302
    assert "stays on record" in " ".join(flashes(answer))
    assert BillingRate.objects.filter(pk=rate.pk).exists()


def test_a_projects_billable_flag_and_vat(client, cooperative, treasurer):
    project = ProjectFactory(client__cooperative=cooperative)
    url = page("billing-project", cooperative, project.client_id, project.pk)
    signed_in(client, treasurer)
    prefix = f"project-{project.pk}"
    refused = client.post(url, {f"{prefix}-vat_treatment": "exempt", f"{prefix}-vat_note": ""})
    assert refused.status_code == 400
    assert "An exempt invoice must say why" in refused.text
    answer = client.post(url, {f"{prefix}-vat_treatment": "zero", f"{prefix}-billable": ""})
    assert answer.status_code == 302
    project.refresh_from_db()
    assert (project.billable, project.vat_treatment) == (False, "zero")


def test_the_coops_invoicing_page(client, cooperative, treasurer):
    url = page("billing-settings", cooperative)
    signed_in(client, treasurer)
    assert "2026-0001" in client.get(url).text or "-0001" in client.get(url).text
    details = {
        "details-legal_name": "Tischlerei eG",
        "details-address": "Lange Gasse 1",
        "details-country": "AT",
        "details-vat_id": "ATU13585628",
        "details-tax_number": "",
        "details-email": "",
    }
    refused = client.post(url, details)
    assert refused.status_code == 400 and "check digits" in refused.text
    assert client.post(url, {**details, "details-vat_id": "U13585627"}).status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.vat_id == "ATU13585627"
    settings = {
        "settings-number_pattern": "RE-{year}",
        "settings-standard_vat_rate": "20",
        "settings-reduced_vat_rate": "7,5",
        "settings-exemption_note": "",
        "settings-dunning_days": "7, 30, 60",
    }
    refused = client.post(url, settings)
    assert refused.status_code == 400 and "must contain {number}" in refused.text
    saved = client.post(
        url,
        {**settings, "settings-number_pattern": "RE-{year}-{number:03d}"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert saved.status_code == 302
    stored = settings_of(cooperative)
    assert stored.reduced_vat_rate == Decimal("7.50")
    assert stored.dunning_days == [7, 30, 60]
    shown = client.get(url, HTTP_ACCEPT_LANGUAGE="de").text
    assert "7,5" in shown and "RE-" in shown


def test_the_entry_form_sets_billable_or_leaves_it_to_the_project(
    client, cooperative, member, clock
):
    from coop.models import TimeEntry

    clock.set(datetime.date(2026, 11, 10))
    project = ProjectFactory(client__cooperative=cooperative, billable=False)
    signed_in(client, member)
    form = {"member": member.pk, "project": project.pk, "date": "2026-11-09", "duration": "1:00"}
    assert client.post(page("hours-add", cooperative), form).status_code == 302
    assert (
        client.post(page("hours-add", cooperative), {**form, "billable": "yes"}).status_code == 302
    )
    assert [e.billable for e in TimeEntry.objects.order_by("id")] == [False, True]
    entry = TimeEntry.objects.order_by("id").first()
    edit = page("hours-entry-edit", cooperative, entry.pk)
    changed = {"project": project.pk, "date": "2026-11-09", "duration": "1:00", "billable": "yes"}
    assert client.post(edit, changed).status_code == 302
    entry.refresh_from_db()
    assert entry.billable is True
