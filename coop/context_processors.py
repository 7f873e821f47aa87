"""Template context shared by every page: the co-ops the user belongs to, the nav, the timer."""

from functools import cached_property

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from coop import clock
from coop.models import Member, Project, RunningTimer
from coop.selectors import memberships_of

# Top-level sections of a co-op's pages: (name, URL name). A section whose URL is not routed
# (an app not installed yet) is left out of the nav instead of breaking every page.
SECTIONS = (
    ("hours", "hours"),
    ("proposals", "proposals"),
    ("money", "money-overview"),
    ("billing", "billing-invoices"),
    ("bank", "bank-accounts"),
    ("books", "books-balances"),
)


def _memberships(request) -> tuple[list[Member], Member | None]:
    """The user's memberships and the one the page is about; computed once per request."""
    cached = getattr(request, "_cooperage_memberships", None)
    if cached is not None:
        return cached
    memberships = list(memberships_of(request.user))
    slug = (
        getattr(request, "resolver_match", None) and request.resolver_match.kwargs.get("coop_slug")
    ) or request.session.get("current_coop")
    current = next((m for m in memberships if m.cooperative.slug == slug), None)
    if current is None and memberships:
        current = memberships[0]
    request._cooperage_memberships = (memberships, current)
    return memberships, current


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def current_cooperative(request):
    if not _signed_in(request):
        return {}
    memberships, current = _memberships(request)
    return {"my_memberships": memberships, "current_membership": current}


def _section_urls(slug: str) -> dict[str, str]:
    urls = {}
    for section, url_name in SECTIONS:
        try:
            urls[section] = reverse(url_name, args=[slug])
        except NoReverseMatch:
            continue
    return urls


def _current_section(path: str, slug: str, urls: dict[str, str]) -> str:
    home = reverse("coop-home", args=[slug])
    if path == home:
        return "dashboard"
    if path.startswith(reverse("coop-members", args=[slug])):
        return "members"
    # A section is the first folder under the co-op's home: /c/<slug>/money/ for the money pages,
    # whose overview is only one of them.
    for section, url in urls.items():
        if url.startswith(home) and path.startswith(home + url[len(home) :].split("/")[0] + "/"):
            return section
    return ""


def navigation(request):
    """Links to the co-op's sections, which one the page belongs to (aria-current), and
    whether to link the Django admin."""
    if not _signed_in(request):
        return {}
    # Only staff can sign in to the Django admin (treasurers and admins of a co-op who use it
    # are made staff): a link the reader cannot follow would only lead to a login page.
    context = {"nav_admin": request.user.is_active and request.user.is_staff}
    _, current = _memberships(request)
    if current is None:
        return context
    slug = current.cooperative.slug
    urls = _section_urls(slug)
    context.update(nav_urls=urls, nav_section=_current_section(request.path, slug, urls))
    return context


class HeaderTimer:
    """The member's running timer for the header; read only when a page shows it."""

    def __init__(self, member: Member):
        self.member = member

    @cached_property
    def running(self) -> RunningTimer | None:
        return (
            RunningTimer.objects.filter(member=self.member)
            .select_related("project__client")
            .first()
        )

    @property
    def elapsed_seconds(self) -> int:
        if self.running is None:
            return 0
        return max(0, int((clock.now() - self.running.started_at).total_seconds()))

    @cached_property
    def projects(self) -> QuerySet[Project]:
        from coop.hours.forms import project_choices

        return project_choices(self.member.cooperative)


def running_timer(request):
    if not _signed_in(request):
        return {}
    _, current = _memberships(request)
    return {"timer": HeaderTimer(current)} if current is not None else {}
