"""Tenant scoping: every route under /coops/{slug}/ resolves the caller's membership or 404s."""

from functools import cached_property

from django.http import Http404
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

from coop import departure
from coop.models import Cooperative, Member
from coop.models.cooperative import MemberStatus

# The largest key a bigint column holds (api.filters.IdFilter's bound too).
MAX_ID = 2**63 - 1


def membership_for(request: Request, slug: str, *, departed_ok: bool = False) -> Member:
    """The caller's current membership in the co-op, or 404 (never 403: we do not say it exists).

    A departed member is found only for the reads that stay open to them (`departed_ok`).
    """
    if not request.user or not request.user.is_authenticated:
        raise Http404
    found = getattr(request, "memberships_found", {}).get(slug)
    if found is not None and found.user_id == request.user.pk:  # read with the token
        if found.status == MemberStatus.DEPARTED and (
            not departed_ok or departure.reads_end(found)
        ):
            raise Http404
        return found
    members = Member.objects.all() if departed_ok else Member.objects.current()
    member = (
        members.select_related("cooperative", "user")
        .filter(cooperative__slug=slug, user=request.user)
        .first()
    )
    if member is None or departure.reads_end(member):
        raise Http404
    return member


class CooperativeScopedMixin:
    """For viewsets routed under `coops/<coop_slug>/`: `self.membership` and `self.cooperative`."""

    request: Request
    kwargs: dict
    # The actions a departed member may still call (reads only): their own payslips and capital
    # account, the published decisions. Everything else answers them 404.
    departed_may: tuple[str, ...] = ()

    @cached_property
    def membership(self) -> Member:
        departed_ok = (
            getattr(self, "action", None) in self.departed_may
            and self.request.method in SAFE_METHODS
        )
        return membership_for(self.request, self.kwargs["coop_slug"], departed_ok=departed_ok)

    @property
    def cooperative(self) -> Cooperative:
        return self.membership.cooperative

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.user.is_authenticated and "coop_slug" in kwargs:
            self.membership  # noqa: B018 -- resolve tenancy before anything else answers
        # An id in the path that no key can hold (invoices/99…9/lines/) names nothing: a 404,
        # not the database's overflow.
        for name, value in kwargs.items():
            is_id = name == "pk" or name.endswith("_id")
            if is_id and str(value).isdigit() and int(value) > MAX_ID:
                raise Http404
