"""Token login for scripts: POST e-mail and password for a token, DELETE to revoke it."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.core import TokenRequestSerializer, TokenSerializer


class TokenView(APIView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    # Tokens only: a login must not trip over a browser session's CSRF check.
    authentication_classes = [TokenAuthentication]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        summary="Get an API token",
        description="Exchange your e-mail address and password for a token. Send it as "
        "`Authorization: Token <token>`.",
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
