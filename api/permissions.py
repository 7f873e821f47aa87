"""Role permissions: reads are for every member, writes for the roles a viewset names."""

from rest_framework import permissions


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
        roles = getattr(view, "write_roles", ())
        return not roles or view.membership.has_role(*roles)
