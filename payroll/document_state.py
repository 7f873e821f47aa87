"""Where a distribution's files stand: why one cannot be downloaded yet, and which failed.

The one answer of the distribution's page and the API (`api.views.payroll_distributions`) about a
missing file: both give it as a 409 with the same code and sentence.
"""

from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop.errors import StateConflict
from coop.models import Member
from payroll.documents import sepa_unavailable_reason
from payroll.models import Distribution, DistributionDocument, DocumentFailure
from payroll.selectors import FINAL


class MissingDocument(NamedTuple):
    """Why a file of a distribution cannot be downloaded: a stable code and a sentence."""

    code: str
    message: str


def missing_document(
    distribution: Distribution, kind: str, member: Member | None = None
) -> MissingDocument:
    """Why this file is not there: the one answer of the pages and the API (both a 409).

    A file is "being generated" only while nothing went wrong; a build that failed says so, with
    its reason, whether the sweep still tries it (up to `DocumentFailure.MAX_ATTEMPTS` times) or
    the treasurer must regenerate it after fixing the cause.
    """
    if distribution.status not in FINAL:
        return MissingDocument(
            "not_approved", _("Files are made when the distribution is approved.")
        )
    failure = DocumentFailure.objects.filter(
        distribution=distribution, kind=kind, member=member
    ).first()
    if failure is not None and failure.attempts >= DocumentFailure.MAX_ATTEMPTS:
        return MissingDocument(
            "document_failed",
            ngettext(
                "This file could not be generated (%(reason)s), %(attempts)d time. Fix the "
                "cause, then regenerate the failed files from the distribution's page.",
                "This file could not be generated (%(reason)s), %(attempts)d times. Fix the "
                "cause, then regenerate the failed files from the distribution's page.",
                failure.attempts,
            )
            % {"reason": failure.reason, "attempts": failure.attempts},
        )
    if failure is not None:
        return MissingDocument(
            "document_failed",
            _(
                "This file could not be generated (%(reason)s). It is tried again within a few "
                "minutes (attempt %(attempts)d of %(limit)d)."
            )
            % {
                "reason": failure.reason,
                "attempts": failure.attempts,
                "limit": DocumentFailure.MAX_ATTEMPTS,
            },
        )
    if kind == DistributionDocument.Kind.SEPA:
        reason = sepa_unavailable_reason(distribution, distribution.lines.all())
        if reason:
            return MissingDocument("sepa_unavailable", reason)
    return MissingDocument(
        "document_pending", _("This file is being generated: try again in a minute.")
    )


def document_missing(
    distribution: Distribution, kind: str, member: Member | None = None
) -> StateConflict:
    """`missing_document` as the 409 the page (`coop/refused.html`) and the API answer with."""
    missing = missing_document(distribution, kind, member)
    return StateConflict(missing.message, code=missing.code)


def document_failures(distribution: Distribution) -> list[DocumentFailure]:
    """The files of the distribution that failed, for its page and the API."""
    return list(
        DocumentFailure.objects.filter(distribution=distribution)
        .select_related("member__user")
        .order_by("kind", "member_id")
    )
