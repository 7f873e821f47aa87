"""Pages of payments: record a payment of an invoice, the payments list, client balances, the
aging report, and sending an invoice. Every member reads; the treasurer writes (403 otherwise).

A refused form is shown again with the message next to the field (400, or 409 for a conflict,
such as a distributed month).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import payment_presenters, payments, sending
from billing.balances import aging, balances, open_amount, open_invoices
from billing.models import Invoice, Payment
from billing.payment_forms import PaymentForm
from coop import access
from coop.clock import today_in
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.models import Client, Member
from coop.money import format_money
from coop.months import month_bounds, parse_month


def _invoice_or_404(member: Member, pk: int) -> Invoice:
    return get_object_or_404(
        Invoice.objects.select_related("client", "cooperative"),
        cooperative=member.cooperative,
        kind=Invoice.Kind.INVOICE,
        pk=pk,
    )


def _context(member: Member, section: str, **extra) -> dict:
    return {
        "member": member,
        "cooperative": member.cooperative,
        "currency": member.cooperative.currency,
        "is_treasurer": member.is_treasurer,
        "section": section,
        **extra,
    }


def _payment_page(
    request: HttpRequest, member: Member, invoice: Invoice, form: PaymentForm, status: int = 200
) -> HttpResponse:
    context = _context(
        member,
        "payments",
        invoice=invoice,
        form=form,
        open=open_amount(invoice),
        payments=invoice.payments.select_related("recorded_by__user").order_by("received_on"),
        foreign=invoice.currency != invoice.cooperative.currency,
    )
    return render(request, "billing/payment_form.html", context, status=status)


@login_required
def record_payment(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    invoice = _invoice_or_404(member, pk)
    if request.method != "POST":
        still_open = open_amount(invoice)
        initial = {"received_on": today_in(member.cooperative)}
        if still_open > 0:
            initial["amount"] = still_open
        return _payment_page(
            request, member, invoice, PaymentForm(initial=initial, invoice=invoice)
        )
    form = PaymentForm(request.POST, invoice=invoice)
    status = 400
    if form.is_valid():
        try:
            payment = payments.record_payment(
                actor=member, invoice=invoice, currency=invoice.currency, **form.cleaned_data
            )
        except DomainError as error:
            status = refuse_form(form, error, {"date": "received_on", "currency": "amount"})
        else:
            messages.success(
                request,
                _("Recorded %(amount)s for %(invoice)s.")
                % {
                    "amount": format_money(payment.amount, payment.currency),
                    "invoice": invoice.number,
                },
            )
            url = reverse("billing-payments", args=[coop_slug])
            return redirect(f"{url}?client={invoice.client_id}")
    return _payment_page(request, member, invoice, form, status)


@login_required
def payment_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    cooperative = member.cooperative
    shown = Payment.objects.filter(cooperative=cooperative).select_related(
        "invoice", "invoice__client"
    )
    clients = Client.objects.filter(cooperative=cooperative).order_by("name")
    asked = request.GET.get("client", "")
    client = clients.filter(pk=asked).first() if asked.isdigit() else None
    if client is not None:
        shown = shown.filter(invoice__client=client)
    try:
        month = parse_month(request.GET["month"]) if request.GET.get("month") else None
    except ValueError:
        month = None
    if month is not None:
        shown = shown.filter(received_on__range=month_bounds(month))
    context = _context(
        member, "payments", payments=shown[:500], clients=clients, client=client, month=month
    )
    return render(request, "billing/payment_list.html", context)


@login_required
@require_POST
def remove_payment(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    payment = get_object_or_404(
        Payment.objects.select_related("invoice"), cooperative=member.cooperative, pk=pk
    )
    try:
        corrections = payments.remove_payment(actor=member, payment=payment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if corrections:
            messages.success(
                request,
                _(
                    "Removed the payment of %(invoice)s. Its month was distributed: its revenue "
                    "is taken back by a correction this month."
                )
                % {"invoice": payment.invoice.number},
            )
        else:
            messages.success(
                request,
                _("Removed the payment of %(invoice)s and its revenue.")
                % {"invoice": payment.invoice.number},
            )
    return redirect("billing-payments", coop_slug)


@login_required
def client_balances(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    cooperative = member.cooperative
    context = _context(
        member,
        "balances",
        balances=balances(cooperative),
        invoices=open_invoices(cooperative),
        today=today_in(cooperative),
    )
    return render(request, "billing/balances.html", context)


@login_required
def aging_report(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    cooperative = member.cooperative
    on_day = today_in(cooperative)
    try:
        on_day = datetime.date.fromisoformat(request.GET.get("on") or on_day.isoformat())
    except ValueError:
        messages.error(request, _("Give the day as 2026-12-31."))
    reports = [
        (report, payment_presenters.aging_chart(report)) for report in aging(cooperative, on_day)
    ]
    context = _context(
        member, "aging", reports=reports, on_day=on_day, labels=payment_presenters.bucket_labels()
    )
    return render(request, "billing/aging.html", context)


@login_required
@require_POST
def send_invoice(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    invoice = _invoice_or_404(member, pk)
    try:
        sending.send_invoice(actor=member, invoice=invoice)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(invoice)s is being e-mailed to %(email)s.")
            % {"invoice": invoice.number, "email": sending.invoice_email(invoice)},
        )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return redirect(back)
    return redirect("billing-balances", coop_slug)
