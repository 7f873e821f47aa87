"""Revenue, the co-op's money in: recorded, deleted, corrected (a negative row)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from coop.audit import record
from coop.dates import check_money_date
from coop.errors import InvalidInput, StateConflict
from coop.hours.services import hold_books
from coop.models import Client, Cooperative, Member, Project
from coop.models.cooperative import Role
from coop.months import month_bounds
from coop.services import require_role
from payroll import bookkeeping
from payroll.models import Revenue
from payroll.services.money_checks import _ensure_month_total_fits, _money, ensure_money_month_open


def record_revenue(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    client: Client,
    amount: Decimal,
    received_on: datetime.date,
    project: Project | None = None,
    invoice_reference: str = "",
    note: str = "",
    book: bool = True,
    role: str = "other_revenue",
) -> Revenue:
    """Money received. Booked (Dr bank, Cr `role`: other revenue, or interest income) unless
    `book` is False: revenue a client's payment made is booked by billing, with the payment."""
    require_role(actor, Role.TREASURER)
    if client.cooperative_id != cooperative.pk:
        raise InvalidInput(_("This client does not belong to the co-op."), field="client")
    if project is not None and project.client_id != client.pk:
        raise InvalidInput(
            _("This project is not one of %(client)s's.") % {"client": client.name}, field="project"
        )
    check_money_date(cooperative, received_on, field="received_on")
    amount = _money(cooperative, amount)
    with transaction.atomic():
        hold_books(cooperative)
        ensure_money_month_open(cooperative, received_on)
        first, last = month_bounds(received_on)
        month_revenue = Revenue.objects.filter(
            cooperative=cooperative, received_on__range=(first, last)
        )
        _ensure_month_total_fits(month_revenue, received_on, amount)
        revenue = Revenue.objects.create(
            cooperative=cooperative,
            client=client,
            project=project,
            amount=amount,
            currency=cooperative.currency,
            received_on=received_on,
            invoice_reference=invoice_reference,
            note=note,
            recorded_by=actor,
        )
        record(
            cooperative,
            actor,
            "revenue.recorded",
            revenue,
            {"amount": str(amount), "client": client.name, "received_on": received_on},
        )
        if book:
            bookkeeping.book_revenue(revenue, role=role, actor=actor)
        return revenue


def _revenue_linked() -> StateConflict:
    return StateConflict(
        _(
            "This revenue came from a payment of an invoice or is a correction: remove the "
            "payment instead."
        ),
        code="revenue_linked",
    )


def delete_revenue(*, actor: Member | None, revenue: Revenue, book: bool = True) -> None:
    """Remove revenue of an open month; its entry is reversed on its own day (unless `book` is
    False: billing takes back what it booked for a payment)."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        hold_books(revenue.cooperative)
        ensure_money_month_open(revenue.cooperative, revenue.received_on)
        # A correction and what it corrects stay, as the record of a distributed month; revenue
        # a payment made goes with the payment (another app's row protects it: billing).
        linked = Revenue.objects.filter(pk=revenue.pk).filter(
            Q(corrects__isnull=False) | Q(correction__isnull=False)
        )
        data = {"amount": str(revenue.amount), "received_on": revenue.received_on}
        revenue_id = revenue.pk
        if linked.exists():
            raise _revenue_linked()
        if book:
            bookkeeping.take_back(
                revenue.cooperative,
                bookkeeping.REVENUE,
                revenue_id,
                date=revenue.received_on,
                actor=actor,
            )
        try:
            revenue.delete()
        except ProtectedError:
            raise _revenue_linked() from None
        record(
            revenue.cooperative,
            actor,
            "revenue.deleted",
            data=data,
            object_type="payroll.revenue",
            object_id=revenue_id,
        )


def correct_revenue(
    *,
    actor: Member | None,
    revenue: Revenue,
    received_on: datetime.date,
    note: str = "",
    book: bool = True,
) -> Revenue:
    """Take back revenue of a distributed month: a negative row on `received_on` (an open
    month), linked to it. The distributed month stays as it was approved; the correction lowers
    the surplus of the month it is counted in (`run_inputs.month_inputs`)."""
    require_role(actor, Role.TREASURER)
    cooperative = revenue.cooperative
    with transaction.atomic():
        hold_books(cooperative)
        ensure_money_month_open(cooperative, received_on)
        if revenue.amount <= 0 or Revenue.objects.filter(corrects=revenue).exists():
            raise StateConflict(
                _("This revenue is a correction or was corrected already."),
                code="already_corrected",
            )
        correction = Revenue.objects.create(
            cooperative=cooperative,
            client_id=revenue.client_id,
            project_id=revenue.project_id,
            amount=-revenue.amount,
            currency=revenue.currency,
            received_on=received_on,
            invoice_reference=revenue.invoice_reference,
            note=note,
            recorded_by=actor,
            corrects=revenue,
        )
        record(
            cooperative,
            actor,
            "revenue.corrected",
            correction,
            {
                "amount": str(correction.amount),
                "corrects": revenue.pk,
                "received_on": received_on,
            },
        )
        if book:
            bookkeeping.book_revenue(correction, actor=actor)
        return correction
