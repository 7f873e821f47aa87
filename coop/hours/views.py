"""Web pages for hours: the week grid, quick add, entries, corrections, import, the timer."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.clock import today_in
from coop.errors import DomainError
from coop.hours import selectors, services
from coop.hours.durations import DurationError, format_minutes, parse_duration
from coop.hours.forms import AdjustmentForm, EntryForm, ImportForm, week_start
from coop.hours.importing import import_hours
from coop.models import Member, Project, TimeEntry
from coop.models.cooperative import Role
from coop.months import month_bounds, parse_month
from coop.selectors import membership_or_404


def _subject(viewer: Member, member_id: str | None) -> Member:
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
    subject = _subject(viewer, request.GET.get("member"))
    today = today_in(viewer.cooperative)
    monday = week_start(request.GET.get("week"), today)
    form = EntryForm(cooperative=viewer.cooperative, initial={"date": today})
    context = {
        "member": viewer,
        **_board(viewer, subject, monday),
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
    return render(request, "hours/my_hours.html", context)


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
    subject = _subject(viewer, request.POST.get("member"))
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
        minutes = parse_duration(request.POST.get("value", ""))
        services.set_cell_minutes(
            actor=viewer, member=subject, project=project, date=day, minutes=minutes
        )
    except DurationError as problem:
        error = str(problem)
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
            "index": index,
            "error": error,
            "typed": request.POST.get("value", "") if error else None,
        },
    )
    return response


@login_required
@require_POST
def save_week(request, coop_slug: str):
    """The grid without JavaScript: every changed cell, through the same service."""
    viewer = membership_or_404(request.user, coop_slug)
    subject = _subject(viewer, request.POST.get("member"))
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
            if project is None:
                raise Http404
            services.set_cell_minutes(
                actor=viewer, member=subject, project=project, date=day,
                minutes=parse_duration(value),
            )  # fmt: skip
            saved += 1
        except (DurationError, DomainError, ValueError) as problem:
            text = getattr(problem, "message", str(problem))
            problems.append(f"{project.name if project else '?'}, {iso_day}: {text}")
    if saved:
        messages.success(request, _("Saved %(count)d cells.") % {"count": saved})
    for problem in problems:
        messages.error(request, problem)
    return _back_to_hours(coop_slug, subject, viewer, monday)


@login_required
@require_POST
def quick_add(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    subject = _subject(viewer, request.POST.get("member"))
    form = EntryForm(request.POST, cooperative=viewer.cooperative)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.log_time(
                actor=viewer, member=subject, project=data["project"], date=data["date"],
                minutes=data["duration"], description=data["description"],
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Logged %(time)s on %(project)s.")
                % {"time": format_minutes(entry.minutes), "project": entry.project.name},
            )
            return _back_to_hours(
                coop_slug, subject, viewer, week_start(entry.date.isoformat(), entry.date)
            )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}")
    return _back_to_hours(
        coop_slug, subject, viewer, week_start(None, today_in(viewer.cooperative))
    )


@login_required
def entries(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    subject = _subject(viewer, request.GET.get("member")) if request.GET.get("member") else None
    today = today_in(viewer.cooperative)
    try:
        month = (
            parse_month(request.GET["month"]) if request.GET.get("month") else today.replace(day=1)
        )
    except ValueError as error:
        messages.error(request, str(error))
        month = today.replace(day=1)
    first, last = month_bounds(month)
    rows = selectors.visible_entries(viewer).filter(date__range=(first, last))
    if subject is not None:
        rows = rows.filter(member=subject)
    locked = services.locked_months(viewer.cooperative)
    return render(
        request,
        "hours/entries.html",
        {
            "member": viewer,
            "entries": rows.order_by("-date", "-id"),
            "month": month,
            "month_locked": month in locked,
            "previous_month": (first - datetime.timedelta(days=1)).replace(day=1),
            "next_month": last + datetime.timedelta(days=1),
            "subject": subject,
            "sees_all": selectors.sees_everyones_hours(viewer),
            "total": sum(entry.minutes for entry in rows),
        },
    )


def _entry(viewer: Member, entry_id: int) -> TimeEntry:
    entry = selectors.visible_entries(viewer).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def _entries_url(coop_slug: str, entry: TimeEntry) -> str:
    return reverse("hours-entries", args=[coop_slug]) + f"?month={entry.date:%Y-%m}"


@login_required
def edit_entry(request, coop_slug: str, entry_id: int):
    viewer = membership_or_404(request.user, coop_slug)
    entry = _entry(viewer, entry_id)
    initial = {
        "project": entry.project,
        "date": entry.date,
        "duration": format_minutes(entry.minutes),
        "description": entry.description,
    }
    form = EntryForm(
        request.POST or None, cooperative=viewer.cooperative, entry=entry, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_time_entry(
                actor=viewer, entry=entry, project=data["project"], date=data["date"],
                minutes=data["duration"], description=data["description"],
            )  # fmt: skip
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The entry was saved."))
            return redirect(_entries_url(coop_slug, entry))
    return render(
        request, "hours/entry_form.html", {"member": viewer, "form": form, "entry": entry}
    )


@login_required
def delete_entry(request, coop_slug: str, entry_id: int):
    viewer = membership_or_404(request.user, coop_slug)
    entry = _entry(viewer, entry_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.delete_time_entry(actor=viewer, entry=entry)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The entry was deleted."))
    return redirect(_entries_url(coop_slug, entry))


@login_required
def adjust_entry(request, coop_slug: str, entry_id: int):
    """A correction of an entry of a locked month, logged in an open month."""
    viewer = membership_or_404(request.user, coop_slug)
    entry = _entry(viewer, entry_id)
    form = AdjustmentForm(request.POST or None, initial={"date": today_in(viewer.cooperative)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.log_time(
                actor=viewer, member=entry.member, project=entry.project, date=data["date"],
                minutes=data["duration"], description=data["description"], adjusts=entry,
            )  # fmt: skip
        except DomainError as error:
            field = {"minutes": "duration"}.get(error.field or "", error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("The correction was logged."))
            return redirect(reverse("hours-entries", args=[coop_slug]))
    return render(
        request, "hours/adjust_form.html", {"member": viewer, "form": form, "entry": entry}
    )


@login_required
def import_page(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    may_create = viewer.has_role(Role.ADMIN, Role.TREASURER)
    if not may_create:
        del form.fields["create_missing"]
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = import_hours(
                cooperative=viewer.cooperative,
                actor=viewer,
                data=data["file"].read(),
                create_missing=data.get("create_missing", False),
                skip_invalid=data["skip_invalid"],
                dry_run=data["dry_run"],
                date_order=data["date_order"] or None,
            )
        except DomainError as error:
            form.add_error("file", error.message)
    return render(request, "hours/import.html", {"member": viewer, "form": form, "report": report})


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
        services.start_timer(
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
        logged = services.stop_timer(actor=viewer)
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
        services.discard_timer(actor=viewer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The timer was discarded."))
    return redirect(_next(request, coop_slug))
