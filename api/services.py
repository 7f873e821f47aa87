"""Writes on personal access tokens: create, revoke, and note their use.

Tokens belong to a person, not to a co-op, so they are not in any co-op's audit log: each
change is logged with the `logging` module instead (never with the key).
"""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from api.models import NAME_MAX_LENGTH, PREFIX_LENGTH, PersonalToken, key_digest, new_key
from coop import clock
from coop.errors import InvalidInput
from coop.models import User

logger = logging.getLogger(__name__)

# Noting every request's time would write a row per request: a minute is precise enough.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def _already_named(name: str) -> str:
    return _("You already have a token named “%(name)s”: choose another name.") % {"name": name}


def create_token(
    *,
    user: User,
    name: str,
    read_only: bool = False,
    expires_in_days: int | None = None,
) -> tuple[PersonalToken, str]:
    """A new token for `user` and its key, which is returned here once and stored nowhere."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the token a name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            _("A name has at most %(most)s characters.") % {"most": NAME_MAX_LENGTH}, field="name"
        )
    if expires_in_days is not None and expires_in_days < 1:
        raise InvalidInput(_("A token lasts at least one day."), field="expires_in_days")
    now = clock.now()
    key = new_key()
    try:
        with transaction.atomic():
            if PersonalToken.objects.live().filter(user=user, name=name).exists():
                raise InvalidInput(_already_named(name), field="name")
            token = PersonalToken.objects.create(
                user=user,
                name=name,
                key_prefix=key[:PREFIX_LENGTH],
                key_hash=key_digest(key),
                read_only=read_only,
                created_at=now,
                expires_at=now + datetime.timedelta(days=expires_in_days)
                if expires_in_days
                else None,
            )
    except IntegrityError:  # the same name created by a concurrent request
        raise InvalidInput(_already_named(name), field="name") from None
    logger.info(
        "personal token %s (%s…) created for user %s, read_only=%s, expires_at=%s",
        token.pk,
        token.key_prefix,
        user.pk,
        read_only,
        token.expires_at,
    )
    return token, key


def create_login_token(*, user: User, name: str = "") -> tuple[PersonalToken, str]:
    """The read-write token that `POST auth/token/` hands to a script that logs in; it expires
    after `API_LOGIN_TOKEN_DAYS`.

    Without a name each login is a new token, `API login <date and time>`. With a name, the
    script's earlier token of that name (live or expired) is revoked and replaced by the new one,
    so that a script that logs in every run keeps one token, not one per run.
    """
    days = settings.API_LOGIN_TOKEN_DAYS
    name = name.strip()
    if name:
        with transaction.atomic():
            for token in PersonalToken.objects.live().filter(user=user, name=name):
                revoke_token(token=token, by=user)
            return create_token(user=user, name=name, expires_in_days=days)
    base = f"API login {clock.now():%Y-%m-%d %H:%M}"
    taken = set(PersonalToken.objects.live().filter(user=user).values_list("name", flat=True))
    name = base
    counter = 2
    while name in taken:
        name = f"{base} ({counter})"
        counter += 1
    return create_token(user=user, name=name, expires_in_days=days)


def revoke_token(*, token: PersonalToken, by: User | None = None) -> PersonalToken:
    """Revoke a token for good; revoking it again changes nothing."""
    with transaction.atomic():
        token = PersonalToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            logger.info(
                "personal token %s (%s…) of user %s revoked by user %s",
                token.pk,
                token.key_prefix,
                token.user_id,
                by.pk if by is not None else token.user_id,
            )
    return token


def note_use(token: PersonalToken) -> None:
    """Record that the token was just used, at most once per LAST_USED_RESOLUTION."""
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # The condition keeps concurrent requests from each writing the same minute.
    fresh = now - LAST_USED_RESOLUTION
    PersonalToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=fresh), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
