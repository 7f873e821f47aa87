"""The books in the Django admin: read, never written."""

import pytest
from django.urls import reverse

from books.models import JournalEntry, LedgerAccount
from tests.books.test_journal import chart_of, invoice_issued

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_journal_is_read_only(client, cooperative, treasurer):
    treasurer.user.is_staff = treasurer.user.is_superuser = True
    treasurer.user.save()
    client.force_login(treasurer.user)
    chart_of(cooperative)
    entry = invoice_issued(cooperative)
    listed = client.get(url(JournalEntry, "changelist"))
    assert listed.status_code == 200 and "Invoice 2026-0001" in listed.content.decode()
    detail = client.get(url(JournalEntry, "change", entry.pk))
    assert detail.status_code == 200 and "119.00" in detail.content.decode()
    assert client.get(url(JournalEntry, "add")).status_code == 403
    assert client.post(url(JournalEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    assert client.get(url(LedgerAccount, "changelist")).status_code == 200
    assert JournalEntry.objects.count() == 1
