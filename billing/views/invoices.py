"""The invoice pages: the list with status tabs, the unbilled hours per client, a draft's
editor and an issued invoice's page. Members read; the treasurer writes (403 otherwise)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import invoice_lines, invoicing, issuing
from billing.balances import open_amount
from billing.forms import STATUS_TABS, CreditForm, DraftForm, LineForm, PeriodForm
from billing.models import Invoice, InvoiceLine, LineGrouping
from billing.presenters import vat_breakdown
from billing.selectors import invoice_with_lines, invoices_of
from billing.unbilled import unbilled_summary
from coop import access
from coop.clock import today_in
from coop.errors import DomainError
from coop.models import Client, Member
from coop.models.cooperative import Role


def _invoice(member: Member, pk: int) -> Invoice:
    invoice = invoice_with_lines(member.cooperative, pk)
    if invoice is None:
        raise Http404
    return invoice


def _detail_url(invoice: Invoice) -> str:
    return reverse("billing-invoice", args=[invoice.cooperative.slug, invoice.pk])


@login_required
def invoice_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = access.membership(request, coop_slug)
    status = request.GET.get("status", "")
    if status not in dict(STATUS_TABS):
        status = ""
    invoices = invoices_of(member.cooperative, status=status or None)
    return render(
        request,
        "billing/invoices/list.html",
        {
            "member": member,
            "cooperative": member.cooperative,
            "invoices": invoices,
            "tabs": STATUS_TABS,
            "status": status,
            "is_treasurer": member.has_role(Role.TREASURER),
        },
    )


def _last_month(member: Member) -> tuple[datetime.date, datetime.date]:
    first = today_in(member.cooperative).replace(day=1) - relativedelta(months=1)
    return first, first + relativedelta(months=1, days=-1)


@login_required
def unbilled(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """Unbilled hours of a period per client, with one button per client to invoice them."""
    member = access.membership(request, coop_slug)
    start, end = _last_month(member)
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    if request.method == "POST":
        member = access.treasurer_or_403(request, coop_slug)
        draft_form = DraftForm(request.POST)
        if draft_form.is_valid():
            data = draft_form.cleaned_data
            client = Client.objects.filter(
                cooperative=member.cooperative, pk=data["client"]
            ).first()
            if client is None:
                raise Http404
            try:
                invoice = invoicing.draft_invoice(
                    actor=member, client=client, start=data["start"], end=data["end"],
                    grouping=data["grouping"],
                )  # fmt: skip
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The draft invoice was made."))
                return redirect(_detail_url(invoice))
        else:
            messages.error(request, _("Choose a period and how to group the lines."))
    rows = unbilled_summary(member.cooperative, start, end)
    clients: dict[int, dict] = {}
    for row in rows:
        group = clients.setdefault(
            row.client_id, {"id": row.client_id, "name": row.client_name, "rows": [], "minutes": 0}
        )
        group["rows"].append(row)
        group["minutes"] += row.minutes
    return render(
        request,
        "billing/invoices/unbilled.html",
        {
            "member": member,
            "cooperative": member.cooperative,
            "form": form,
            "start": start,
            "end": end,
            "clients": list(clients.values()),
            "groupings": LineGrouping.choices,
            "is_treasurer": member.has_role(Role.TREASURER),
        },
    )


@login_required
def invoice_detail(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.membership(request, coop_slug)
    invoice = _invoice(member, pk)
    return _render_detail(request, member, invoice)


def _render_detail(request, member, invoice, line_form=None, credit_form=None, status=200):
    lines = list(invoice.lines.all())
    return render(
        request,
        "billing/invoices/detail.html",
        {
            "member": member,
            "cooperative": member.cooperative,
            "invoice": invoice,
            "lines": lines,
            "breakdown": vat_breakdown(invoice, lines),
            "credit_notes": list(invoice.credit_notes.all()),
            "payments": list(invoice.payments.all()),
            "open_amount": None if invoice.is_draft else open_amount(invoice),
            "line_form": line_form or LineForm(),
            "credit_form": credit_form or CreditForm(),
            "is_treasurer": member.has_role(Role.TREASURER),
        },
        status=status,
    )


def _line_changes(form: LineForm) -> dict:
    data = dict(form.cleaned_data)
    if not data.get("vat_category"):
        data.pop("vat_category", None)
        data.pop("vat_rate", None)
    return data


@login_required
@require_POST
def add_line(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    invoice = _invoice(member, pk)
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            invoice_lines.add_line(actor=member, invoice=invoice, **_line_changes(form))
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The line was added."))
            return redirect(_detail_url(invoice))
    return _render_detail(request, member, invoice, line_form=form, status=400)


@login_required
def edit_line(request: HttpRequest, coop_slug: str, pk: int, line_id: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    invoice = _invoice(member, pk)
    line = InvoiceLine.objects.filter(invoice=invoice, pk=line_id).first()
    if line is None:
        raise Http404
    initial = {
        "description": line.description, "quantity": line.quantity, "unit": line.unit,
        "unit_price": line.unit_price, "vat_category": line.vat_category,
        "vat_rate": line.vat_rate,
    }  # fmt: skip
    form = LineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = _line_changes(form)
        if line.minutes is not None:  # an hour line: only its wording and VAT change
            changes = {
                k: v for k, v in changes.items() if k not in ("quantity", "unit", "unit_price")
            }
        try:
            invoice_lines.update_line(actor=member, line=line, **changes)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The line was changed."))
            return redirect(_detail_url(invoice))
    return render(
        request,
        "billing/invoices/line_form.html",
        {"member": member, "cooperative": member.cooperative, "invoice": invoice, "line": line,
         "form": form},
    )  # fmt: skip


def _act(request, invoice, action, success: str) -> HttpResponse:
    try:
        result = action()
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_detail_url(invoice))
    messages.success(request, success)
    return redirect(_detail_url(result) if isinstance(result, Invoice) else _detail_url(invoice))


@login_required
@require_POST
def remove_line(request: HttpRequest, coop_slug: str, pk: int, line_id: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    invoice = _invoice(member, pk)
    line = InvoiceLine.objects.filter(invoice=invoice, pk=line_id).first()
    if line is None:
        raise Http404
    return _act(
        request, invoice, lambda: invoice_lines.remove_line(actor=member, line=line),
        _("The line was removed."),
    )  # fmt: skip


@login_required
@require_POST
def issue(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    invoice = _invoice(member, pk)
    return _act(
        request, invoice, lambda: issuing.issue_invoice(actor=member, invoice=invoice),
        _("The invoice was issued."),
    )  # fmt: skip


@login_required
@require_POST
def delete(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    invoice = _invoice(member, pk)
    try:
        invoicing.delete_draft(actor=member, invoice=invoice)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_detail_url(invoice))
    messages.success(request, _("The draft was deleted; its hours are unbilled again."))
    return redirect("billing-invoices", coop_slug)


@login_required
@require_POST
def credit(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = access.treasurer_or_403(request, coop_slug)
    invoice = _invoice(member, pk)
    form = CreditForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, member, invoice, credit_form=form, status=400)
    data = form.cleaned_data
    lines = None
    if data["amount"] is not None:
        line = invoice.lines.filter(pk=data["line"]).first()
        if line is None:
            form.add_error("line", _("Choose the line to credit."))
            return _render_detail(request, member, invoice, credit_form=form, status=400)
        lines = [(line, data["amount"])]
    try:
        note = issuing.credit_invoice(
            actor=member, invoice=invoice, lines=lines, reason=data["reason"],
            release_hours=data["release_hours"],
        )  # fmt: skip
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _render_detail(request, member, invoice, credit_form=form, status=error.status)
    messages.success(request, _("The credit note %(number)s was issued.") % {"number": note.number})
    return redirect(_detail_url(note))
