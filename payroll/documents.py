"""The files of an approved distribution: the payslip PDF, payments CSV, SEPA transfers, and
the parts the payslip and the report (`payroll.report_pdf`) share.

Each builder takes the distribution (with its co-op, policy and lines loaded) and returns bytes;
`payroll.tasks` stores them once. The PDFs say, in words a member can follow, where every cent of
the month went; the figures come from the stored lines, never recomputed.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer
from sepaxml import SepaTransfer

from coop import pdf, spreadsheet
from coop.durations import format_minutes
from coop.locale_formats import format_day
from coop.models import Member
from coop.money import format_money
from coop.months import month_bounds, month_label
from payroll.epc_text import epc_text
from payroll.explanation import explain_line, figure_in_words, share_of_pool
from payroll.models import CapitalAccountEntry, Distribution, DistributionLine
from payroll.presenters import percent
from payroll.share_models import Subscription
from payroll.totals import YearToDate


def money(amount: Decimal, currency: str) -> str:
    """1234.5 EUR → "€1,234.50", 1234 JPY → "¥1,234": `coop.money.format_money` in the active
    language, as the pages write it (the figures are stored in the currency's minor unit)."""
    return format_money(amount, currency)


def masked_iban(iban: str) -> str:
    return f"{iban[:4]} … {iban[-4:]}" if len(iban) > 8 else iban


def month_figures(distribution: Distribution) -> list[list[object]]:
    """The month from revenue to the member pool, as rows of a two-column table."""
    styles = pdf.styles()
    currency = distribution.currency

    def row(label: str, amount: Decimal, strong: bool = False) -> list[object]:
        style = styles["bold"] if strong else styles["cell"]
        return [Paragraph(label, style), Paragraph(money(amount, currency), styles["num"])]

    rows = [
        row(_("Revenue received"), distribution.revenue),
        row(_("Approved expenses"), -distribution.expenses),
    ]
    if distribution.losses_carried:
        rows.append(row(_("Losses carried from earlier months"), -distribution.losses_carried))
    if distribution.loss:
        rows.append(row(_("Loss of the month (nothing is distributed)"), -distribution.loss, True))
        return rows
    policy = distribution.policy
    rows += [
        row(_("Surplus"), distribution.surplus, True),
        row(
            _("Commons contribution (%(pct)s)") % {"pct": percent(policy.commons_pct)},
            -distribution.commons,
        ),
        row(
            _("Collective reserve (%(pct)s)") % {"pct": percent(policy.reserve_pct)},
            -distribution.reserve,
        ),
        row(
            _("Education fund (%(pct)s)") % {"pct": percent(policy.education_pct)},
            -distribution.education,
        ),
        row(_("Member pool"), distribution.member_pool, True),
    ]
    return rows


def approval(distribution: Distribution) -> str:
    """Who approved the distribution and on which day (in the co-op's time zone)."""
    if distribution.approval_proposal_id:
        how = _("approved by the members' vote on proposal #%(number)s") % {
            "number": distribution.approval_proposal_id
        }
    elif distribution.approved_by is not None:
        how = _("approved by the treasurer %(name)s") % {
            "name": distribution.approved_by.display_name
        }
    else:
        how = _("approved")
    when = day_in_coop(distribution, distribution.approved_at) if distribution.approved_at else "—"
    return _("%(how)s on %(when)s") % {"how": how, "when": when}


def day_in_coop(distribution: Distribution, moment: datetime.datetime) -> str:
    """The day of a moment in the co-op's time zone, in words: "4 de diciembre de 2026"."""
    zone = ZoneInfo(distribution.cooperative.time_zone)
    return format_day(timezone.localtime(moment, zone).date())


def footer(distribution: Distribution, what: str) -> str:
    """The line at the foot of every page: co-op, file, distribution and policy."""
    return _(
        "%(coop)s · %(what)s · distribution #%(number)s · policy v%(version)s (%(method)s)"
    ) % {
        "coop": distribution.cooperative.name,
        "what": what,
        "number": distribution.pk,
        "version": distribution.policy.version,
        "method": distribution.policy.get_method_display(),
    }


def payslip_pdf(
    distribution: Distribution,
    line: DistributionLine,
    capital_balance: Decimal,
    year_to_date: YearToDate,
) -> bytes:
    """One member's statement of the month: their hours, their share and how it was worked out,
    in the member's language (theirs, else the co-op's)."""
    member: Member = line.member  # type: ignore[assignment]
    with translation.override(member.reading_language):
        return _payslip(distribution, line, member, capital_balance, year_to_date)


def _reimbursed(distribution: Distribution, member: Member) -> Decimal:
    """What the month's reimbursement lines pay the member back for their expense claims."""
    lines = distribution.lines.filter(kind=DistributionLine.Kind.REIMBURSEMENT, member=member)
    return sum((line.cash for line in lines), Decimal(0))


class BuyinOnPayslip(NamedTuple):
    instalment: Decimal
    paid: Decimal  # of the buy-in, up to and including this month
    subscribed: Decimal


def buyin_on_payslip(distribution: Distribution, member: Member) -> BuyinOnPayslip | None:
    """The member's buy-in instalment of the month, and their buy-in paid up to its end."""
    line = distribution.lines.filter(kind=DistributionLine.Kind.BUYIN, member=member).first()
    if line is None:
        return None
    subscription = Subscription.objects.filter(member=member).first()
    paid = CapitalAccountEntry.objects.filter(
        member=member,
        kind=CapitalAccountEntry.Kind.BUYIN,
        date__lte=month_bounds(distribution.month)[1],
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    subscribed = subscription.amount_subscribed if subscription else Decimal(0)
    return BuyinOnPayslip(line.retained, Decimal(paid).quantize(CENT), subscribed)


def _payslip(
    distribution: Distribution,
    line: DistributionLine,
    member: Member,
    capital_balance: Decimal,
    year_to_date: YearToDate,
) -> bytes:
    styles = pdf.styles()
    currency = distribution.currency
    label = month_label(distribution.month)
    explanation = line.explanation or {}
    story: list = [
        Paragraph(pdf.escape(distribution.cooperative.name), styles["h2"]),
        Paragraph(_("Payslip — %(month)s") % {"month": label}, styles["title"]),
        Paragraph(
            _("%(name)s · member #%(number)s")
            % {"name": pdf.escape(line.name), "number": member.pk}
            + (f" · IBAN {masked_iban(line.iban)}" if line.iban else ""),
            styles["body"],
        ),
        Spacer(1, 4 * mm),
    ]
    share_rows = [
        [_("Hours worked"), format_minutes(line.minutes)],
        [_("Method"), distribution.policy.get_method_display()],
        [_("Your weight"), figure_in_words(line.weight) if line.weight else "—"],
        [
            _("Your part of the member pool"),
            share_of_pool(explanation["fraction_of_pool"])
            if explanation.get("fraction_of_pool")
            else "—",
        ],
        [_("Your share"), money(line.share, currency)],
        [
            _("Paid to you (%(pct)s in cash)") % {"pct": percent(distribution.policy.cash_pct)},
            money(line.cash, currency),
        ],
        [_("Credited to your capital account"), money(line.retained, currency)],
        [_("Your capital account after this month"), money(capital_balance, currency)],
    ]
    buyin = buyin_on_payslip(distribution, member)
    if buyin is not None:
        # The instalment is taken from the cash share: what is paid is the rest.
        share_rows[5:6] = [
            [
                _("Your cash share (%(pct)s of your share)")
                % {"pct": percent(distribution.policy.cash_pct)},
                money(line.cash + buyin.instalment, currency),
            ],
            [
                _("Buy-in instalment deducted (credited to your capital account)"),
                money(-buyin.instalment, currency),
            ],
            [_("Paid to you"), money(line.cash, currency)],
        ]
        share_rows.append(
            [
                _("Your buy-in: paid so far, of %(subscribed)s")
                % {"subscribed": money(buyin.subscribed, currency)},
                money(buyin.paid, currency),
            ]
        )
    paid_back = _reimbursed(distribution, member)
    if paid_back:
        # Beside the share, not part of it: the member's approved expense claims of the month.
        credited = [row[0] for row in share_rows].index(_("Credited to your capital account"))
        share_rows.insert(
            credited,
            [
                _("Your expense claims paid back (not part of your share)"),
                money(paid_back, currency),
            ],
        )
    story.append(
        pdf.table(
            [
                [Paragraph(pdf.escape(str(a)), styles["cell"]), Paragraph(str(b), styles["num"])]
                for a, b in share_rows
            ],
            (110 * mm, 60 * mm),
            header=False,
        )
    )
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            _("Year to date (%(year)s, approved months)") % {"year": distribution.month.year},
            styles["h2"],
        ),
        pdf.table(
            [
                [Paragraph(label, styles["cell"]), Paragraph(value, styles["num"])]
                for label, value in (
                    (_("Hours worked"), format_minutes(year_to_date.minutes)),
                    (_("Shares"), money(year_to_date.share, currency)),
                    (_("Paid in cash"), money(year_to_date.cash, currency)),
                    (_("Credited to your capital account"), money(year_to_date.retained, currency)),
                )
            ],
            (110 * mm, 60 * mm),
            header=False,
        ),
    ]
    explained = " ".join(explain_line(explanation, currency))
    if explained:
        story += [
            Spacer(1, 4 * mm),
            Paragraph(_("How your share was worked out"), styles["h2"]),
            Paragraph(pdf.escape(explained), styles["body"]),
        ]
    story += [
        Spacer(1, 4 * mm),
        Paragraph(_("The co-op's month: %(month)s") % {"month": label}, styles["h2"]),
        pdf.table(month_figures(distribution), (110 * mm, 60 * mm), header=False),
        Spacer(1, 4 * mm),
        Paragraph(
            _("This distribution was %(how)s.") % {"how": pdf.escape(approval(distribution))},
            styles["small"],
        ),
    ]
    title = _("Payslip %(month)s — %(name)s") % {"month": label, "name": line.name}
    return pdf.build_pdf(title, story, footer(distribution, _("payslip")))


