"""The page that imports hours from a CSV file (Toggl, Harvest, Kimai, Clockify, generic).

A file the page has read and not imported yet (a dry run, or rows refused) is kept on the
server (`coop.hours.kept_imports`), so that Import after a dry run needs no second upload.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from coop.errors import DomainError
from coop.hours import kept_imports
from coop.hours.forms import ImportForm
from coop.hours.importing import import_hours
from coop.models import Member
from coop.models.cooperative import Role
from coop.selectors import membership_or_404


@login_required
def import_page(request, coop_slug: str):
    viewer = membership_or_404(request.user, coop_slug)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    may_create = viewer.has_role(Role.ADMIN, Role.TREASURER)
    if not may_create:
        del form.fields["create_missing"]
    report = None
    status = 200
    kept = None  # {"token": …, "name": …} of a file read and kept for the next step
    if posted and not form.is_valid():
        status = form.status  # 413 for a file over the import service's limit, as the API says
    elif posted:
        data = form.cleaned_data
        upload = _the_file(viewer, form, request.POST.get("kept", ""))
        if upload is None:
            status = 400
        else:
            content, name, token = upload
            try:
                report = import_hours(
                    cooperative=viewer.cooperative,
                    actor=viewer,
                    data=content,
                    create_missing=data.get("create_missing", False),
                    skip_invalid=data["skip_invalid"],
                    dry_run=data["dry_run"],
                    date_order=data["date_order"] or None,
                )
            except DomainError as error:
                form.add_error("file", error.message)
                status = error.status
            else:
                kept = _keep_for_next_step(viewer, report, content, name, token)
    context = {"member": viewer, "form": form, "report": report, "kept": kept}
    return render(request, "hours/import.html", context, status=status)


def _the_file(viewer: Member, form: ImportForm, token: str) -> tuple[bytes, str, str] | None:
    """The export to read: the one uploaded now, else the one kept after the last step (with
    its token); None, with the error on the form, if there is neither."""
    upload = form.cleaned_data.get("file")
    if upload:
        return upload.read(), upload.name, ""
    if token:
        found = kept_imports.kept(viewer, token)
        if found is not None:
            return found[0], found[1], token
        form.add_error("file", _("The file you checked is kept for an hour only: choose it again."))
        return None
    form.add_error("file", _("Choose the CSV export to import."))
    return None


def _keep_for_next_step(viewer, report, content: bytes, name: str, token: str) -> dict | None:
    if report.written:
        if token:
            kept_imports.forget(viewer, token)
        return None
    if not report.created:  # nothing in it to import: nothing to keep
        return None
    return {"token": token or kept_imports.keep(viewer, content, name), "name": name}
