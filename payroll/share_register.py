"""The register of members and shares: who may read which entries, the rows as a German co-op
keeps them (GenG §30), the CSV export and each member's share certificate (PDF).

GenG §30 (2): every member is entered with their family and given names and address, the
number of shares they hold, and their leaving; the date each entry takes effect, and the facts
that ground it, are given. Cooperage keeps the entry (admission) and exit dates and the reason
for leaving, and the amount subscribed and paid beside the shares.
"""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from coop import pdf, spreadsheet
from coop.locale_formats import format_day
from coop.models import Member
from coop.models.cooperative import Role
from coop.money import format_money
from payroll.models import CapitalAccountEntry
from payroll.share_models import Subscription

CENT = Decimal("0.01")


def register_for(viewer: Member) -> QuerySet[Subscription]:
    """The register entries the viewer reads: every entry for the treasurer, a
    member's own for anyone else (addresses are personal). One rule for the page and the API."""
    entries = Subscription.objects.filter(cooperative_id=viewer.cooperative_id).select_related(
        "member__user", "cooperative"
    )
    if not viewer.has_role(Role.TREASURER):
        entries = entries.filter(member=viewer)
    return entries.order_by("subscribed_on", "id")


def entry_for(viewer: Member, subscription_id: int) -> Subscription:
    """One entry the viewer may read; 404 for anything else (another member's, another co-op's)."""
    entry = register_for(viewer).filter(pk=subscription_id).first()
    if entry is None:
        raise Http404(_("No such entry in the register."))
    return entry


@dataclass(frozen=True)
class RegisterRow:
    number: int  # the running number of the entry, in the order of entry
    subscription: Subscription

    @property
    def name(self) -> str:
        member = self.subscription.member
        return member.legal_name or member.display_name


def register_rows(entries: QuerySet[Subscription]) -> list[RegisterRow]:
    """The entries numbered in order of entry (the number is the entry's place in the whole
    register, also when the viewer reads only theirs)."""
    rows = list(entries)
    if not rows:
        return []
    order = list(
        Subscription.objects.filter(cooperative_id=rows[0].cooperative_id)
        .order_by("subscribed_on", "id")
        .values_list("id", flat=True)
    )
    place = {pk: index + 1 for index, pk in enumerate(order)}
    return [RegisterRow(place[entry.pk], entry) for entry in rows]


def csv_header() -> list[str]:
    return [
        _("No."),
        _("Family and given names"),
        _("Address"),
        _("Entry date"),
        _("Number of shares"),
        _("Nominal value of a share"),
        _("Amount subscribed"),
        _("Amount paid"),
        _("Exit date"),
        _("Reason for leaving"),
        _("Currency"),
        _("Capital account balance"),
    ]


def register_csv(rows: list[RegisterRow]) -> bytes:
    """The register as a spreadsheet in the reader's language: UTF-8 with a BOM, dates in ISO
    8601, amounts as numbers; names, addresses and reasons guarded against formulas. Beside
    GenG §30's columns, each member's capital account balance as it stands (one query)."""
    buffer = io.StringIO()
    writer = spreadsheet.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header())
    balances = dict(
        CapitalAccountEntry.objects.filter(
            member_id__in=[row.subscription.member_id for row in rows]
        )
        .values_list("member_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        entry = row.subscription
        writer.writerow(
            [
                row.number,
                row.name,
                entry.address,
                entry.subscribed_on.isoformat(),
                entry.shares,
                entry.nominal_value.quantize(CENT),
                entry.amount_subscribed.quantize(CENT),
                entry.amount_paid.quantize(CENT),
                entry.exited_on.isoformat() if entry.exited_on else "",
                entry.exit_reason,
                entry.cooperative.currency,
                Decimal(balances.get(entry.member_id) or 0).quantize(CENT),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def certificate_pdf(row: RegisterRow, issued_on: datetime.date) -> bytes:
    """The member's share certificate, in their language: the co-op, the member, the shares
    and what is paid of them, as the register says on `issued_on`."""
    with translation.override(row.subscription.member.reading_language):
        return _certificate(row, issued_on)


def _certificate(row: RegisterRow, issued_on: datetime.date) -> bytes:
    entry = row.subscription
    cooperative = entry.cooperative
    currency = cooperative.currency
    styles = pdf.styles()
    statement = _(
        "%(name)s is entered in the register of members of %(coop)s under number %(number)s "
        "since %(date)s, and holds %(shares)s share(s) of %(nominal)s each."
    ) % {
        "name": row.name,
        "coop": cooperative.legal_name or cooperative.name,
        "number": row.number,
        "date": format_day(entry.subscribed_on),
        "shares": entry.shares,
        "nominal": format_money(entry.nominal_value, currency),
    }
    rows = [
        (_("Number of shares"), str(entry.shares)),
        (_("Nominal value of a share"), format_money(entry.nominal_value, currency)),
        (_("Amount subscribed"), format_money(entry.amount_subscribed, currency)),
        (_("Amount paid"), format_money(entry.amount_paid, currency)),
        (_("Still to pay"), format_money(entry.remaining, currency)),
        (_("Entry date"), format_day(entry.subscribed_on)),
    ]
    if entry.exited_on:
        rows.append((_("Exit date"), format_day(entry.exited_on)))
        if entry.exit_reason:
            rows.append((_("Reason for leaving"), entry.exit_reason))
    story: list = [
        Paragraph(pdf.escape(cooperative.legal_name or cooperative.name), styles["h2"]),
        Paragraph(_("Share certificate"), styles["title"]),
        Spacer(1, 4 * mm),
        Paragraph(pdf.escape(statement), styles["body"]),
        Spacer(1, 4 * mm),
        pdf.key_values(rows),
        Spacer(1, 6 * mm),
        Paragraph(
            pdf.escape(
                _("As the register of members stands on %(date)s.")
                % {"date": format_day(issued_on)}
            ),
            styles["small"],
        ),
    ]
    title = _("Share certificate — %(name)s") % {"name": row.name}
    footer = _("%(coop)s · share certificate · register entry %(number)s") % {
        "coop": cooperative.name,
        "number": row.number,
    }
    return pdf.build_pdf(title, story, footer)


def certificate_filename(row: RegisterRow) -> str:
    return f"share-certificate-{row.subscription.cooperative.slug}-{row.number}.pdf"
