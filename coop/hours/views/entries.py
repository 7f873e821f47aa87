"""The list of time entries by month, and editing, deleting or correcting (a locked month) one."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coop.clock import today_in
from coop.durations import format_minutes
from coop.errors import DomainError
from coop.hours import selectors, services
from coop.hours.forms import AdjustmentForm, EntryForm
from coop.hours.views.week import subject_of
from coop.models import Member, Project, TimeEntry
from coop.months import month_bounds, parse_month
from coop.selectors import membership_or_404


@login_required
def entries(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    subject = subject_of(viewer, request.GET.get("member")) if request.GET.get("member") else None
    today = today_in(viewer.cooperative)
    try:
        month = (
            parse_month(request.GET["month"]) if request.GET.get("month") else today.replace(day=1)
        )
    except ValueError as error:
        messages.error(request, str(error))
        month = today.replace(day=1)
    day, project = _day_and_project(request.GET, viewer)
    if day is not None:
        month = day.replace(day=1)
    first, last = month_bounds(month)
    rows = selectors.visible_entries(viewer).filter(date__range=(first, last))
    if subject is not None:
        rows = rows.filter(member=subject)
    if day is not None:
        rows = rows.filter(date=day)
    if project is not None:
        rows = rows.filter(project=project)
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
            "day": day,
            "project": project,
        },
    )


def _day_and_project(query, viewer: Member) -> tuple[datetime.date | None, Project | None]:
    """The list narrowed to one day and one project (a grid cell that holds several entries)."""
    try:
        day = datetime.date.fromisoformat(query.get("day", ""))
    except ValueError:
        day = None
    project_id = query.get("project", "")
    project = (
        Project.objects.filter(cooperative_id=viewer.cooperative_id, pk=project_id).first()
        if project_id.isdigit()
        else None
    )
    return day, project


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
        "billable": "yes" if entry.billable else "no",
    }
    form = EntryForm(
        request.POST or None, cooperative=viewer.cooperative, entry=entry, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        flag = {} if data.get("billable") is None else {"billable": data["billable"]}
        try:
            services.update_time_entry(
                actor=viewer, entry=entry, project=data["project"], date=data["date"],
                minutes=data["duration"], description=data["description"], **flag,
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
