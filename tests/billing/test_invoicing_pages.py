"""The invoice pages: the treasurer invoices unbilled hours, edits and issues the draft and
credits it; members read; another co-op gets 404."""

import datetime

import pytest
from django.urls import reverse

from billing.models import Invoice, InvoiceStatus
from tests.billing.invoicing_factories import World
from tests.factories import MemberFactory
from tests.web import flashes, signed_in

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    clock.set(D(2026, 11, 2))
    return World()


def test_the_treasurer_invoices_issues_and_credits(world, client):
    world.entry(minutes=90)
    slug = world.cooperative.slug
    signed_in(client, world.treasurer)
    page = client.get(reverse("billing-unbilled", args=[slug]))  # last month by default
    assert page.status_code == 200
    assert "Invoice these hours" in page.content.decode() and "Acme" in page.content.decode()
    response = client.post(
        reverse("billing-unbilled", args=[slug]),
        {
            "client": world.client.pk,
            "start": "2026-10-01",
            "end": "2026-10-31",
            "grouping": "project",
        },
    )
    invoice = Invoice.objects.get()
    assert response.url == reverse("billing-invoice", args=[slug, invoice.pk])
    editor = client.get(response.url).content.decode()
    assert "data-confirm=" in editor and "Delete draft" in editor and "Preview the PDF" in editor
    added = client.post(
        reverse("billing-invoice-add-line", args=[slug, invoice.pk]),
        {"description": "Hosting", "quantity": "1", "unit": "C62", "unit_price": "20"},
    )
    assert added.status_code == 302
    client.post(reverse("billing-invoice-issue", args=[slug, invoice.pk]))
    invoice.refresh_from_db()
    assert (invoice.number, invoice.gross_total) == ("2026-0001", 204)
    issued = client.get(reverse("billing-invoice", args=[slug, invoice.pk])).content.decode()
    assert "Issue the credit note" in issued and "Add a line" not in issued
    assert "Download the PDF (Factur-X)" in issued and "Record a payment" in issued
    again = client.post(reverse("billing-invoice-issue", args=[slug, invoice.pk]))
    assert "already issued as 2026-0001" in " ".join(flashes(again))
    credited = client.post(
        reverse("billing-invoice-credit", args=[slug, invoice.pk]),
        {"reason": "Cancelled", "release_hours": "on"},
    )
    assert credited.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED
    listing = client.get(reverse("billing-invoices", args=[slug]) + "?status=credited")
    note = Invoice.objects.get(number="2026-0002")
    body = listing.content.decode()
    assert "2026-0001" in body
    assert reverse("billing-invoice", args=[slug, note.pk]) not in body


def test_members_read_only(world, client):
    world.entry(minutes=60)
    slug = world.cooperative.slug
    signed_in(client, world.treasurer)
    client.post(
        reverse("billing-unbilled", args=[slug]),
        {
            "client": world.client.pk,
            "start": "2026-10-01",
            "end": "2026-10-31",
            "grouping": "project",
        },
    )
    invoice = Invoice.objects.get()
    signed_in(client, world.ana)
    page = client.get(reverse("billing-invoice", args=[slug, invoice.pk]))
    assert page.status_code == 200
    assert "Add a line" not in page.content.decode() and "Issue" not in page.content.decode()
    assert "Invoices" in client.get(reverse("billing-invoices", args=[slug])).content.decode()
    assert client.post(reverse("billing-invoice-issue", args=[slug, invoice.pk])).status_code == 403
    assert (
        client.post(reverse("billing-invoice-delete", args=[slug, invoice.pk])).status_code == 403
    )
    unbilled = client.get(reverse("billing-unbilled", args=[slug]))
    assert "Invoice these hours" not in unbilled.content.decode()


def test_another_coop_gets_404(world, client):
    world.entry(minutes=60)
    slug = world.cooperative.slug
    signed_in(client, world.treasurer)
    client.post(
        reverse("billing-unbilled", args=[slug]),
        {
            "client": world.client.pk,
            "start": "2026-10-01",
            "end": "2026-10-31",
            "grouping": "project",
        },
    )
    invoice = Invoice.objects.get()
    stranger = MemberFactory(is_treasurer=True)
    signed_in(client, stranger)
    assert client.get(reverse("billing-invoice", args=[slug, invoice.pk])).status_code == 404
    assert client.get(reverse("billing-invoices", args=[slug])).status_code == 404
    own = reverse("billing-invoice", args=[stranger.cooperative.slug, invoice.pk])
    assert client.get(own).status_code == 404
