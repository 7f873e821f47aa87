"""The clients pages: every member reads the co-op's clients, their invoicing details, projects
and rates; the treasurer (and admins) add and change them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from billing import client_selectors, rate_services
from billing.client_forms import ClientForm, ProjectBillingForm, RateChangeForm, RateForm
from billing.models import BillingRate
from billing.views.access import context_for, keeper_or_403, may_edit, refuse
from coop import services
from coop.access import membership
from coop.errors import DomainError
from coop.models import Client, Member, Project


def _client_list(
    request: HttpRequest,
    member: Member,
    *,
    add_form: ClientForm | None = None,
    rate_form: RateForm | None = None,
    change_forms: dict[int, RateChangeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    cooperative = member.cooperative
    change_forms = change_forms or {}
    context = context_for(
        member,
        "clients",
        clients=client_selectors.clients_of(cooperative),
        default_rates=[
            (rate, change_forms.get(rate.pk) or RateChangeForm(billing_rate=rate))
            for rate in client_selectors.default_rates(cooperative)
        ],
    )
    if may_edit(member):
        context.update(
            add_form=add_form or ClientForm(prefix="client"),
            rate_form=rate_form or RateForm(cooperative=cooperative, client=None),
        )
    return render(request, "billing/clients/list.html", context, status=status)


@login_required
def client_list(request: HttpRequest, coop_slug: str) -> HttpResponse:
    if request.method != "POST":
        return _client_list(request, membership(request, coop_slug))
    member = keeper_or_403(request, coop_slug)
    form = ClientForm(request.POST, prefix="client")
    if form.is_valid():
        try:
            client = services.create_client(
                cooperative=member.cooperative, actor=member, **form.cleaned_data
            )
        except DomainError as error:
            refuse(form, error)
            return _client_list(request, member, add_form=form, status=error.status)
        messages.success(request, _("Added %(client)s.") % {"client": client.name})
        return redirect("billing-client", coop_slug, client.pk)
    return _client_list(request, member, add_form=form, status=400)


@login_required
@require_POST
def add_default_rate(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = keeper_or_403(request, coop_slug)
    form = RateForm(request.POST, cooperative=member.cooperative, client=None)
    if form.is_valid():
        try:
            rate_services.create_rate(
                cooperative=member.cooperative, actor=member, **form.cleaned_data
            )
        except DomainError as error:
            refuse(form, error)
            return _client_list(request, member, rate_form=form, status=error.status)
        messages.success(request, _("The co-op's default rate was added."))
        return redirect("billing-clients", coop_slug)
    return _client_list(request, member, rate_form=form, status=400)


def _client_detail(
    request: HttpRequest,
    member: Member,
    client: Client,
    *,
    form: ClientForm | None = None,
    rate_form: RateForm | None = None,
    project_forms: dict[int, ProjectBillingForm] | None = None,
    change_forms: dict[int, RateChangeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    rates = client_selectors.rates_of_client(client)
    project_forms = project_forms or {}
    change_forms = change_forms or {}

    def change_form(rate: BillingRate) -> RateChangeForm:
        return change_forms.get(rate.pk) or RateChangeForm(billing_rate=rate)

    context = context_for(
        member,
        "clients",
        client=client,
        currency=client.currency or client.cooperative.currency,
        client_rates=[(rate, change_form(rate)) for rate in rates.client_rates],
        projects=[
            {
                "project": entry.project,
                "form": project_forms.get(entry.project.pk)
                or ProjectBillingForm(project=entry.project),
                "rates": [(rate, change_form(rate)) for rate in entry.rates],
                "member_rates": [(rate, change_form(rate)) for rate in entry.member_rates],
            }
            for entry in rates.projects
        ],
    )
    if may_edit(member):
        context.update(
            form=form or ClientForm(initial=ClientForm.initial_from(client)),
            rate_form=rate_form or RateForm(cooperative=client.cooperative, client=client),
        )
    return render(request, "billing/clients/detail.html", context, status=status)


def _client(member: Member, pk: int) -> Client:
    return get_object_or_404(Client, cooperative=member.cooperative, pk=pk)


@login_required
def client_detail(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    if request.method != "POST":
        member = membership(request, coop_slug)
        return _client_detail(request, member, _client(member, pk))
    member = keeper_or_403(request, coop_slug)
    client = _client(member, pk)
    form = ClientForm(request.POST)
    if form.is_valid():
        try:
            services.update_client(client=client, actor=member, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
            return _client_detail(request, member, client, form=form, status=error.status)
        messages.success(request, _("Saved the invoicing details of %s.") % client.name)
        return redirect("billing-client", coop_slug, client.pk)
    return _client_detail(request, member, client, form=form, status=400)


@login_required
@require_POST
def project_billing(request: HttpRequest, coop_slug: str, pk: int, project_pk: int) -> HttpResponse:
    member = keeper_or_403(request, coop_slug)
    client = _client(member, pk)
    project = get_object_or_404(Project, client=client, pk=project_pk)
    form = ProjectBillingForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.update_project(project=project, actor=member, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
        else:
            messages.success(request, _("Saved project %s.") % project.name)
            return redirect("billing-client", coop_slug, client.pk)
    return _client_detail(request, member, client, project_forms={project.pk: form}, status=400)


@login_required
@require_POST
def add_rate(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = keeper_or_403(request, coop_slug)
    client = _client(member, pk)
    form = RateForm(request.POST, cooperative=member.cooperative, client=client)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            rate_services.create_rate(
                cooperative=member.cooperative,
                actor=member,
                client=client,
                project=data["project"],
                member=data["member"],
                rate=data["rate"],
                valid_from=data["valid_from"],
            )
        except DomainError as error:
            refuse(form, error)
            status = error.status
        else:
            messages.success(request, _("The rate was added."))
            return redirect("billing-client", coop_slug, client.pk)
    return _client_detail(request, member, client, rate_form=form, status=status)


def _back_to(rate: BillingRate, coop_slug: str) -> HttpResponse:
    client_id = rate.client_id or (rate.project.client_id if rate.project_id else None)
    if client_id is None:
        return redirect("billing-clients", coop_slug)
    return redirect("billing-client", coop_slug, client_id)


@login_required
@require_POST
def change_rate(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = keeper_or_403(request, coop_slug)
    rate = get_object_or_404(
        BillingRate.objects.select_related("client", "project"),
        cooperative=member.cooperative,
        pk=pk,
    )
    form = RateChangeForm(request.POST, billing_rate=rate)
    status = 400
    if form.is_valid():
        try:
            rate_services.update_rate(billing_rate=rate, actor=member, **form.cleaned_data)
        except DomainError as error:
            refuse(form, error)
            status = error.status
        else:
            messages.success(request, _("The rate was changed."))
            return _back_to(rate, coop_slug)
    # The rate's page again, its change form showing why.
    if rate.client_id is None and rate.project_id is None:
        return _client_list(request, member, change_forms={rate.pk: form}, status=status)
    client = rate.client or rate.project.client
    return _client_detail(request, member, client, change_forms={rate.pk: form}, status=status)


@login_required
@require_POST
def delete_rate(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = keeper_or_403(request, coop_slug)
    rate = get_object_or_404(
        BillingRate.objects.select_related("client", "project"),
        cooperative=member.cooperative,
        pk=pk,
    )
    try:
        rate_services.delete_rate(billing_rate=rate, actor=member)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The rate was deleted."))
    return _back_to(rate, coop_slug)
