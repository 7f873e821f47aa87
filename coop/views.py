"""Web pages of the core domain: the start page, a co-op's dashboard, its members, invitations.

The dashboard and the members page show panels that governance and payroll register
(coop/dashboard.py): coop never imports them. Where the bylaws leave a decision about a member
to a vote, the members page posts to governance's "propose" page instead of changing anything.
"""

import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import i18n
from django.views.decorators.http import require_POST

from coop import access, departure, invitations, selectors, services
from coop.bylaws import MEMBER_DECISIONS
from coop.dashboard import DASHBOARD, MEMBERS, render_panels
from coop.errors import DomainError, StateConflict
from coop.forms import refuse_form
from coop.member_forms import (
    AcceptInvitationForm,
    InvitationForm,
    ProbationForm,
    RolesForm,
    StatusForm,
)
from coop.models import Invitation, Member
from coop.models.cooperative import MemberStatus, Role
from coop.portability import export_member


def _zone(member: Member) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(member.cooperative.time_zone)


@login_required
def home(request):
    memberships = list(selectors.memberships_of(request.user))
    departed = [
        member
        for member in selectors.departed_memberships_of(request.user)
        if not departure.reads_end(member)  # paid in full: their co-op's pages are closed
    ]
    if len(memberships) == 1 and not departed:
        return redirect("coop-home", coop_slug=memberships[0].cooperative.slug)
    return render(request, "coop/home.html", {"memberships": memberships, "departed": departed})


@login_required
def cooperative_home(request, coop_slug: str):
    """The dashboard: the panels of every app, in the co-op's time zone."""
    member = access.membership(request, coop_slug)
    with timezone.override(_zone(member)):
        panels = render_panels(request, member, DASHBOARD)
        return render(request, "coop/cooperative_home.html", {"member": member, "panels": panels})


# The members page -------------------------------------------------------------------------------


def _members_page(
    request: HttpRequest,
    member: Member,
    *,
    invitation_form: InvitationForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    cooperative = member.cooperative
    shown = request.GET.get("status", "")
    if shown not in MemberStatus.values:
        shown = ""
    members = list(selectors.filtered_directory(member, shown))
    counts = selectors.status_counts(member)
    is_admin = member.has_role(Role.ADMIN)
    with timezone.override(_zone(member)):
        context: dict[str, Any] = {
            "member": member,
            "cooperative": cooperative,
            "members": members,
            "shown_status": shown,
            "statuses": [(value, label, counts[value]) for value, label in MemberStatus.choices],
            "total": sum(counts.values()),
            "is_admin": is_admin,
            "moves_probations": member.has_role(Role.SECRETARY, Role.ADMIN),
            "decides": {key: cooperative.settings[key] for key in MEMBER_DECISIONS},
            "role_choices": Role.choices,
            "status_choices": MemberStatus.choices,
            "admission_choices": [
                (value, label)
                for value, label in MemberStatus.choices
                if value in (MemberStatus.PROBATIONARY, MemberStatus.ACTIVE)
            ],
            "problem": problem,
            "panels": render_panels(request, member, MEMBERS),
        }
        if is_admin:
            context["invitation_form"] = invitation_form or InvitationForm()
            context["invitations"] = list(selectors.open_invitations(member))
            context["invitation_days"] = invitations.INVITATION_DAYS
        return render(request, "coop/members.html", context, status=status)


@login_required
def member_directory(request, coop_slug: str):
    member = access.membership(request, coop_slug)
    return _members_page(request, member)


@login_required
@require_POST
def invite(request, coop_slug: str):
    member = access.membership(request, coop_slug)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, member, invitation_form=form, status=400)
    try:
        invitation, _token = invitations.invite_member(
            cooperative=member.cooperative,
            actor=member,
            email=form.cleaned_data["email"],
            roles=form.cleaned_data["roles"],
        )
    except DomainError as error:
        status = refuse_form(form, error)
        # Only admins see the form; anyone else is told why on the page.
        problem = "" if member.has_role(Role.ADMIN) else error.message
        return _members_page(request, member, invitation_form=form, problem=problem, status=status)
    messages.success(
        request,
        ngettext(
            "An invitation was sent to %(email)s. The link is valid for %(days)d day.",
            "An invitation was sent to %(email)s. The link is valid for %(days)d days.",
            invitations.INVITATION_DAYS,
        )
        % {"email": invitation.email, "days": invitations.INVITATION_DAYS},
    )
    return redirect("coop-members", coop_slug)


def _invitation_change(request: HttpRequest, coop_slug: str, pk: int, change: str):
    member = access.membership(request, coop_slug)
    invitation = selectors.invitation_or_404(member, pk)
    try:
        if change == "resend":
            invitations.resend_invitation(invitation=invitation, actor=member)
            done = _("A new link was sent to %(email)s; the previous one no longer works.")
        else:
            invitations.revoke_invitation(invitation=invitation, actor=member)
            done = _("The invitation to %(email)s was revoked.")
    except DomainError as error:
        return _members_page(request, member, problem=error.message, status=error.status)
    messages.success(request, done % {"email": invitation.email})
    return redirect("coop-members", coop_slug)


@login_required
@require_POST
def invitation_resend(request, coop_slug: str, pk: int):
    return _invitation_change(request, coop_slug, pk, "resend")


@login_required
@require_POST
def invitation_revoke(request, coop_slug: str, pk: int):
    return _invitation_change(request, coop_slug, pk, "revoke")


