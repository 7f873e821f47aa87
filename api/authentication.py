"""Authentication by personal access token: `Authorization: Bearer <key>` or `Token <key>`."""

from django.db.models import F
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import PersonalToken, key_digest
from api.services import note_use
from coop import clock
from coop.models import Member

# `Token` is what DRF's token authentication used: scripts written for it keep working.
KEYWORDS = ("bearer", "token")
TOKEN_FIELDS = [field.attname for field in PersonalToken._meta.concrete_fields]


def _token_and_member(digest: str, slug: str) -> tuple[PersonalToken, Member] | None:
    """On a route of a co-op, the token and its owner's membership of that co-op in one query
    (any status: `api.scoping.membership_for` decides who may see what). None when the owner
    is no member of it, or there is no such token: the plain lookup then answers."""
    member = (
        Member.objects.select_related("cooperative", "user")
        .filter(cooperative__slug=slug, user__personal_tokens__key_hash=digest)
        .annotate(**{f"token_{name}": F(f"user__personal_tokens__{name}") for name in TOKEN_FIELDS})
        .first()
    )
    if member is None:
        return None
    token = PersonalToken(**{name: getattr(member, f"token_{name}") for name in TOKEN_FIELDS})
    token.user = member.user
    return token, member


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    """Sets `request.user` to the token's owner and `request.auth` to the PersonalToken."""

    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: send “Authorization: Bearer <token>”.",
                code="invalid_token",
            )
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: the token has characters a token never has.",
                code="invalid_token",
            ) from None
        return self.authenticate_credentials(key, request)

    def authenticate_credentials(self, key: str, request=None) -> tuple:
        digest = key_digest(key)
        slug = getattr(request, "parser_context", None) and request.parser_context.get(
            "kwargs", {}
        ).get("coop_slug")
        found = _token_and_member(digest, slug) if isinstance(slug, str) else None
        if found is not None:
            token, member = found
            # api.scoping.membership_for takes it from here instead of asking again.
            request.memberships_found = {slug: member}
        else:
            token = PersonalToken.objects.select_related("user").filter(key_hash=digest).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.", code="invalid_token")
        status = token.status_at(clock.now())
        if status == PersonalToken.Status.REVOKED:
            raise exceptions.AuthenticationFailed(
                "This token was revoked. Create a new one on your API tokens page.",
                code="token_revoked",
            )
        if status == PersonalToken.Status.EXPIRED:
            raise exceptions.AuthenticationFailed(
                "This token expired. Create a new one on your API tokens page.",
                code="token_expired",
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "The account of this token is inactive.", code="user_inactive"
            )
        note_use(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token (drf-spectacular finds it by subclassing)."""

    target_class = PersonalTokenAuthentication
    name = "tokenAuth"  # the name DRF token authentication had: generated clients keep working

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from /account/tokens/ or from "
            "`POST /api/v1/auth/token/`, sent as `Authorization: Bearer <token>` "
            "(`Token <token>` works too). A read-only token gets 403 on every write.",
        }
