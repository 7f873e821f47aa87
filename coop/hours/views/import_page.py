"""The page that imports hours from a CSV file (Toggl, Harvest, Kimai, Clockify, generic)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from coop.errors import DomainError
from coop.hours.forms import ImportForm
from coop.hours.importing import import_hours
from coop.models.cooperative import Role
from coop.selectors import membership_or_404


@login_required
def import_page(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    may_create = viewer.has_role(Role.ADMIN, Role.TREASURER)
    if not may_create:
        del form.fields["create_missing"]
    report = None
    status = 200
    if request.method == "POST" and not form.is_valid():
        status = form.status  # 413 for a file over the import service's limit, as the API says
    elif request.method == "POST":
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
            status = error.status
    context = {"member": viewer, "form": form, "report": report}
    return render(request, "hours/import.html", context, status=status)
