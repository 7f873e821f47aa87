"""Writes of invitations: an admin invites a person by e-mail; the person accepts with the link.

The link carries a random token; the database keeps only its SHA-256, so a leaked backup
cannot be used to join. An invitation is valid for INVITATION_DAYS days, can be resent (a new
token, a new expiry: the old link stops working) and revoked. Accepting it creates the
membership: as an applicant where the bylaws leave admission to a vote (admins then propose
the admission), as a probationary member where admins admit. Every step is audited.
"""

import datetime
import hashlib
import secrets
from typing import Any

from babel.dates import format_date, format_time
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from coop import clock
from coop.audit import record
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import Cooperative, Invitation, Member, User
from coop.models.cooperative import MemberStatus, Role
from coop.services import (
    add_member,
    change_member_status,
    decided_by_vote,
    require_role,
    update_member,
)

INVITATION_DAYS = 14


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[token])


def _normalized_email(email: str) -> str:
    email = User.objects.normalize_email((email or "").strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    return email


def _checked_roles(cooperative: Cooperative, roles: Any) -> list[str]:
    roles = list(dict.fromkeys(roles or ()))
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise InvalidInput(
            _("Unknown role “%(role)s”.") % {"role": sorted(unknown)[0]}, field="roles"
        )
    if roles and decided_by_vote(cooperative, "role_changes"):
        raise NotAllowed(
            _(
                "The bylaws say that only a vote gives roles: invite without roles, then "
                "propose them."
            ),
            field="roles",
        )
    return [role for role in Role.values if role in roles]


def _deadline(moment: datetime.datetime, cooperative: Cooperative) -> str:
    """When an invitation expires, in the co-op's time zone, as the reader's language writes a
    date and a time (CLDR through Babel): "December 18, 2026, 14:30", "18. Dezember 2026, 14:30"."""
    local = moment.astimezone(clock.zone_of(cooperative))
    locale = to_locale(get_language() or settings.LANGUAGE_CODE)
    return _("%(day)s, %(time)s") % {
        "day": format_date(local.date(), "long", locale=locale),
        "time": format_time(local, "short", locale=locale),
    }


def _send(invitation: Invitation, token: str) -> None:
    """Mail the link once the transaction commits: a rolled-back invitation sends nothing."""
    cooperative = invitation.cooperative
    inviter = invitation.invited_by.display_name if invitation.invited_by else cooperative.name
    subject = _("You are invited to join %(coop)s") % {"coop": cooperative.name}
    body = _(
        "%(inviter)s invites you to join %(coop)s on Cooperage.\n\n"
        "Open this link to accept, before %(expires)s (%(zone)s time):\n%(link)s\n\n"
        "If you did not expect this invitation, ignore this message."
    ) % {
        "inviter": inviter,
        "coop": cooperative.name,
        "expires": _deadline(invitation.expires_at, cooperative),
        "zone": cooperative.time_zone,
        "link": invitation_url(token),
    }
    recipient = invitation.email
    transaction.on_commit(
        lambda: send_mail(subject, body, None, [recipient], fail_silently=False), robust=True
    )


def invite_member(
    *,
    cooperative: Cooperative,
    actor: Member | None,
    email: str,
    roles: list[str] | tuple[str, ...] = (),
) -> tuple[Invitation, str]:
    """Invite a person (admins only); returns the invitation and the token of its link."""
    require_role(actor, Role.ADMIN)
    email = _normalized_email(email)
    roles = _checked_roles(cooperative, roles)
    with transaction.atomic():
        current = Member.objects.current().filter(
            cooperative=cooperative, user__email__iexact=email
        )
        if current.exists():
            raise StateConflict(
                _("%(email)s is already a member of %(coop)s.")
                % {"email": email, "coop": cooperative.name},
                field="email",
            )
        token = _new_token()
        now = clock.now()
        invitation = Invitation(
            cooperative=cooperative,
            email=email,
            roles=roles,
            invited_by=actor,
            token_hash=token_hash(token),
            expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
            sent_at=now,
        )
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:
            raise StateConflict(
                _("%(email)s already has an open invitation: resend or revoke it.")
                % {"email": email},
                field="email",
            ) from None
        record(
            cooperative,
            actor,
            "invitation.sent",
            invitation,
            {"email": email, "roles": roles, "expires_at": invitation.expires_at.isoformat()},
        )
        _send(invitation, token)
        return invitation, token


def _locked_open(invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("cooperative", "invited_by__user")
        .get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise StateConflict(
            _("This invitation was already %(state)s.") % {"state": invitation.get_state_display()}
        )
    return invitation


def resend_invitation(*, invitation: Invitation, actor: Member | None) -> tuple[Invitation, str]:
    """Mail a new link with a new expiry; the previous link stops working."""
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        invitation = _locked_open(invitation)
        token = _new_token()
        now = clock.now()
        invitation.token_hash = token_hash(token)
        invitation.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
        invitation.sent_at = now
        invitation.save(update_fields=["token_hash", "expires_at", "sent_at"])
        record(
            invitation.cooperative,
            actor,
            "invitation.resent",
            invitation,
            {"email": invitation.email, "expires_at": invitation.expires_at.isoformat()},
        )
        _send(invitation, token)
        return invitation, token


def revoke_invitation(*, invitation: Invitation, actor: Member | None) -> Invitation:
    require_role(actor, Role.ADMIN)
    with transaction.atomic():
        invitation = _locked_open(invitation)
        invitation.revoked_at = clock.now()
        invitation.save(update_fields=["revoked_at"])
        record(
            invitation.cooperative,
            actor,
            "invitation.revoked",
            invitation,
            {"email": invitation.email},
        )
        return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this link's token belongs to, whatever its state; None if there is none."""
    return (
        Invitation.objects.filter(token_hash=token_hash(token))
        .select_related("cooperative", "invited_by__user")
        .first()
    )


def needs_account(invitation: Invitation) -> bool:
    """Whether the invitee still has to choose a password (no account that can log in)."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    return user is None or not user.has_usable_password()


def _account(invitation: Invitation, user: User | None, full_name: str, password: str) -> User:
    """The invitee's account: the logged-in user it was sent to, or one made now."""
    if user is not None:
        if user.email.lower() != invitation.email.lower():
            raise NotAllowed(
                _("This invitation is for %(email)s: log in with that address to accept.")
                % {"email": invitation.email}
            )
        return user
    existing = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
    if existing is not None and existing.has_usable_password():
        raise NotAllowed(
            _("%(email)s already has an account: log in to accept.") % {"email": invitation.email}
        )
    full_name = (full_name or "").strip()
    if not full_name:
        raise InvalidInput(_("Tell the co-op your name."), field="full_name")
    account = existing or User(email=invitation.email)
    account.full_name = full_name[:200]
    try:
        validate_password(password or "", user=account)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None
    account.set_password(password)
    account.save()
    return account


def accept_invitation(
    *,
    token: str,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> Member:
    """Join the co-op: as the logged-in `user`, or as a new account with name and password."""
    found = invitation_for_token(token)
    if found is None:
        raise InvalidInput(_("This invitation link is not valid."), field="token")
    with transaction.atomic():
        invitation = _locked_open(found)
        if invitation.expires_at <= clock.now():
            raise StateConflict(
                _("This invitation has expired: ask for a new one."), code="expired"
            )
        cooperative = invitation.cooperative
        account = _account(invitation, user, full_name, password)
        status = (
            MemberStatus.APPLICANT
            if decided_by_vote(cooperative, "admission")
            else MemberStatus.PROBATIONARY
        )
        member = Member.objects.filter(cooperative=cooperative, user=account).first()
        if member is None:
            member = add_member(
                cooperative=cooperative,
                actor=None,
                email=account.email,
                status=status,
                roles=invitation.roles,
            )
        elif member.status == MemberStatus.DEPARTED:
            member = change_member_status(member=member, actor=None, status=status)
            member = update_member(member=member, actor=None, roles=invitation.roles)
        else:
            raise StateConflict(
                _("You are already a member of %(coop)s.") % {"coop": cooperative.name}
            )
        invitation.accepted_at = clock.now()
        invitation.member = member
        invitation.save(update_fields=["accepted_at", "member"])
        record(
            cooperative,
            account,
            "invitation.accepted",
            invitation,
            {"email": invitation.email, "member": member.pk, "status": member.status},
        )
        return member
