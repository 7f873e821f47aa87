"""Permissions: what a token's scope allows, and what a member's role in the co-op allows."""

from rest_framework import permissions

from api.models import PersonalToken


class TokenScope(permissions.BasePermission):
    """A read-only personal token may read, never write, whatever the view and the role."""

    message = "This token is read-only: create a read-write token to change anything."
    code = "read_only_token"

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, PersonalToken) or not token.read_only:
            return True
        return request.method in permissions.SAFE_METHODS


class HasCoopRole(permissions.BasePermission):
    """Safe methods for any member; other methods for members holding one of `write_roles`.

    The viewset sets `write_roles` (empty = any member may write; services check the details).
    """

    message = "Your role in this co-op does not allow this."

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if getattr(view, request.method.lower(), None) is None:
            return True  # a method the route does not have: the view answers 405
        roles = getattr(view, "write_roles", ())
        return not roles or view.membership.has_role(*roles)