def _member_change(request: HttpRequest, coop_slug: str, pk: int, form_class, change):
    """A direct change of a member from the members page, where the bylaws let admins make it:
    `change(actor, other, cleaned_data)` calls the service and returns the message to show."""
    member = access.membership(request, coop_slug)
    other = selectors.member_or_404(member, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        field, problems = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else ""
        problem = f"{label}: {problems[0]}" if label else problems[0]
        return _members_page(request, member, problem=problem, status=400)
    try:
        done = change(member, other, form.cleaned_data)
    except DomainError as error:
        return _members_page(request, member, problem=error.message, status=error.status)
    messages.success(request, done)
    return redirect("coop-members", coop_slug)


@login_required
@require_POST
def member_status(request, coop_slug: str, pk: int):
    def change(actor: Member, other: Member, data: dict) -> str:
        services.change_member_status(
            member=other, actor=actor, status=data["status"], effective_on=data["effective_on"]
        )
        return _("%(name)s is now %(status)s.") % {
            "name": other.display_name,
            "status": MemberStatus(data["status"]).label,
        }

    return _member_change(request, coop_slug, pk, StatusForm, change)


@login_required
@require_POST
def member_roles(request, coop_slug: str, pk: int):
    def change(actor: Member, other: Member, data: dict) -> str:
        services.update_member(member=other, actor=actor, roles=data["roles"])
        return _("The roles of %(name)s were saved.") % {"name": other.display_name}

    return _member_change(request, coop_slug, pk, RolesForm, change)


@login_required
@require_POST
def member_probation(request, coop_slug: str, pk: int):
    """The secretary (or an admin) moves the end of a member's probation: to extend it."""

    def change(actor: Member, other: Member, data: dict) -> str:
        services.update_member(member=other, actor=actor, probation_ends_on=data["ends_on"])
        return _("The probation of %(name)s was saved.") % {"name": other.display_name}

    return _member_change(request, coop_slug, pk, ProbationForm, change)


# The invitation link ----------------------------------------------------------------------------


def _gone(request: HttpRequest, invitation: Invitation | None) -> HttpResponse:
    """A clear page for a link that cannot be used: 404 if unknown, 410 if used up."""
    if invitation is None:
        reason, status = "unknown", 404
    else:
        reason, status = invitation.state, 410
    return render(
        request,
        "coop/invitations/gone.html",
        {"reason": reason, "invitation": invitation},
        status=status,
    )


def invitation_accept(request, token: str):
    """The invitee's page: set a name and password, or (with an account) log in and accept."""
    invitation = invitations.invitation_for_token(token)
    if invitation is None or invitation.state != Invitation.State.PENDING:
        return _gone(request, invitation)
    signed_in = request.user.is_authenticated
    wrong_account = signed_in and request.user.email.lower() != invitation.email.lower()
    needs_account = not signed_in and invitations.needs_account(invitation)
    form = AcceptInvitationForm(request.POST or None) if needs_account else None
    status = 200
    problem = ""
    if request.method == "POST" and not wrong_account:
        if form is not None and not form.is_valid():
            status = 400
        elif form is None and not signed_in:
            problem = _("You already have an account: log in to accept.")
            status = 403
        else:
            try:
                joined = invitations.accept_invitation(
                    token=token,
                    user=request.user if signed_in else None,
                    full_name=form.cleaned_data["full_name"] if form else "",
                    password=form.cleaned_data["password"] if form else "",
                )
            except StateConflict as error:
                if error.code == "expired" or not Invitation.objects.get(pk=invitation.pk).is_open:
                    return _gone(request, Invitation.objects.get(pk=invitation.pk))
                problem, status = error.message, error.status
            except DomainError as error:
                if form is not None:
                    status = refuse_form(form, error)
                else:
                    problem, status = error.message, error.status
            else:
                if not signed_in:
                    login(request, joined.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _("Welcome to %(coop)s!") % {"coop": joined.cooperative.name}
                    + " "
                    + (
                        _("You joined as an applicant: the members vote on your admission.")
                        if joined.status == MemberStatus.APPLICANT
                        else _("You joined as a %(status)s member.")
                        % {"status": joined.get_status_display()}
                    ),
                )
                return redirect("coop-home", joined.cooperative.slug)
    context = {
        "invitation": invitation,
        "form": form,
        "wrong_account": wrong_account,
        "needs_login": not signed_in and not needs_account,
        "problem": problem,
    }
    with timezone.override(zoneinfo.ZoneInfo(invitation.cooperative.time_zone)):
        return render(request, "coop/invitations/accept.html", context, status=status)


@login_required
def my_data(request, coop_slug: str):
    """Everything of mine in this co-op, as a ZIP of JSON files and my payslips."""
    member = access.membership(request, coop_slug, departed_ok=True)
    response = HttpResponse(export_member(member), content_type="application/zip")
    filename = f"{coop_slug}-{member.user.email.split('@')[0]}-my-data.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def set_language(request):
    """Django's set_language, which keeps the choice in a cookie; for a person who is logged in,
    the choice is also the language of their payslips and e-mails (Member.language)."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.remember_language(request.user, language)
    return response


class LoginView(auth_views.LoginView):
    """The login page; on a browser that has no language chosen yet, the person's own language
    (the one their payslips are written in) becomes the page's."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES:
            language = services.preferred_language(form.get_user())
            if language:
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    domain=settings.LANGUAGE_COOKIE_DOMAIN,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                )
        return response
