"""Writes of memberships: adding a member, their details and roles, and status changes."""

import datetime
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext

from coop import clock, departure
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.locale_formats import format_day
from coop.membership_events import announce
from coop.models import Cooperative, Member, MemberStatusChange, User
from coop.models.cooperative import MemberStatus, Role
from coop.services.checks import apply_changes, refuse_unless_admins_decide, require_role, validated
from coop.validators import normalize_iban


def _is_admission(old: str, new: str) -> bool:
    return old == MemberStatus.APPLICANT and new in (MemberStatus.PROBATIONARY, MemberStatus.ACTIVE)


def probation_end(cooperative: Cooperative, admitted_on: datetime.date) -> datetime.date | None:
    """The end of a probation that starts on `admitted_on`: the bylaws' probation_months later
    (the same day of the month, or the month's last day), or None when the bylaws set none."""
    months = cooperative.settings["probation_months"]
    return admitted_on + relativedelta(months=months) if months else None


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
    language: str = "",
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
            refuse_unless_admins_decide(cooperative, "admission", "status")
        if roles:
            refuse_unless_admins_decide(cooperative, "role_changes", "roles")
    email = User.objects.normalize_email(email).lower().strip()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, full_name=full_name)
            user.set_unusable_password()
            validated(user, exclude=["password"])
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
            probation_ends_on=(
                probation_end(cooperative, since) if status == MemberStatus.PROBATIONARY else None
            ),
            rate_weight=rate_weight,
            legal_name=legal_name,
            iban=iban,
            language=language,
            **{f"is_{role}": True for role in roles},
        )
        validated(member, exclude=["user", "cooperative"])
        member.save()
        MemberStatusChange.objects.create(member=member, status=status, effective_on=since)
        if member.joined_on is not None:
            announce("admitted", member, since)
        record(
            cooperative,
            actor,
            "member.added",
            member,
            {"email": email, "status": status, "roles": member.roles},
        )
        return member


def update_member(*, member: Member, actor: Member | None, **changes: Any) -> Member:
    """Change roles or rate weight (admins), the end of a probation (the secretary or admins),
    or payout details and the language of their documents (admins or the member)."""
    own_fields = {"legal_name", "iban", "language"}
    secretary_fields = {"probation_ends_on"}
    admin_fields = {"roles", "rate_weight"} | own_fields | secretary_fields
    unknown = set(changes) - admin_fields
    if unknown:
        raise InvalidInput(gettext("This field cannot be changed here."), field=sorted(unknown)[0])
    is_self = actor is not None and actor.pk == member.pk
    if changes and set(changes) <= secretary_fields:
        require_role(actor, Role.SECRETARY, Role.ADMIN)
    elif not (is_self and set(changes) <= own_fields):
        require_role(actor, Role.ADMIN)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("cooperative").get(pk=member.pk)
        if "probation_ends_on" in changes:
            _check_probation_end(member, changes["probation_ends_on"])
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
                refuse_unless_admins_decide(member.cooperative, "role_changes", "roles")
            if not roles & {Role.ADMIN} and member.is_admin:
                _refuse_removing_last_admin(member)
        if "iban" in changes:
            changes["iban"] = normalize_iban(changes["iban"])
        changed = apply_changes(member, changes)
        if not changed:
            return member
        validated(member, exclude=["user", "cooperative"])
        member.save()
        if {"iban", "legal_name"} & set(changed):
            # Bank details are personal: the audit log says that they changed, not to what.
            for name in {"iban", "legal_name"} & set(changed):
                changed[name] = ["…", "…"]
        record(member.cooperative, actor, "member.updated", member, {"changed": changed})
        return member


def _check_probation_end(member: Member, ends_on: datetime.date | None) -> None:
    """Only a probation has an end to move, and it ends after it began (None: no end set)."""
    if member.status != MemberStatus.PROBATIONARY:
        raise StateConflict(
            gettext("%(name)s is not on probation: only a probation has an end date to move.")
            % {"name": member.display_name},
            field="probation_ends_on",
        )
    if ends_on is not None and ends_on <= member.status_since:
        raise InvalidInput(
            gettext("A probation ends after it began (%(date)s).")
            % {"date": format_day(member.status_since)},
            field="probation_ends_on",
        )


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
            refuse_unless_admins_decide(member.cooperative, decision, "status")
        effective_on = effective_on or clock.today_in(member.cooperative)
        if effective_on < member.status_since:
            raise InvalidInput(
                gettext("The change cannot take effect before the current status began (%(date)s).")
                % {"date": format_day(member.status_since)},
                field="effective_on",
            )
        if status == MemberStatus.DEPARTED and member.is_admin:
            _refuse_removing_last_admin(member)
        old = member.status
        member.status, member.status_since = status, effective_on
        if status in (MemberStatus.PROBATIONARY, MemberStatus.ACTIVE) and member.joined_on is None:
            member.joined_on = effective_on
        if status == MemberStatus.PROBATIONARY:
            member.probation_ends_on = probation_end(member.cooperative, effective_on)
        member.departed_on = effective_on if status == MemberStatus.DEPARTED else None
        member.save()
        MemberStatusChange.objects.create(member=member, status=status, effective_on=effective_on)
        if _is_admission(old, status):
            announce("admitted", member, effective_on)
        elif status == MemberStatus.DEPARTED:
            announce("departed", member, effective_on)
        record(
            member.cooperative,
            actor,
            "member.status_changed",
            member,
            {
                "from": old,
                "to": status,
                "effective_on": effective_on.isoformat(),
                **(
                    {"probation_ends_on": member.probation_ends_on.isoformat()}
                    if status == MemberStatus.PROBATIONARY and member.probation_ends_on
                    else {}
                ),
            },
        )
        if status == MemberStatus.DEPARTED:
            departure.member_departed(member)  # payroll drafts the settlement (idempotent)
        return member


def remember_language(user: User, language: str) -> int:
    """Keep the language a person chose on the page as the language of their payslips and
    e-mails in every co-op they belong to; the number of memberships changed."""
    return Member.objects.filter(user=user).exclude(language=language).update(language=language)


def preferred_language(user: User) -> str:
    """The language a person chose before (Member.language), or "" when they never chose one."""
    return (
        Member.objects.filter(user=user)
        .exclude(language="")
        .order_by("-pk")
        .values_list("language", flat=True)
        .first()
        or ""
    )