def reference(distribution: Distribution, line: DistributionLine) -> str:
    """The remittance text of a payment: co-op, month and line, at most 140 characters."""
    return f"{distribution.cooperative.name} {distribution.month:%Y-%m} {line.get_kind_display()}"[
        :140
    ]


def end_to_end_id(line: DistributionLine) -> str:
    """The EndToEndId of a line's transfer in the pain.001: unique per line and stable, so that
    the bank statement brings it back and reconciliation finds the line (banking.matching)."""
    return f"COOP{line.distribution_id}L{line.pk}"[:35]


CENT = Decimal("0.01")

CSV_HEADER = [
    "kind",
    "member_id",
    "name",
    "iban",
    "share",
    "cash",
    "retained",
    "currency",
    "reference",
]


def payments_csv(distribution: Distribution, lines: Iterable[DistributionLine]) -> bytes:
    """Every line, with what is paid (cash) and what stays (retained); UTF-8 with a BOM so that
    spreadsheet programs read the accents right. Amounts are numbers; names and references are
    text, guarded against spreadsheet formulas (`coop.spreadsheet`)."""
    buffer = io.StringIO()
    writer = spreadsheet.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in lines:
        writer.writerow(
            [
                line.kind,
                line.member_id or "",
                line.name,
                line.iban,
                line.share.quantize(CENT),
                line.cash.quantize(CENT),
                line.retained.quantize(CENT),
                distribution.currency,
                reference(distribution, line),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sepa_unavailable_reason(
    distribution: Distribution, lines: Iterable[DistributionLine]
) -> str | None:
    """Why no SEPA file can be made for this distribution, or None when it can."""
    cooperative = distribution.cooperative
    if not sepa_payments(lines):
        return "Nothing is paid to a known IBAN this month: there is no SEPA file."
    if distribution.currency != "EUR":
        return (
            f"SEPA transfers are in euros; this co-op keeps its books in {distribution.currency}."
        )
    if not cooperative.iban or not cooperative.legal_name:
        return (
            "Set the co-op's legal name and IBAN (Admin → Co-operatives) to get a SEPA file; "
            "meanwhile the payments CSV lists every transfer."
        )
    return None


def sepa_payments(lines: Iterable[DistributionLine]) -> list[DistributionLine]:
    """The lines a SEPA file pays: cash to pay, to a known IBAN."""
    return [line for line in lines if line.cash > 0 and line.iban]


def sepa_xml(
    distribution: Distribution,
    lines: Iterable[DistributionLine],
    execution_date: datetime.date,
) -> bytes:
    """A pain.001.001.03 credit transfer, one batch, validated against the XSD by sepaxml.

    Names and references are written in the EPC character set (`payroll.epc_text`): a legal
    name in any script, with any character a person could type, never stops the file."""
    cooperative = distribution.cooperative
    config: dict[str, object] = {
        "name": epc_text(cooperative.legal_name, 70, fallback=cooperative.slug),
        "IBAN": cooperative.iban,
        "batch": True,
        "currency": "EUR",
    }
    if cooperative.bic:
        config["BIC"] = cooperative.bic
    transfer = SepaTransfer(config, clean=True)
    for line in sepa_payments(lines):
        transfer.add_payment(
            {
                "name": epc_text(line.name, 70, fallback=f"Member {line.member_id or line.pk}"),
                "IBAN": line.iban,
                "amount": int((line.cash * 100).to_integral_exact()),
                "execution_date": execution_date,
                "description": epc_text(reference(distribution, line), 140, fallback="Payment"),
                "endtoend_id": end_to_end_id(line),
            }
        )
    return transfer.export(validate=True, pretty_print=True)
