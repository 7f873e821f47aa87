"""A departed member's settlement statement (PDF), in the reader's language.

The same figures as the settlement page (`payroll.settlement_presenters`): the departure and
the notice period, the capital account counted and its losses, the retention and the
refundable part under the bylaws, the amount to pay with its interest, every instalment and
the distribution that paid it, what is paid and what is left, and who approved it.
"""

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from coop import pdf
from coop.money import format_money
from coop.months import month_label
from payroll.settlement_models import Settlement
from payroll.settlement_presenters import (
    approval_in_words,
    departure_in_words,
    figures_in_words,
    paid_by_in_words,
    payout_terms_in_words,
    settlement_figures,
)
from payroll.settlement_selectors import losses_counted

# Terms and their values in words (the figures keep pdf.key_values' narrow amount column).
WORDS = (60 * mm, pdf.TEXT_WIDTH - 60 * mm)


def file_name(settlement: Settlement) -> str:
    return f"settlement-{settlement.pk}-member-{settlement.member_id}.pdf"


def build(settlement: Settlement) -> bytes:
    """The statement of a settlement read through `visible_settlements` (its instalments and
    the distributions that paid them prefetched)."""
    cooperative = settlement.cooperative
    currency = settlement.currency
    member = settlement.member
    figures = settlement_figures(list(settlement.instalments.all()))
    styles = pdf.styles()
    title = _("Settlement statement")
    name = member.display_name
    if member.legal_name and member.legal_name != name:
        name = f"{name} ({member.legal_name})"
    story: list = [
        Paragraph(pdf.escape(cooperative.legal_name or cooperative.name), styles["h2"]),
        Paragraph(pdf.escape(title), styles["title"]),
        Paragraph(pdf.escape(name), styles["body"]),
        Paragraph(pdf.escape(approval_in_words(settlement)), styles["body"]),
        Spacer(1, 4 * mm),
        pdf.key_values(departure_in_words(settlement), WORDS, align_right=False),
        Spacer(1, 3 * mm),
        pdf.key_values(figures_in_words(settlement, figures, losses_counted(settlement))),
        Spacer(1, 5 * mm),
        Paragraph(pdf.escape(_("Payout schedule")), styles["h2"]),
    ]
    if figures.instalments:
        header = [
            "#",
            _("Paid with the distribution of"),
            _("Principal"),
            _("Interest"),
            _("Total"),
            _("Paid"),
        ]
        rows = [
            [
                str(row.number),
                month_label(row.due_month),
                format_money(row.amount, currency),
                format_money(row.interest, currency),
                format_money(row.total, currency),
                paid_by_in_words(row),
            ]
            for row in figures.instalments
        ]
        rows.append(
            [
                "",
                _("Total"),
                format_money(settlement.refundable, currency),
                format_money(figures.interest, currency),
                format_money(figures.to_pay, currency),
                "",
            ]
        )
        story.append(pdf.fitted_table(header, rows, wrapping={5: 1}, right=(2, 3, 4), total=True))
    else:
        story.append(Paragraph(pdf.escape(_("Nothing to pay back.")), styles["body"]))
    story += [
        Spacer(1, 5 * mm),
        Paragraph(pdf.escape(_("The bylaws' terms")), styles["h2"]),
        pdf.key_values(payout_terms_in_words(settlement), WORDS, align_right=False),
    ]
    footer = _("%(coop)s · settlement of %(member)s") % {
        "coop": cooperative.name,
        "member": member.display_name,
    }
    return pdf.build_pdf(title, story, footer)
