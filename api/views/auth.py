"""Token login for scripts: POST e-mail and password for a new token; DELETE revokes it."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import PersonalTokenAuthentication
from api.models import PersonalToken
from api.serializers.core import TokenRequestSerializer, TokenSerializer
from api.services import create_login_token, revoke_token
from api.throttling import ScopedRateThrottle


class TokenView(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        # Not TokenScope: even a read-only token may revoke itself.
        return [permissions.IsAuthenticated()]

    # Tokens only: a login must not trip over a browser session's CSRF check.
    authentication_classes = [PersonalTokenAuthentication]
    # Password guessing is slowed here, and stopped by the login lockout (api.lockout).
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            403: OpenApiResponse(
                description="Locked out after repeated failed logins (code `locked_out`); "
                "`Retry-After` says when to try again."
            ),
        },
        summary="Get an API token",
        description="Exchange your e-mail address and password for a new read-write personal "
        "token, listed on your API tokens page (/account/tokens/). Send it as "
        "`Authorization: Bearer <token>` (or `Token <token>`). It expires after 30 days (the "
        "`API_LOGIN_TOKEN_DAYS` setting; `expires_at` says when). Give a `name` to keep one token "
        "per script: a login with the name of an existing token revokes that token and returns "
        "a new one. `DELETE` revokes the token a request is made with.",
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = create_login_token(
            user=serializer.validated_data["user"], name=serializer.validated_data.get("name", "")
        )
        return Response({"token": key, "name": token.name, "expires_at": token.expires_at})

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Revoke your API token",
        description="Revokes the token this request is made with; your other tokens keep working.",
    )
    def delete(self, request):
        # Only a token can authenticate here; `force_authenticate` in tests comes without one.
        if isinstance(request.auth, PersonalToken):
            revoke_token(token=request.auth, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
