"""The United States yearly files: a member's written notice of allocation (PDF) and the
1099-PATR figures of every member (CSV), from `payroll.patronage`."""

import io

from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from coop import pdf, spreadsheet
from coop.locale_formats import format_day
from coop.money import format_money
from coop.months import month_label
from payroll.patronage import AllocationNotice, PatrRow

PATR_HEADER = [
    "recipient_member_id",
    "recipient_name",
    "recipient_email",
    "year",
    "box1_patronage_dividends",
    "box4_federal_income_tax_withheld",
    "box5_redemption_of_nonqualified_notices",
    "review",
    "review_reason",
]


def notice_file_name(notice: AllocationNotice) -> str:
    return f"notice-of-allocation-{notice.year}-member-{notice.member.pk}.pdf"


def notice_pdf(notice: AllocationNotice) -> bytes:
    """The written notice of allocation of a year's patronage (§1388(b)), in the reader's
    language: each month's patronage dividend, the part paid in money and the part allocated
    to the member's capital account, whether the notice is qualified, and why."""
    cooperative = notice.member.cooperative
    currency = cooperative.currency
    styles = pdf.styles()
    title = _("Written notice of allocation %(year)s") % {"year": notice.year}
    story: list = [
        Paragraph(pdf.escape(cooperative.name), styles["h2"]),
        Paragraph(pdf.escape(title), styles["title"]),
        Paragraph(pdf.escape(notice.member.display_name), styles["body"]),
        Spacer(1, 3 * mm),
        Paragraph(pdf.escape(_intro(notice, currency)), styles["body"]),
        Spacer(1, 4 * mm),
    ]
    header = [_("Month"), _("Patronage dividend"), _("Paid in money"), _("Allocated")]
    rows = [
        [
            month_label(line.month),
            format_money(line.share, currency),
            format_money(line.cash, currency),
            format_money(line.retained, currency),
        ]
        for line in notice.lines
    ]
    rows.append(
        [
            _("Total"),
            format_money(notice.share, currency),
            format_money(notice.cash, currency),
            format_money(notice.retained, currency),
        ]
    )
    story += [
        pdf.fitted_table(header, rows, wrapping={0: 1}, right=(1, 2, 3), total=True),
        Spacer(1, 4 * mm),
    ]
    if notice.buyin:
        story += [Paragraph(pdf.escape(buyin_sentence(notice, currency)), styles["body"])]
    story += [Paragraph(pdf.escape(qualification(notice)), styles["body"])]
    story += _standing(notice, currency, styles)
    footer = _("%(coop)s · notice of allocation to %(member)s · %(year)s") % {
        "coop": cooperative.name,
        "member": notice.member.display_name,
        "year": notice.year,
    }
    return pdf.build_pdf(title, story, footer)


def _intro(notice: AllocationNotice, currency: str) -> str:
    return _(
        "This is the written notice of allocation (Internal Revenue Code §1388(b)) of your "
        "patronage dividends of %(year)s: %(share)s, of which %(cash)s was paid to you in money "
        "and %(retained)s was allocated to your capital account at its stated amount. It is "
        "given within the payment period, which ends on %(deadline)s (§1382(d))."
    ) % {
        "year": notice.year,
        "share": format_money(notice.share, currency),
        "cash": format_money(notice.cash, currency),
        "retained": format_money(notice.retained, currency),
        "deadline": format_day(notice.deadline),
    }


def buyin_sentence(notice: AllocationNotice, currency: str) -> str:
    """Where the buy-in instalment is on the notice, as the bylaws' `buyin_instalments` says."""
    if notice.buyin_is_money:
        return _(
            "Of the money paid, %(buyin)s went to your buy-in, as the bylaws provide: it was "
            "paid to you and is your own capital, not part of this notice."
        ) % {"buyin": format_money(notice.buyin, currency)}
    return _(
        "Of the amount allocated, %(buyin)s went to your buy-in, as the bylaws provide: your "
        "membership share is issued as part of this notice, at its stated amount, and is "
        "taxed and redeemed as the notice is."
    ) % {"buyin": format_money(notice.buyin, currency)}


def _standing(notice: AllocationNotice, currency: str, styles: dict) -> list:
    """What of the allocated part the capital account still holds: each redemption that paid
    part of it back, and each loss or retention that cancelled part of it."""
    standing = notice.standing
    if standing is None or not standing.allocated:
        return []
    story: list = [Spacer(1, 4 * mm), Paragraph(pdf.escape(_("Since then")), styles["h2"])]
    if standing.parts:
        header = [_("Date"), _("Entry"), _("Of this notice")]
        rows = [
            [format_day(part.date), part.label, format_money(part.amount, currency)]
            for part in standing.parts
        ]
        story += [pdf.fitted_table(header, rows, wrapping={1: 1}, right=(2,)), Spacer(1, 3 * mm)]
    story.append(Paragraph(pdf.escape(outstanding_sentence(notice, currency)), styles["body"]))
    return story


def outstanding_sentence(notice: AllocationNotice, currency: str) -> str:
    """What of the notice is outstanding, in words (the page, the PDF and the API say it)."""
    standing = notice.standing
    assert standing is not None
    return _(
        "Of the %(allocated)s allocated, %(redeemed)s has been paid back to you (redeemed) and "
        "%(cancelled)s was charged with losses or kept under the bylaws; %(outstanding)s is "
        "outstanding in your capital account."
    ) % {
        "allocated": format_money(standing.allocated, currency),
        "redeemed": format_money(standing.redeemed, currency),
        "cancelled": format_money(standing.cancelled, currency),
        "outstanding": format_money(standing.outstanding, currency),
    }


def qualification(notice: AllocationNotice) -> str:
    """Whether the notice is qualified (§1388(c)), in words that say why."""
    if notice.consent is None:
        return _(
            "This notice is not qualified: there is no record of your consent (§1388(c)(2)). "
            "The allocated amount is taxed when it is redeemed."
        )
    if not notice.cash_is_enough:
        return _(
            "This notice is not qualified: less than 20%% of the patronage dividend was paid in "
            "money (§1388(c)(1)). The allocated amount is taxed when it is redeemed."
        )
    return _(
        "This notice is qualified (§1388(c)): you consented %(method)s on %(day)s, and at "
        "least 20%% of the patronage dividend was paid in money. Report the allocated amount "
        "as income of the year you receive this notice."
    ) % {"method": notice.consent.get_method_display(), "day": format_day(notice.consent.given_on)}


def patr_csv(rows: list[PatrRow], year: int) -> bytes:
    """The figures of Form 1099-PATR, one row per recipient, for the co-op's filing software;
    the recipients' taxpayer identification numbers are added there (Cooperage keeps none)."""
    buffer = io.StringIO()
    writer = spreadsheet.writer(buffer, lineterminator="\r\n")
    writer.writerow(PATR_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.member.pk,
                row.member.display_name,
                row.member.user.email,
                year,
                row.box1_patronage_dividends,
                row.box4_withheld,
                row.box5_redemptions,
                "yes" if row.review else "no",
                " ".join(row.review_reasons),
            ]
        )
    return buffer.getvalue().encode("utf-8")
