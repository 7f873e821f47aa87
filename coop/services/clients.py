"""Writes of the co-op's clients and their projects (admins and treasurers), with the
invoicing details a client is billed by: checked VAT IDs, currencies, countries and the rules of
each VAT treatment (`coop.vat_rules`)."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from coop import invoicing
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.models import Client, Cooperative, Member, Project
from coop.models.cooperative import Role
from coop.services.checks import apply_changes, require_role, validated
from coop.validators import normalize_vat_id, vat_id_problem
from coop.vat_rules import vat_treatment_problem

# What a client is billed by, besides its name (coop.models.work.Client).
CLIENT_BILLING_FIELDS = (
    "legal_name",
    "address",
    "country",
    "vat_id",
    "invoice_email",
    "payment_terms_days",
    "invoice_language",
    "currency",
    "buyer_reference",
    "vat_treatment",
    "vat_note",
)
_UPPER_CASE = ("country", "currency")


def _cleaned_client_fields(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - {"name", *CLIENT_BILLING_FIELDS}
    if unknown:
        raise InvalidInput(gettext("This field cannot be changed here."), field=sorted(unknown)[0])
    cleaned = {}
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
            if name in _UPPER_CASE:
                value = value.upper()
        cleaned[name] = value
    return cleaned


def _check_billing_details(client: Client) -> None:
    """The VAT ID's check digits and the VAT treatment's rules, on the client as it would be."""
    client.vat_id = normalize_vat_id(client.vat_id, client.country)
    problem = vat_id_problem(client.vat_id, client.country)
    if problem:
        raise InvalidInput(problem, field="vat_id")
    broken = vat_treatment_problem(
        client.vat_treatment,
        vat_id=client.vat_id,
        country=client.country,
        coop_country=client.cooperative.country,
        notes=(client.vat_note, invoicing.default_exemption_note(client.cooperative)),
    )
    if broken:
        raise InvalidInput(broken.message, field=broken.field)


def billing_currency(client: Client) -> str:
    """The currency the client is invoiced in: its own, or the co-op's."""
    return client.currency or client.cooperative.currency


def create_client(
    *, cooperative: Cooperative, actor: Member | None, name: str, **details: Any
) -> Client:
    """Add a client; `details` are its invoicing details (CLIENT_BILLING_FIELDS)."""
    require_role(actor, Role.ADMIN, Role.TREASURER)
    details = _cleaned_client_fields(details)
    with transaction.atomic():
        client = Client(cooperative=cooperative, name=name.strip(), **details)
        validated(client, exclude=["cooperative"])
        _check_billing_details(client)
        if Client.objects.filter(cooperative=cooperative, name__iexact=client.name).exists():
            raise StateConflict(
                gettext("There is already a client named “%(name)s”.") % {"name": client.name},
                field="name",
            )
        client.save()
        data = {"name": client.name}
        data.update({field: getattr(client, field) for field in details})
        record(cooperative, actor, "client.created", client, data)
        return client


def update_client(*, client: Client, actor: Member | None, **changes: Any) -> Client:
    """Change a client's name or invoicing details. Its currency stays while rates or invoices
    are in the old one (409): they would be orphaned, billed in a currency the client no longer
    pays in."""
    require_role(actor, Role.ADMIN, Role.TREASURER)
    changes = _cleaned_client_fields(changes)
    with transaction.atomic():
        client = (
            Client.objects.select_for_update(of=("self",))
            .select_related("cooperative")
            .get(pk=client.pk)
        )
        old_currency = billing_currency(client)
        changed = apply_changes(client, changes)
        if not changed:
            return client
        if set(changed) & set(CLIENT_BILLING_FIELDS):
            validated(client, exclude=["cooperative"])
            _check_billing_details(client)
        if billing_currency(client) != old_currency:
            reason = invoicing.currency_held(client, old_currency)
            if reason:
                raise StateConflict(reason, field="currency")
        clash = Client.objects.filter(
            cooperative_id=client.cooperative_id, name__iexact=client.name
        )
        if clash.exclude(pk=client.pk).exists():
            raise StateConflict(
                gettext("There is already a client named “%(name)s”.") % {"name": client.name},
                field="name",
            )
        validated(client, exclude=["cooperative"])
        client.save()
        # The new values as stored (a VAT ID in its compact form).
        changed = {key: [old, getattr(client, key)] for key, (old, _new) in changed.items()}
        record(client.cooperative, actor, "client.updated", client, {"changed": changed})
        return client


