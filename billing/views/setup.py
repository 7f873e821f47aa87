"""The co-op's invoicing page: its details as invoices print them (the seller) and its billing
settings. Every member reads it; the treasurer (and admins) change it."""

from decimal import Decimal

from babel import numbers as babel_numbers
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from billing import setup
from billing.client_forms import BillingSettingsForm, InvoicingDetailsForm
from billing.configuration import sample_number, settings_of
from billing.views.access import context_for, keeper_or_403, may_edit, refuse
from coop import clock, services
from coop.access import membership
from coop.errors import DomainError
from coop.forms import page_locale
from coop.models import Member


def _percent(rate: Decimal | None) -> str:
    """A VAT rate as the page's language writes a percentage: 19 %, 7,5 %, 19%."""
    if rate is None:
        return "—"
    return babel_numbers.format_percent(rate / 100, format="#,##0.##%", locale=page_locale())


def _page(
    request: HttpRequest,
    member: Member,
    *,
    details_form: InvoicingDetailsForm | None = None,
    settings_form: BillingSettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    cooperative = member.cooperative
    billing_settings = settings_of(cooperative)
    year = clock.today_in(cooperative).year
    context = context_for(
        member,
        "settings",
        billing_settings=billing_settings,
        sample=sample_number(billing_settings.number_pattern, year),
        year=year,
        standard_vat=_percent(billing_settings.standard_vat_rate),
        reduced_vat=_percent(billing_settings.reduced_vat_rate),
    )
    if may_edit(member):
        context.update(
            details_form=details_form or InvoicingDetailsForm(cooperative=cooperative),
            settings_form=settings_form or BillingSettingsForm(billing_settings=billing_settings),
        )
    return render(request, "billing/clients/settings.html", context, status=status)


@login_required
def billing_settings(request: HttpRequest, coop_slug: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request, membership(request, coop_slug))
    member = keeper_or_403(request, coop_slug)
    cooperative = member.cooperative
    if "details-country" in request.POST:
        form = InvoicingDetailsForm(request.POST, cooperative=cooperative)
        if form.is_valid():
            try:
                services.update_invoicing_details(
                    cooperative=cooperative, actor=member, **form.cleaned_data
                )
            except DomainError as error:
                refuse(form, error)
                return _page(request, member, details_form=form, status=error.status)
            messages.success(request, _("Saved the co-op's invoicing details."))
            return redirect("billing-settings", coop_slug)
        return _page(request, member, details_form=form, status=400)
    settings_form = BillingSettingsForm(request.POST, billing_settings=settings_of(cooperative))
    if settings_form.is_valid():
        try:
            setup.update_billing_settings(
                cooperative=cooperative, actor=member, **settings_form.cleaned_data
            )
        except DomainError as error:
            refuse(settings_form, error)
            return _page(request, member, settings_form=settings_form, status=error.status)
        messages.success(request, _("Saved the billing settings."))
        return redirect("billing-settings", coop_slug)
    return _page(request, member, settings_form=settings_form, status=400)
