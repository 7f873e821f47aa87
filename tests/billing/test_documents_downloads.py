"""Downloading an invoice's PDF and XML: from the pages and the API, with the same answers."""

import pytest
from django.test import Client as WebClient

from billing.models import Invoice
from tests.billing.document_factories import IssuedInvoiceFactory, add_line
from tests.conftest import as_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(cooperative):
    invoice = IssuedInvoiceFactory(cooperative=cooperative)
    add_line(invoice)
    return invoice


@pytest.fixture
def draft(cooperative):
    invoice = IssuedInvoiceFactory(
        cooperative=cooperative, status=Invoice.Status.DRAFT, number="", sequence=None,
        issue_date=None, payment_reference="",
    )  # fmt: skip
    add_line(invoice)
    return invoice


def web(member) -> WebClient:
    client = WebClient()
    client.force_login(member.user)
    return client


def page(invoice, kind):
    return f"/c/{invoice.cooperative.slug}/billing/invoices/{invoice.pk}/{kind}"


def api_url(invoice, kind):
    return f"/api/v1/coops/{invoice.cooperative.slug}/invoices/{invoice.pk}/{kind}/"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("kind", ["pdf", "xml"])
def test_a_member_downloads_the_files_made_on_the_spot(member, invoice, kind):
    assert not invoice.pdf
    response = web(member).get(page(invoice, kind))
    assert response.status_code == 200
    expected_type = {"pdf": "application/pdf", "xml": "application/xml"}[kind]
    assert response["Content-Type"] == expected_type
    assert response["Content-Disposition"] == f'attachment; filename="invoice-2026-0001.{kind}"'
    content = body(response)
    assert content.startswith(b"%PDF" if kind == "pdf" else b"<?xml")
    invoice.refresh_from_db()
    assert invoice.pdf and invoice.xml  # stored: the next download serves them


@pytest.mark.parametrize("kind", ["pdf", "xml"])
def test_the_api_serves_the_same_files(api, member, invoice, kind):
    response = as_member(api, member).get(api_url(invoice, kind))
    assert response.status_code == 200
    assert response["Content-Type"] == {"pdf": "application/pdf", "xml": "application/xml"}[kind]
    invoice.refresh_from_db()
    stored = (invoice.pdf if kind == "pdf" else invoice.xml).read()
    assert body(response) == stored


def test_another_coops_invoice_is_not_found(api, outsider, invoice):
    assert web(outsider).get(page(invoice, "pdf")).status_code == 404
    response = as_member(api, outsider).get(api_url(invoice, "pdf"))
    assert response.status_code == 404


def test_a_missing_invoice_is_not_found(api, member, invoice):
    response = as_member(api, member).get(
        f"/api/v1/coops/{invoice.cooperative.slug}/invoices/{invoice.pk + 100}/xml/"
    )
    assert response.status_code == 404


def test_a_draft_is_a_conflict_for_members(api, member, draft):
    response = as_member(api, member).get(api_url(draft, "pdf"))
    assert response.status_code == 409
    assert response.json()["code"] == "invoice_draft"
    assert "draft" in response.json()["detail"]
    assert web(member).get(page(draft, "pdf")).status_code == 409


def test_the_treasurer_previews_a_draft_marked_not_an_invoice(api, treasurer, draft):
    response = as_member(api, treasurer).get(api_url(draft, "pdf"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'invoice-draft-{draft.pk}-draft.pdf"')
    draft.refresh_from_db()
    assert not draft.pdf  # a preview is never stored
    assert as_member(api, treasurer).get(api_url(draft, "xml")).status_code == 409


def test_files_that_cannot_be_made_answer_409_with_the_reason(api, member, invoice, monkeypatch):
    from billing import documents

    def broken(_invoice):
        raise ValueError("no IBAN")

    monkeypatch.setattr(documents, "build_files", broken)
    response = as_member(api, member).get(api_url(invoice, "pdf"))
    assert response.status_code == 409
    assert response.json()["code"] == "document_failed"
    assert "no IBAN" in response.json()["detail"]
    assert invoice.document_failure.attempts == 1


def test_anonymous_readers_are_sent_to_log_in(invoice):
    response = WebClient().get(page(invoice, "pdf"))
    assert response.status_code == 302