PROJECT_FIELDS = (
    "name",
    "active",
    "budget_hours",
    "client",
    "billable",
    "vat_treatment",
    "vat_note",
)


def _check_project_vat(project: Project) -> None:
    """A project's own VAT treatment (blank: the client's) follows the same rules as a
    client's, with the client's VAT ID and country; its note may come from the project, the
    client or the co-op."""
    if not project.vat_treatment:
        return
    client = project.client
    broken = vat_treatment_problem(
        project.vat_treatment,
        vat_id=client.vat_id,
        country=client.country,
        coop_country=project.cooperative.country,
        notes=(
            project.vat_note,
            client.vat_note,
            invoicing.default_exemption_note(project.cooperative),
        ),
        fields={"vat_id": "vat_treatment", "country": "vat_treatment"},
    )
    if broken:
        raise InvalidInput(broken.message, field=broken.field)


def create_project(
    *,
    cooperative: Cooperative,
    actor: Member | None,
    client: Client,
    name: str,
    active: bool = True,
    budget_hours: Decimal | None = None,
    billable: bool = True,
    vat_treatment: str = "",
    vat_note: str = "",
) -> Project:
    require_role(actor, Role.ADMIN, Role.TREASURER)
    if client.cooperative_id != cooperative.pk:
        raise InvalidInput(gettext("This client does not belong to the co-op."), field="client")
    with transaction.atomic():
        project = Project(
            cooperative=cooperative,
            client=client,
            name=name.strip(),
            active=active,
            budget_hours=budget_hours,
            billable=billable,
            vat_treatment=vat_treatment,
            vat_note=vat_note.strip(),
        )
        validated(project, exclude=["cooperative", "client"])
        _check_project_vat(project)
        if Project.objects.filter(client=client, name__iexact=project.name).exists():
            raise StateConflict(
                gettext("%(client)s already has a project named “%(project)s”.")
                % {"client": client.name, "project": project.name},
                field="name",
            )
        project.save()
        record(
            cooperative,
            actor,
            "project.created",
            project,
            {
                "name": project.name,
                "client": client.name,
                "billable": project.billable,
                "vat_treatment": project.vat_treatment,
            },
        )
        return project


def update_project(*, project: Project, actor: Member | None, **changes: Any) -> Project:
    require_role(actor, Role.ADMIN, Role.TREASURER)
    unknown = set(changes) - set(PROJECT_FIELDS)
    if unknown:
        raise InvalidInput(gettext("This field cannot be changed here."), field=sorted(unknown)[0])
    with transaction.atomic():
        project = (
            Project.objects.select_for_update().select_related("cooperative").get(pk=project.pk)
        )
        client = changes.get("client")
        if client is not None and client.cooperative_id != project.cooperative_id:
            raise InvalidInput(gettext("This client does not belong to the co-op."), field="client")
        for text in ("name", "vat_note"):
            if text in changes:
                changes[text] = changes[text].strip()
        changed = apply_changes(project, changes)
        if not changed:
            return project
        clash = Project.objects.filter(client=project.client, name__iexact=project.name)
        if clash.exclude(pk=project.pk).exists():
            raise StateConflict(
                gettext("%(client)s already has a project named “%(project)s”.")
                % {"client": project.client.name, "project": project.name},
                field="name",
            )
        validated(project, exclude=["cooperative", "client"])
        if {"client", "vat_treatment", "vat_note"} & set(changed):
            _check_project_vat(project)
        project.save()
        if "client" in changed:
            changed["client"] = [changed["client"][0].pk, changed["client"][1].pk]
        record(project.cooperative, actor, "project.updated", project, {"changed": changed})
        return project
