"""The annual statement of a member's capital account (PDF), in the reader's language.

The same figures as the statement page (`payroll.capital_statements`): the opening balance,
the year's totals by kind, every entry with the balance after it, and the closing balance.
Built at download time from the entries, which a later month never changes: a year already
closed gives the same figures each time.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from coop import pdf
from coop.locale_formats import format_day, sentence_start
from coop.money import format_money
from payroll.capital_statements import AnnualStatement


def summary_rows(statement: AnnualStatement, currency: str) -> list[tuple[str, str]]:
    """The statement's figures as the page and the PDF both show them."""
    rows = [
        (
            _("Balance on %(day)s") % {"day": format_day(statement.first_day)},
            format_money(statement.opening, currency),
        )
    ]
    rows += [
        (
            ngettext("%(kind)s (%(count)s entry)", "%(kind)s (%(count)s entries)", total.entries)
            % {"kind": sentence_start(total.label), "count": total.entries},
            format_money(total.amount, currency),
        )
        for total in statement.totals
    ]
    rows.append(
        (
            _("Balance on %(day)s") % {"day": format_day(statement.last_day)},
            format_money(statement.closing, currency),
        )
    )
    return rows


def check_sentence(statement: AnnualStatement, currency: str) -> str:
    """Opening + the year's entries = closing, in words."""
    return _(
        "The balance of %(opening)s on %(first)s, plus the year's entries (%(movement)s), "
        "is the balance of %(closing)s on %(last)s."
    ) % {
        "opening": format_money(statement.opening, currency),
        "first": format_day(statement.first_day),
        "movement": format_money(statement.movement, currency),
        "closing": format_money(statement.closing, currency),
        "last": format_day(statement.last_day),
    }


def build(statement: AnnualStatement) -> bytes:
    cooperative = statement.owner.cooperative
    currency = cooperative.currency
    styles = pdf.styles()
    title = _("Capital account statement %(year)s") % {"year": statement.year}
    story: list = [
        Paragraph(pdf.escape(cooperative.name), styles["h2"]),
        Paragraph(pdf.escape(title), styles["title"]),
        Paragraph(pdf.escape(statement.owner.display_name), styles["body"]),
        Spacer(1, 4 * mm),
        pdf.key_values(summary_rows(statement, currency)),
        Spacer(1, 3 * mm),
        Paragraph(pdf.escape(check_sentence(statement, currency)), styles["body"]),
        Spacer(1, 5 * mm),
        Paragraph(pdf.escape(_("Entries of the year")), styles["h2"]),
    ]
    if statement.ledger:
        header = [_("Date"), _("Entry"), _("Note"), _("Amount"), _("Balance")]
        rows = [
            [
                format_day(row.entry.date),
                row.entry.get_kind_display(),
                " ".join([row.entry.note, *row.explanation]),
                format_money(row.entry.amount, currency),
                format_money(row.balance, currency),
            ]
            for row in statement.ledger
        ]
        story.append(pdf.fitted_table(header, rows, wrapping={1: 1, 2: 2}, right=(3, 4)))
    else:
        story.append(Paragraph(pdf.escape(_("No entries this year.")), styles["body"]))
    footer = _("%(coop)s · capital account of %(member)s · %(year)s") % {
        "coop": cooperative.name,
        "member": statement.owner.display_name,
        "year": statement.year,
    }
    return pdf.build_pdf(title, story, footer)
