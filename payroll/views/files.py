"""The files of a distribution: payslips (each member's own, all of them for the treasurer),
the report, the payments CSV and the SEPA file; the read rules are payroll.selectors'.
"""

import io
import zipfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from coop.access import membership
from coop.models import Member
from coop.models.cooperative import Role
from coop.refusals import refused_page
from payroll import document_state, selectors
from payroll.downloads import document_response
from payroll.models import Distribution, DistributionDocument
from payroll.views.access import distribution_url


def _file(document: DistributionDocument) -> HttpResponse:
    return document_response(document)


def _missing(
    request: HttpRequest, distribution: Distribution, kind: str, member: Member | None = None
) -> HttpResponse:
    """Why the file is not there: a 409 with the words the API answers with."""
    error = document_state.document_missing(distribution, kind, member)
    return refused_page(request, error, distribution_url(distribution))


def _document(
    request: HttpRequest, distribution: Distribution, kind: str, member: Member | None = None
) -> HttpResponse:
    document = DistributionDocument.objects.filter(
        distribution=distribution, kind=kind, member=member
    ).first()
    return _file(document) if document else _missing(request, distribution, kind, member)


@login_required
def my_payslip(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    member = membership(request, coop_slug, departed_ok=True)
    distribution, owner = selectors.payslip_for(member, pk, member.pk)
    return _document(request, distribution, DistributionDocument.Kind.PAYSLIP, owner)


@login_required
def member_payslip(request: HttpRequest, coop_slug: str, pk: int, member_id: int) -> HttpResponse:
    member = membership(request, coop_slug, departed_ok=True)
    distribution, owner = selectors.payslip_for(member, pk, member_id)
    return _document(request, distribution, DistributionDocument.Kind.PAYSLIP, owner)


@login_required
def all_payslips(request: HttpRequest, coop_slug: str, pk: int) -> HttpResponse:
    """Every payslip of the distribution in one ZIP file (treasurer)."""
    member = membership(request, coop_slug)
    if not member.has_role(Role.TREASURER):
        raise Http404(_("No such file."))
    distribution = get_object_or_404(Distribution, cooperative=member.cooperative, pk=pk)
    payslips = DistributionDocument.objects.filter(
        distribution=distribution, kind=DistributionDocument.Kind.PAYSLIP
    ).order_by("member_id")
    if not payslips:
        return _missing(request, distribution, DistributionDocument.Kind.PAYSLIP)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in payslips:
            with document.file.open("rb") as handle:
                archive.writestr(document.file.name.rsplit("/", 1)[-1], handle.read())
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=f"payslips-{distribution.cooperative.slug}-{distribution.month:%Y-%m}.zip",
    )


@login_required
def distribution_file(request: HttpRequest, coop_slug: str, pk: int, kind: str) -> HttpResponse:
    """The report (every member), the payments CSV and the SEPA file (treasurer: bank details)."""
    member = membership(request, coop_slug)
    distribution = selectors.distribution_file_for(member, pk, kind)
    return _document(request, distribution, kind)
