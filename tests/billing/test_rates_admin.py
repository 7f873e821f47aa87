"""The Django admin of billing: rates and settings through their services, invoices read-only."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from billing.models import BillingRate, BillingSettings, Invoice
from coop.models import AuditEvent
from tests.billing.rates_factories import billing_rate, issued_invoice
from tests.factories import ProjectFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff(client, admin_member):
    admin_member.user.is_staff = admin_member.user.is_superuser = True
    admin_member.user.save()
    client.force_login(admin_member.user)
    return client


def test_every_billing_admin_page_loads(staff, cooperative, member):
    project = ProjectFactory(client__cooperative=cooperative)
    issued_invoice(project.client, [TimeEntryFactory(member=member, project=project)])
    billing_rate(cooperative)
    BillingSettings.objects.create(cooperative=cooperative)
    for model in admin.site._registry:
        if model._meta.app_label != "billing":
            continue
        assert staff.get(url(model, "changelist")).status_code == 200, model
        first = model._default_manager.first()
        if first is not None:
            assert staff.get(url(model, "change", first.pk)).status_code == 200, model


def test_a_rate_added_in_the_admin_goes_through_the_service(staff, cooperative):
    form = {"cooperative": cooperative.pk, "rate": "0", "currency": "", "valid_from": "2026-01-01"}
    refused = staff.post(url(BillingRate, "add"), form)
    assert refused.status_code == 200
    assert "A rate per hour is more than zero." in refused.content.decode()
    answer = staff.post(url(BillingRate, "add"), {**form, "rate": "75.00"})
    assert answer.status_code == 302
    rate = BillingRate.objects.get()
    assert (rate.scope, rate.currency) == ("coop", "EUR")
    assert AuditEvent.objects.filter(verb="billing_rate.created").count() == 1


def test_settings_in_the_admin_refuse_a_pattern_without_number(staff, cooperative):
    form = {
        "cooperative": cooperative.pk,
        "number_pattern": "{year}",
        "standard_vat_rate": "20",
        "reduced_vat_rate": "",
        "exemption_note": "",
        "dunning_days": "[7, 30]",
    }
    refused = staff.post(url(BillingSettings, "add"), form)
    assert "must contain {number}" in refused.content.decode()
    answer = staff.post(url(BillingSettings, "add"), {**form, "number_pattern": "{number}"})
    assert answer.status_code == 302
    assert BillingSettings.objects.get().dunning_days == [7, 30]


def test_invoices_are_read_only(staff, cooperative, member):
    project = ProjectFactory(client__cooperative=cooperative)
    invoice = issued_invoice(project.client, [TimeEntryFactory(member=member, project=project)])
    assert staff.get(url(Invoice, "add")).status_code == 403
    staff.post(url(Invoice, "change", invoice.pk), {"number": "X"})
    invoice.refresh_from_db()
    assert invoice.number == "2026-0001"
    assert staff.post(url(Invoice, "delete", invoice.pk), {"post": "yes"}).status_code == 403
    assert datetime.date(2026, 11, 2) == invoice.issue_date
