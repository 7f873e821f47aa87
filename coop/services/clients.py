"""Writes of the co-op's clients and their projects (admins and treasurers)."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.models import Client, Cooperative, Member, Project
from coop.models.cooperative import Role
from coop.services.checks import apply_changes, require_role, validated


def create_client(*, cooperative: Cooperative, actor: Member | None, name: str) -> Client:
    require_role(actor, Role.ADMIN, Role.TREASURER)
    with transaction.atomic():
        client = Client(cooperative=cooperative, name=name.strip())
        validated(client, exclude=["cooperative"])
        if Client.objects.filter(cooperative=cooperative, name__iexact=client.name).exists():
            raise StateConflict(
                gettext("There is already a client named “%(name)s”.") % {"name": client.name},
                field="name",
            )
        client.save()
        record(cooperative, actor, "client.created", client, {"name": client.name})
        return client


def update_client(*, client: Client, actor: Member | None, name: str) -> Client:
    require_role(actor, Role.ADMIN, Role.TREASURER)
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        changed = apply_changes(client, {"name": name.strip()})
        if not changed:
            return client
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
        record(client.cooperative, actor, "client.updated", client, {"changed": changed})
        return client


def create_project(
    *,
    cooperative: Cooperative,
    actor: Member | None,
    client: Client,
    name: str,
    active: bool = True,
    budget_hours: Decimal | None = None,
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
        )
        validated(project, exclude=["cooperative", "client"])
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
            {"name": project.name, "client": client.name},
        )
        return project


def update_project(*, project: Project, actor: Member | None, **changes: Any) -> Project:
    require_role(actor, Role.ADMIN, Role.TREASURER)
    unknown = set(changes) - {"name", "active", "budget_hours", "client"}
    if unknown:
        raise InvalidInput(gettext("This field cannot be changed here."), field=sorted(unknown)[0])
    with transaction.atomic():
        project = (
            Project.objects.select_for_update().select_related("cooperative").get(pk=project.pk)
        )
        client = changes.get("client")
        if client is not None and client.cooperative_id != project.cooperative_id:
            raise InvalidInput(gettext("This client does not belong to the co-op."), field="client")
        if "name" in changes:
            changes["name"] = changes["name"].strip()
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
        project.save()
        if "client" in changed:
            changed["client"] = [changed["client"][0].pk, changed["client"][1].pk]
        record(project.cooperative, actor, "project.updated", project, {"changed": changed})
        return project
