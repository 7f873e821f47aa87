"""The running timer: start, stop (logs the time) and discard; back to the page it was used on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.durations import format_minutes
from coop.errors import DomainError
from coop.hours import timers
from coop.models import Project
from coop.selectors import membership_or_404


def _next(request, coop_slug: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("hours", args=[coop_slug])


@login_required
@require_POST
def timer_start(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    project = Project.objects.filter(
        cooperative=viewer.cooperative, pk=request.POST.get("project") or 0
    ).first()
    if project is None:
        messages.error(request, _("Choose a project to start the timer."))
        return redirect(_next(request, coop_slug))
    try:
        timers.start_timer(
            actor=viewer, project=project, description=request.POST.get("description", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Timer started on %(project)s.") % {"project": project.name})
    return redirect(_next(request, coop_slug))


@login_required
@require_POST
def timer_stop(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    try:
        logged = timers.stop_timer(actor=viewer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if logged:
            total = sum(entry.minutes for entry in logged)
            messages.success(
                request,
                _("Logged %(time)s on %(project)s.")
                % {"time": format_minutes(total), "project": logged[0].project.name},
            )
        else:
            messages.info(request, _("The timer ran less than a minute: nothing was logged."))
    return redirect(_next(request, coop_slug))


@login_required
@require_POST
def timer_discard(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    try:
        timers.discard_timer(actor=viewer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The timer was discarded."))
    return redirect(_next(request, coop_slug))
