"""Writes of the core domain: co-ops, memberships and roles, clients and projects."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from coop import clock
from coop.audit import record
from coop.bylaws import floors_changed
from coop.dates import check_founding_date
from coop.errors import InvalidInput, InvalidInputs, NotAllowed, StateConflict
from coop.models import Client, Cooperative, Member, MemberStatusChange, Project, User
from coop.models.cooperative import MemberStatus, Role
from coop.validators import normalize_iban


def require_role(actor: Member | None, *roles: str) -> None:
    """Refuse unless the acting member holds one of the roles (the system actor may do all)."""
    if actor is not None and not actor.has_role(*roles):
        names = [str(Role(role).label) for role in roles]
        if len(names) == 1:
            message = gettext("Only a member with the %(role)s role may do this.") % {
                "role": names[0]
            }
        else:
            message = gettext("Only a member with the %(roles)s or %(last)s role may do this.") % {
                "roles": ", ".join(names[:-1]),
                "last": names[-1],
            }
        raise NotAllowed(message)


def decided_by_vote(cooperative: Cooperative, decision: str) -> bool:
    """Whether the bylaws leave this decision about members ("admission", "status_changes",
    "role_changes") to a vote of the members rather than to the admins."""
    return cooperative.settings[decision] == "vote"


def _refuse_unless_admins_decide(cooperative: Cooperative, decision: str, field: str) -> None:
    if not decided_by_vote(cooperative, decision):
        return
    message = {
        "admission": gettext(
            "The bylaws say that only a vote admits applicants: draft a membership proposal "
            "instead."
        ),
        "status_changes": gettext(
            "The bylaws say that only a vote changes a member's status: draft a membership "
            "proposal instead."
        ),
        "role_changes": gettext(
            "The bylaws say that only a vote gives and takes roles: draft a membership proposal "
            "instead."
        ),
    }[decision]
    raise NotAllowed(message, field=field)


def _is_admission(old: str, new: str) -> bool:
    return old == MemberStatus.APPLICANT and new in (MemberStatus.PROBATIONARY, MemberStatus.ACTIVE)


def _validated(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as error:
        raise InvalidInputs(error.message_dict) from None


def _diff(instance: Any, changes: dict[str, Any]) -> dict[str, list[Any]]:
    """Apply changes to the instance; return {field: [old, new]} for those that changed."""
    changed = {}
    for name, value in changes.items():
        old = getattr(instance, name)
        if old != value:
            changed[name] = [old, value]
            setattr(instance, name, value)
    return changed


def create_cooperative(
    *,
    name: str,
    slug: str,
    currency: str = "EUR",
    time_zone: str = "UTC",
    founded_on: datetime.date | None = None,
    bylaws: dict | None = None,
    founder: User | None = None,
) -> Cooperative:
    """Found a co-op; the founder, if given, becomes its first active member with every role."""
    with transaction.atomic():
        cooperative = Cooperative(
            name=name, slug=slug, currency=currency, time_zone=time_zone, founded_on=founded_on
        )
        if bylaws is not None:
            cooperative.bylaws = bylaws
        _validated(cooperative)
        cooperative.save()
        record(cooperative, founder, "cooperative.created", cooperative, {"name": name})
        if founder is not None:
            add_member(
                cooperative=cooperative,
                actor=None,
                email=founder.email,
                status=MemberStatus.ACTIVE,
                roles=list(Role.values),
                joined_on=founded_on or clock.today_in(cooperative),
            )
        return cooperative


def update_cooperative(
    *, cooperative: Cooperative, actor: Member | None, **changes: Any
) -> Cooperative:
    """Change a co-op's name, currency, time zone, bylaws settings or bank details (legal name,
    IBAN, BIC: the debtor of the SEPA file) (admins only).

    The bylaws floors (quorum, threshold, discussion and voting periods per kind) are not
    changed here: only a passed bylaws proposal changes them (`amend_bylaws`)."""
    require_role(actor, Role.ADMIN)
    allowed = {"name", "currency", "time_zone", "founded_on", "bylaws", "legal_name", "iban", "bic"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            gettext("This setting cannot be changed here."), field=sorted(unknown)[0]
        )
    with transaction.atomic():
        cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        if "bylaws" in changes and floors_changed(cooperative.bylaws, changes["bylaws"]):
            raise InvalidInput(floors_by_proposal_only(), field="bylaws")
        if changes.get("founded_on") is not None:
            check_founding_date(cooperative, changes["founded_on"])
        changed = _diff(cooperative, changes)
        if not changed:
            return cooperative
        _validated(cooperative)
        cooperative.save()
        record(cooperative, actor, "cooperative.updated", cooperative, {"changed": changed})
        return cooperative


def floors_by_proposal_only() -> str:
    return gettext(
        "The bylaws floors (quorum, threshold, discussion and voting periods per kind) change "
        "only through a passed bylaws proposal with the action amend_bylaws."
    )


def amend_bylaws(*, cooperative: Cooperative, bylaws: dict, proposal: Any) -> Cooperative:
    """Adopt bylaws settings, floors included, as a passed bylaws proposal decided.

    Called only by the `amend_bylaws` action, which governance runs for a passed `bylaws`
    proposal that met the floors in force (governance/actions/registry.py checks that before
    it runs)."""
    if getattr(proposal, "kind", None) != "bylaws" or getattr(proposal, "result", None) != "passed":
        raise NotAllowed(floors_by_proposal_only(), field="bylaws")
    with transaction.atomic():
        cooperative = Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        changed = _diff(cooperative, {"bylaws": bylaws})
        if not changed:
            return cooperative
        _validated(cooperative)
        cooperative.save()
        record(
            cooperative,
            None,
            "cooperative.bylaws_amended",
            cooperative,
            {"changed": changed, "proposal": proposal.pk},
        )
        return cooperative


def add_member(
    *,
    cooperative: Cooperative,
    actor: Member | None,
    email: str,
    full_name: str = "",
    status: str = MemberStatus.APPLICANT,
    roles: list[str] | tuple[str, ...] = (),
    rate_weight: Decimal = Decimal("1"),
    legal_name: str = "",
    iban: str = "",
    joined_on: datetime.date | None = None,
) -> Member:
    """Add a person to the co-op (admins only); a user account is made for a new e-mail address.

    A new account has no password: the person sets one through "forgot password" (or joins
    through an invitation, see coop.invitations). Where the bylaws leave admission or roles to
    a vote, an admin adds applicants without roles; the system actor (a passed proposal, the
    founding of the co-op, an accepted invitation) is not bound by that.
    """
    require_role(actor, Role.ADMIN)
    unknown_roles = set(roles) - set(Role.values)
    if unknown_roles:
        raise InvalidInput(
            gettext("Unknown role “%(role)s”.") % {"role": sorted(unknown_roles)[0]}, field="roles"
        )
    if actor is not None:
        if status in (MemberStatus.PROBATIONARY, MemberStatus.ACTIVE):
            _refuse_unless_admins_decide(cooperative, "admission", "status")
        if roles:
            _refuse_unless_admins_decide(cooperative, "role_changes", "roles")
    email = User.objects.normalize_email(email).lower().strip()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, full_name=full_name)
            user.set_unusable_password()
            _validated(user, exclude=["password"])
            user.save()
        elif Member.objects.filter(cooperative=cooperative, user=user).exists():
            raise StateConflict(
                gettext("%(email)s is already a member of %(cooperative)s.")
                % {"email": email, "cooperative": cooperative.name},
                field="email",
            )
        since = joined_on or clock.today_in(cooperative)
        member = Member(
            cooperative=cooperative,
            user=user,
            status=status,
            status_since=since,
            joined_on=since if status in (MemberStatus.PROBATIONARY, MemberStatus.ACTIVE) else None,
            rate_weight=rate_weight,
            legal_name=legal_name,
            iban=iban,
            **{f"is_{role}": True for role in roles},
        )
        _validated(member, exclude=["user", "cooperative"])
        member.save()
        MemberStatusChange.objects.create(member=member, status=status, effective_on=since)
        record(
            cooperative,
            actor,
            "member.added",
            member,
            {"email": email, "status": status, "roles": member.roles},
        )
        return member


def update_member(*, member: Member, actor: Member | None, **changes: Any) -> Member:
    """Change roles or rate weight (admins), or payout details (admins or the member)."""
    payout_fields = {"legal_name", "iban"}
    admin_fields = {"roles", "rate_weight"} | payout_fields
    unknown = set(changes) - admin_fields
    if unknown:
        raise InvalidInput(gettext("This field cannot be changed here."), field=sorted(unknown)[0])
    is_self = actor is not None and actor.pk == member.pk
    if not (is_self and set(changes) <= payout_fields):
        require_role(actor, Role.ADMIN)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("cooperative").get(pk=member.pk)
        if "roles" in changes:
            roles = set(changes.pop("roles"))
            if roles - set(Role.values):
                raise InvalidInput(
                    gettext("Unknown role “%(role)s”.")
                    % {"role": sorted(roles - set(Role.values))[0]},
                    field="roles",
                )
            for role in Role.values:
                changes[f"is_{role}"] = role in roles
            if actor is not None and roles != set(member.roles):
                _refuse_unless_admins_decide(member.cooperative, "role_changes", "roles")
            if not roles & {Role.ADMIN} and member.is_admin:
                _refuse_removing_last_admin(member)
        if "iban" in changes:
            changes["iban"] = normalize_iban(changes["iban"])
        changed = _diff(member, changes)
        if not changed:
            return member
        _validated(member, exclude=["user", "cooperative"])
        member.save()
        if {"iban", "legal_name"} & set(changed):
            # Bank details are personal: the audit log says that they changed, not to what.
            for name in {"iban", "legal_name"} & set(changed):
                changed[name] = ["…", "…"]
        record(member.cooperative, actor, "member.updated", member, {"changed": changed})
        return member


def _refuse_removing_last_admin(member: Member) -> None:
    others = Member.objects.current().filter(cooperative_id=member.cooperative_id, is_admin=True)
    if not others.exclude(pk=member.pk).exists():
        raise StateConflict(
            gettext("This is the co-op's last admin: give another member the admin role first."),
            field="roles",
        )


def change_member_status(
    *,
    member: Member,
    actor: Member | None,
    status: str,
    effective_on: datetime.date | None = None,
) -> Member:
    """Move a member to another status (admit, put on leave, record a departure).

    Admins do it directly unless the bylaws leave it to a vote (`admission`, `status_changes`);
    a passed proposal runs it as the system actor (`actor=None`).
    """
    require_role(actor, Role.ADMIN)
    if status not in MemberStatus.values:
        raise InvalidInput(
            gettext("Unknown status “%(status)s”.") % {"status": status}, field="status"
        )
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("cooperative").get(pk=member.pk)
        if member.status == status:
            return member
        if actor is not None:
            decision = "admission" if _is_admission(member.status, status) else "status_changes"
            _refuse_unless_admins_decide(member.cooperative, decision, "status")
        effective_on = effective_on or clock.today_in(member.cooperative)
        if effective_on < member.status_since:
            raise InvalidInput(
                gettext("The change cannot take effect before the current status began (%(date)s).")
                % {"date": member.status_since.isoformat()},
                field="effective_on",
            )
        if status == MemberStatus.DEPARTED and member.is_admin:
            _refuse_removing_last_admin(member)
        old = member.status
        member.status, member.status_since = status, effective_on
        if status in (MemberStatus.PROBATIONARY, MemberStatus.ACTIVE) and member.joined_on is None:
            member.joined_on = effective_on
        member.departed_on = effective_on if status == MemberStatus.DEPARTED else None
        member.save()
        MemberStatusChange.objects.create(member=member, status=status, effective_on=effective_on)
        record(
            member.cooperative,
            actor,
            "member.status_changed",
            member,
            {"from": old, "to": status, "effective_on": effective_on.isoformat()},
        )
        return member


def create_client(*, cooperative: Cooperative, actor: Member | None, name: str) -> Client:
    require_role(actor, Role.ADMIN, Role.TREASURER)
    with transaction.atomic():
        client = Client(cooperative=cooperative, name=name.strip())
        _validated(client, exclude=["cooperative"])
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
        changed = _diff(client, {"name": name.strip()})
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
        _validated(client, exclude=["cooperative"])
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
        _validated(project, exclude=["cooperative", "client"])
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
        changed = _diff(project, changes)
        if not changed:
            return project
        clash = Project.objects.filter(client=project.client, name__iexact=project.name)
        if clash.exclude(pk=project.pk).exists():
            raise StateConflict(
                gettext("%(client)s already has a project named “%(project)s”.")
                % {"client": project.client.name, "project": project.name},
                field="name",
            )
        _validated(project, exclude=["cooperative", "client"])
        project.save()
        if "client" in changed:
            changed["client"] = [changed["client"][0].pk, changed["client"][1].pk]
        record(project.cooperative, actor, "project.updated", project, {"changed": changed})
        return project
