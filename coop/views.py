"""Web pages of the core domain: the start page, a co-op's home and its member directory."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from coop import selectors


@login_required
def home(request):
    memberships = list(selectors.memberships_of(request.user))
    if len(memberships) == 1:
        return redirect("coop-home", coop_slug=memberships[0].cooperative.slug)
    return render(request, "coop/home.html", {"memberships": memberships})


@login_required
def cooperative_home(request, coop_slug: str):
    member = selectors.membership_or_404(request.user, coop_slug)
    request.session["current_coop"] = coop_slug
    return render(request, "coop/cooperative_home.html", {"member": member})


@login_required
def member_directory(request, coop_slug: str):
    member = selectors.membership_or_404(request.user, coop_slug)
    members = selectors.member_directory(member)
    return render(request, "coop/members.html", {"member": member, "members": members})
