"""One way in for the pages and the API: which formats there are, who may export, and the file
to stream, with every refusal raised before its first byte."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from books.exports import beancount, datev, journal_csv
from books.exports.period import Period, parse_period, require_entries
from coop.errors import InvalidInput
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.services.checks import require_role


@dataclass(frozen=True)
class Format:
    key: str
    label: object
    content_type: str
    write: Callable[[Cooperative, Period], Iterator[bytes]]
    filename: str  # with {slug} and {period}


FORMATS = {
    format.key: format
    for format in (
        Format(
            "csv", gettext_lazy("Journal (CSV)"), "text/csv; charset=utf-8",
            journal_csv.chunks, "{slug}-journal-{period}.csv",
        ),
        Format(
            "datev", gettext_lazy("DATEV Buchungsstapel (EXTF)"),
            "text/csv; charset=windows-1252", datev.chunks,
            "EXTF_Buchungsstapel_{slug}_{period}.csv",
        ),
        Format(
            "beancount", gettext_lazy("Beancount ledger"), "text/plain; charset=utf-8",
            beancount.chunks, "{slug}-journal-{period}.beancount",
        ),
    )
}  # fmt: skip


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    chunks: Iterator[bytes]


def export(*, actor: Member, format: str, params: Mapping[str, str]) -> ExportFile:
    """The treasurer's export of the period `params` names, in `format` (403 for anyone else,
    400 naming a bad field, 409 for a period without entries or books DATEV cannot read)."""
    require_role(actor, Role.TREASURER)
    chosen = FORMATS.get(format)
    if chosen is None:
        raise InvalidInput(
            _("Choose one of the formats: %(formats)s.") % {"formats": ", ".join(FORMATS)},
            field="format",
        )
    cooperative = actor.cooperative
    period = parse_period(params)
    require_entries(cooperative, period)
    filename = chosen.filename.format(slug=cooperative.slug, period=period.label)
    return ExportFile(filename, chosen.content_type, chosen.write(cooperative, period))
