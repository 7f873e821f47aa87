"""The week grid of a member's hours: the page, a cell, the whole week, and quick add.

Admins and the treasurer see (and admins edit) another member's week with `?member=`.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coop.clock import today_in
from coop.durations import format_minutes
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.hours import selectors, services
from coop.hours.forms import EntryForm, read_cell, week_start
from coop.locale_formats import format_short_day
from coop.models import Member, Project
from coop.models.cooperative import Role
from coop.selectors import membership_or_404


def subject_of(viewer: Member, member_id: str | None) -> Member:
    """Whose hours the page shows: the viewer's, or (admins, treasurer) another member's."""
    if not member_id or str(viewer.pk) == member_id:
        return viewer
    if not selectors.sees_everyones_hours(viewer) or not member_id.isdigit():
        raise Http404
    member = Member.objects.filter(cooperative_id=viewer.cooperative_id, pk=member_id).first()
    if member is None:
        raise Http404
    return member


def _can_edit(viewer: Member, subject: Member) -> bool:
    return viewer.pk == subject.pk or viewer.has_role(Role.ADMIN)


def _board(viewer: Member, subject: Member, monday: datetime.date) -> dict:
    cooperative = viewer.cooperative
    today = today_in(cooperative)
    grid = selectors.week_grid(subject, monday)
    locked = services.locked_months(cooperative)
    month = monday.replace(day=1) if monday.month == (monday + datetime.timedelta(6)).month else (
        (monday + datetime.timedelta(6)).replace(day=1)
    )  # fmt: skip
    summary = selectors.month_by_project(subject, month)
    return {
        "grid": grid,
        "days": [
            {"date": day, "locked": day.replace(day=1) in locked, "future": day > today}
            for day in grid.days
        ],
        "summary": summary,
        "month": month,
        "subject": subject,
        "can_edit": _can_edit(viewer, subject),
        "today": today,
        "monday": monday,
    }


@login_required
def my_hours(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    subject = subject_of(viewer, request.GET.get("member"))
    today = today_in(viewer.cooperative)
    day = _day(request.GET.get("day"))
    monday = week_start(request.GET.get("week"), day or today)
    form = EntryForm(cooperative=viewer.cooperative, initial={"date": today})
    return _hours_page(request, viewer, subject, monday, form, day=day)


def _hours_page(
    request,
    viewer: Member,
    subject: Member,
    monday: datetime.date,
    form,
    status: int = 200,
    day: datetime.date | None = None,
):
    """The week grid and the quick-add form: empty, or as typed when it was refused."""
    today = today_in(viewer.cooperative)
    context = {
        "member": viewer,
        **_board(viewer, subject, monday),
        **_day_view(monday, day, today),
        "form": form,
        "previous_week": monday - datetime.timedelta(days=7),
        "next_week": monday + datetime.timedelta(days=7),
        "this_week": week_start(None, today),
        "colleagues": (
            Member.objects.current().filter(cooperative=viewer.cooperative).select_related("user")
            if selectors.sees_everyones_hours(viewer)
            else []
        ),
    }
    return render(request, "hours/my_hours.html", context, status=status)


def _day(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _day_view(monday: datetime.date, day: datetime.date | None, today: datetime.date) -> dict:
    """The day a phone shows of the week (one column of the grid, by CSS): the one asked for
    with `?day=`, else today if it is in the week, else Monday; and the days either side."""
    week = [monday + datetime.timedelta(days=offset) for offset in range(7)]
    shown = day if day in week else today if today in week else monday
    return {
        "shown_day": shown,
        "shown_index": week.index(shown),
        "previous_day": shown - datetime.timedelta(days=1),
        "next_day": shown + datetime.timedelta(days=1),
    }


def _back_to_hours(coop_slug: str, subject: Member, viewer: Member, monday: datetime.date):
    url = reverse("hours", args=[coop_slug]) + f"?week={monday.isoformat()}"
    if subject.pk != viewer.pk:
        url += f"&member={subject.pk}"
    return redirect(url)


@login_required
@require_POST
def save_cell(request, coop_slug: str):
    """One grid cell (HTMX): saved in place, with the totals and the month summary updated."""
    viewer = membership_or_404(request.user, coop_slug)
    subject = subject_of(viewer, request.POST.get("member"))
    project = Project.objects.filter(
        cooperative=viewer.cooperative, pk=request.POST.get("project") or 0
    ).first()
    try:
        day = datetime.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        day = None
    if project is None or day is None:
        raise Http404
    error = ""
    try:
        minutes = read_cell(request.POST.get("value", ""))
        services.set_cell_minutes(
            actor=viewer, member=subject, project=project, date=day, minutes=minutes
        )
    except ValidationError as problem:
        error = " ".join(problem.messages)
    except DomainError as problem:
        error = problem.message
    monday = day - datetime.timedelta(days=day.weekday())
    if not request.headers.get("HX-Request"):
        if error:
            messages.error(request, error)
        return _back_to_hours(coop_slug, subject, viewer, monday)
    board = _board(viewer, subject, monday)
    row = next(row for row in board["grid"].rows if row.project.pk == project.pk)
    index = board["grid"].days.index(day)
    response = render(
        request,
        "hours/_cell_response.html",
        {
            **board,
            "member": viewer,
            "row": row,
            "day": board["days"][index],
            "minutes": row.cells[index],
            "count": row.counts[index],
            "index": index,
            "error": error,
            "typed": request.POST.get("value", "") if error else None,
        },
    )
    return response


def _cell_name(project: Project, day: datetime.date) -> str:
    """A cell as the member reads it in a message: "Portal, Tue, Dec 8"."""
    return f"{project.name}, {format_short_day(day)}"


@login_required
@require_POST
def save_week(request, coop_slug: str):
    """The grid without JavaScript: every changed cell, through the same service."""
    viewer = membership_or_404(request.user, coop_slug)
    subject = subject_of(viewer, request.POST.get("member"))
    monday = week_start(request.POST.get("week"), today_in(viewer.cooperative))
    projects = {p.pk: p for p in Project.objects.filter(cooperative=viewer.cooperative)}
    saved, problems = 0, []
    for key, value in request.POST.items():
        if not key.startswith("cell-"):
            continue
        _prefix, project_id, iso_day = key.split("-", 2)
        if value.strip() == request.POST.get(f"orig-{project_id}-{iso_day}", "").strip():
            continue
        project = projects.get(int(project_id)) if project_id.isdigit() else None
        try:
            day = datetime.date.fromisoformat(iso_day)
        except ValueError as error:
            problems.append(f"{project.name if project else '?'}, {iso_day}: {error}")
            continue
        if project is None:
            raise Http404
        try:
            services.set_cell_minutes(
                actor=viewer, member=subject, project=project, date=day,
                minutes=read_cell(value),
            )  # fmt: skip
            saved += 1
        except ValidationError as problem:
            problems.append(f"{_cell_name(project, day)}: {' '.join(problem.messages)}")
        except DomainError as problem:
            problems.append(f"{_cell_name(project, day)}: {problem.message}")
    if saved:
        messages.success(
            request,
            ngettext("Saved %(count)d cell.", "Saved %(count)d cells.", saved) % {"count": saved},
        )
    for problem in problems:
        messages.error(request, problem)
    return _back_to_hours(coop_slug, subject, viewer, monday)


@login_required
@require_POST
def quick_add(request, coop_slug: str):
    """Log one entry; a refusal shows the page again with what was typed and why."""
    viewer = membership_or_404(request.user, coop_slug)
    subject = subject_of(viewer, request.POST.get("member"))
    form = EntryForm(request.POST, cooperative=viewer.cooperative)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.log_time(
                actor=viewer, member=subject, project=data["project"], date=data["date"],
                minutes=data["duration"], description=data["description"],
                billable=data.get("billable"),
            )  # fmt: skip
        except DomainError as error:
            status = refuse_form(form, error, {"minutes": "duration"})
        else:
            messages.success(
                request,
                _("Logged %(time)s on %(project)s.")
                % {"time": format_minutes(entry.minutes), "project": entry.project.name},
            )
            return _back_to_hours(
                coop_slug, subject, viewer, week_start(entry.date.isoformat(), entry.date)
            )
    today = today_in(viewer.cooperative)
    typed = form.cleaned_data.get("date") if hasattr(form, "cleaned_data") else None
    monday = week_start(typed.isoformat() if typed and typed <= today else None, today)
    return _hours_page(request, viewer, subject, monday, form, status)
