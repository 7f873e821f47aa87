"""Tenant scoping: every route under /coops/{slug}/ resolves the caller's membership or 404s."""

from functools import cached_property

from django.http import Http404
from rest_framework.request import Request

from coop.models import Cooperative, Member


def membership_for(request: Request, slug: str) -> Member:
    """The caller's current membership in the co-op, or 404 (never 403: we do not say it exists)."""
    if not request.user or not request.user.is_authenticated:
        raise Http404
    member = (
        Member.objects.current()
        .select_related("cooperative", "user")
        .filter(cooperative__slug=slug, user=request.user)
        .first()
    )
    if member is None:
        raise Http404
    return member


class CooperativeScopedMixin:
    """For viewsets routed under `coops/<coop_slug>/`: `self.membership` and `self.cooperative`."""

    request: Request
    kwargs: dict

    @cached_property
    def membership(self) -> Member:
        return membership_for(self.request, self.kwargs["coop_slug"])

    @property
    def cooperative(self) -> Cooperative:
        return self.membership.cooperative

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.user.is_authenticated and "coop_slug" in kwargs:
            self.membership  # noqa: B018 -- resolve tenancy before anything else answers
