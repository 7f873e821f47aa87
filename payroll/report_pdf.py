"""The distribution report (PDF): the whole month, every share and its check, for every member.

It is written in the language of whoever downloads it. The figures come only from the stored
lines of an approved distribution, which never change, so a report built at download time
writes the same figures as the copy `payroll.tasks` stored at approval; only the words and the
notation follow the reader. Building it for each download (`payroll.downloads`) is cheap
where it matters: a co-op of a few dozen lines takes tens of milliseconds, one of a thousand
about two seconds (docs/performance.md), and nothing else changes: no copy per language to
store, sweep, regenerate or keep in step. The stored copy stays the co-op's record of the
approved month, in the co-op's language: it proves the lines render, and its presence (or its
failure) is what the pages and the API answer before a download (`payroll.document_state`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from coop import pdf
from coop.durations import format_minutes
from coop.locale_formats import sentence_start
from coop.months import month_label
from payroll.documents import approval, day_in_coop, footer, money, month_figures
from payroll.explanation import figure_in_words
from payroll.models import Distribution, DistributionLine


def build(distribution: Distribution, lines: Sequence[DistributionLine]) -> bytes:
    """The report in the active language: the month's figures, each line, and the checks."""
    styles = pdf.styles()
    label = month_label(distribution.month)
    status = sentence_start(approval(distribution))
    if distribution.paid_at:
        paid = _("paid on %(day)s") % {"day": day_in_coop(distribution, distribution.paid_at)}
        status = f"{status}; {paid}"
    story: list = [
        Paragraph(pdf.escape(distribution.cooperative.name), styles["h2"]),
        Paragraph(
            pdf.escape(_("Distribution report — %(month)s") % {"month": label}), styles["title"]
        ),
        Paragraph(pdf.escape(f"{status}."), styles["body"]),
        Spacer(1, 4 * mm),
        pdf.table(month_figures(distribution), (110 * mm, 60 * mm), header=False),
        Spacer(1, 5 * mm),
        Paragraph(pdf.escape(_("Who receives what")), styles["h2"]),
        _lines_table(distribution, lines),
        Spacer(1, 4 * mm),
        Paragraph(pdf.escape(_check(distribution, lines)), styles["body"]),
    ]
    unpaid = [line for line in lines if line.cash > 0 and not line.iban]
    if unpaid:
        names = ", ".join(line.name for line in unpaid)
        by_hand = _("No IBAN on record, to be paid by hand: %(names)s.") % {"names": names}
        story.append(Paragraph(pdf.escape(by_hand), styles["body"]))
    title = _("Distribution report %(month)s") % {"month": label}
    return pdf.build_pdf(title, story, footer(distribution, _("report")))


def _lines_table(distribution: Distribution, lines: Sequence[DistributionLine]) -> Table:
    """One row a line (a member, a fund, a commons project) and the totals; the name wraps,
    the figures never do (`coop.pdf.fitted_table`)."""
    styles = pdf.styles()
    currency = distribution.currency
    rows: list[list[object]] = [
        [
            Paragraph(_line_name(line), styles["cell"]),
            format_minutes(line.minutes) if line.minutes else "",
            figure_in_words(line.weight[:24]),
            money(line.share, currency),
            money(line.cash, currency),
            money(line.retained, currency),
        ]
        for line in lines
    ]
    rows.append(
        [
            Paragraph(pdf.escape(_("Total")), styles["bold"]),
            format_minutes(sum(line.minutes for line in lines if line.kind == "member")),
            "",
            money(sum((line.share for line in lines), Decimal(0)), currency),
            money(sum((line.cash for line in lines), Decimal(0)), currency),
            money(sum((line.retained for line in lines), Decimal(0)), currency),
        ]
    )
    header = ["", _("Hours"), _("Weight"), _("Share"), _("Cash"), _("Retained")]
    return pdf.fitted_table(header, rows, wrapping={0: 1}, right=(1, 2, 3, 4, 5), total=True)


def _line_name(line: DistributionLine) -> str:
    """A member or commons project by name, with its kind under it; a fund by its kind alone,
    in the reader's words (its stored name is in the language the draft was computed in)."""
    kind = pdf.escape(str(line.get_kind_display()))
    if line.kind in (DistributionLine.Kind.RESERVE, DistributionLine.Kind.EDUCATION):
        return sentence_start(kind)
    return f"{pdf.escape(line.name)}<br/>{kind}"


def _check(distribution: Distribution, lines: Sequence[DistributionLine]) -> str:
    """Whether the shares add up to the surplus, as every member can check."""
    total = sum((line.share for line in lines), Decimal(0))
    figures = {
        "total": money(total, distribution.currency),
        "surplus": money(distribution.surplus, distribution.currency),
    }
    if total == distribution.surplus:
        return _("Check: the shares add up to %(total)s, equal to the surplus of %(surplus)s.") % (
            figures
        )
    return (
        _("Check: the shares add up to %(total)s, NOT equal to the surplus of %(surplus)s.")
        % figures
    )
