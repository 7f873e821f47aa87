"""Web pages of the core domain: the start page, a co-op's home and its member directory."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from coop import selectors
from coop.portability import export_member


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


@login_required
def my_data(request, coop_slug: str):
    """Everything of mine in this co-op, as a ZIP of JSON files and my payslips."""
    member = selectors.membership_or_404(request.user, coop_slug)
    response = HttpResponse(export_member(member), content_type="application/zip")
    filename = f"{coop_slug}-{member.user.email.split('@')[0]}-my-data.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
