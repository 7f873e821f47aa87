"""The treasurer's exports page under /c/<slug>/books/exports/: download the journal as CSV,
DATEV or beancount for a year, a month or two days, and save the DATEV numbers. Other members
get 403. A refused download (a bad date, a period without entries, books DATEV cannot read)
shows the page again with the reason next to the field (400 or 409), and no file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from books import services
from books.export_forms import DatevNumbersForm, ExportForm
from books.exports.files import FORMATS, export
from books.models import BooksSettings
from coop import access
from coop.errors import DomainError
from coop.forms import refuse_form
from coop.models import Member

# The form's names of the period's fields, and the names the API and the service use.
PERIOD_FIELDS = {"year": "year", "month": "month", "start": "from", "end": "to"}


def _treasurer(request: HttpRequest, coop_slug: str) -> Member:
    return access.treasurer_or_403(request, coop_slug, _("Only the treasurer exports the books."))


def _page(request, member, export_form=None, datev_form=None, status=200) -> HttpResponse:
    settings = BooksSettings.objects.filter(cooperative=member.cooperative).first()
    if datev_form is None:
        datev_form = DatevNumbersForm(
            initial={
                "datev_consultant_number": settings and settings.datev_consultant_number,
                "datev_client_number": settings and settings.datev_client_number,
            }
        )
    context = {
        "member": member,
        "cooperative": member.cooperative,
        "is_treasurer": True,
        "section": "exports",  # books/_subnav.html
        "settings": settings,
        "formats": FORMATS,
        "export_form": export_form or ExportForm(initial={"format": "csv"}),
        "datev_form": datev_form,
    }
    return render(request, "books/exports.html", context, status=status)


@login_required
def exports(request: HttpRequest, coop_slug: str) -> HttpResponse:
    return _page(request, _treasurer(request, coop_slug))


@login_required
def download(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _treasurer(request, coop_slug)
    form = ExportForm(request.GET)
    raw = {api: request.GET.get(name, "") for name, api in PERIOD_FIELDS.items()}
    aliases = {api: name for name, api in PERIOD_FIELDS.items()}
    try:
        file = export(actor=member, format=request.GET.get("format", ""), params=raw)
    except DomainError as error:
        form.is_valid()
        status = refuse_form(form, error, aliases)
        return _page(request, member, export_form=form, status=status)
    response = StreamingHttpResponse(file.chunks, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@login_required
@require_POST
def datev_numbers(request: HttpRequest, coop_slug: str) -> HttpResponse:
    member = _treasurer(request, coop_slug)
    form = DatevNumbersForm(request.POST)
    if form.is_valid():
        try:
            services.save_datev_numbers(
                actor=member, cooperative=member.cooperative,
                consultant_number=form.cleaned_data["datev_consultant_number"],
                client_number=form.cleaned_data["datev_client_number"],
            )  # fmt: skip
        except DomainError as error:
            return _page(request, member, datev_form=form, status=refuse_form(form, error))
        messages.success(request, _("Saved the DATEV numbers."))
        return redirect("books-exports", coop_slug)
    return _page(request, member, datev_form=form, status=400)
