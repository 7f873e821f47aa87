"""Interest on the members' capital accounts: one run per period credits each account.

The bylaws set the yearly rate in force (`capital_interest_rate_pct`, at most the cap
`capital_interest_rate_cap_pct`) and how often it is credited (`capital_interest_period`: each
calendar year or month). A run computes each account's interest from its daily balance
(`payroll.allocation.interest`, docs/capital.md "Interest"), writes one `interest` entry per
member dated the period's last day, books it (Dr interest on capital, Cr the member's capital)
and keeps the figures it used, which the member's capital page explains. A period is run once:
a second run, or one overlapping a run, is refused (409). The beat runs the period just ended
(`payroll.tasks.credit_capital_interest`); the treasurer may run any ended period.
"""

import datetime
import logging
import re
from collections import defaultdict
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext as _

from coop import clock, money
from coop.audit import lock_chain, record
from coop.capital_bylaws import interest_cap, interest_rate
from coop.dates import check_not_before_founding, founding_date
from coop.errors import AmountTooLarge, DomainError, InvalidInput, StateConflict
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.months import month_bounds, month_label
from coop.services import require_role
from payroll import bookkeeping
from payroll.allocation.interest import interest
from payroll.capital_models import CapitalInterestLine, CapitalInterestRun
from payroll.capital_presenters import rate_text
from payroll.models import CapitalAccountEntry

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
YEAR = re.compile(r"^\d{4}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")


def period_bounds(
    cooperative: Cooperative, period: str | None = None
) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a period as the bylaws count them: "2026" (yearly) or
    "2026-03" (monthly); without one, the last period that has ended."""
    monthly = cooperative.settings["capital_interest_period"] == "monthly"
    if not period:
        today = clock.today_in(cooperative)
        if monthly:
            return month_bounds(today.replace(day=1) - relativedelta(months=1))
        return datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 31)
    period = str(period).strip()
    try:
        if monthly and MONTH.match(period):
            return month_bounds(datetime.date(int(period[:4]), int(period[5:]), 1))
        if not monthly and YEAR.match(period):
            year = int(period)
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        pass
    if monthly:
        message = _('The bylaws credit interest monthly: write the period as a month, "2026-03".')
    else:
        message = _('The bylaws credit interest yearly: write the period as a year, "2026".')
    raise InvalidInput(message, field="period")


def period_label(start: datetime.date, end: datetime.date) -> str:
    if start.month == 1 and start.day == 1 and end == datetime.date(start.year, 12, 31):
        return str(start.year)
    return month_label(start)


def _rate_in_force(cooperative: Cooperative) -> Decimal:
    settings = cooperative.settings
    rate, cap = interest_rate(settings), interest_cap(settings)
    if rate > cap:  # the bylaws' validation refuses this; a run checks again
        raise InvalidInput(
            _(
                "The interest rate on capital (%(rate)s %%) is above the bylaws' cap "
                "(capital_interest_rate_cap_pct, %(cap)s %%): the rate may not exceed the cap."
            )
            % {"rate": rate, "cap": cap},
            field="capital_interest_rate_pct",
        )
    if rate == 0:
        raise StateConflict(
            _("The bylaws set no interest on capital (a rate of 0 %): there is nothing to credit."),
            code="no_interest_rate",
        )
    return rate


def _check_period(cooperative: Cooperative, start: datetime.date, end: datetime.date) -> None:
    check_not_before_founding(cooperative, end, field="period")
    if end >= clock.today_in(cooperative):
        raise StateConflict(
            _("The period %(period)s has not ended yet: interest is credited after it ends.")
            % {"period": period_label(start, end)},
            code="period_not_ended",
        )
    ran = CapitalInterestRun.objects.filter(
        cooperative=cooperative, period_start__lte=end, period_end__gte=start
    ).first()
    if ran is not None:
        raise StateConflict(
            _("Interest for %(period)s was credited already (the run of %(ran)s).")
            % {
                "period": period_label(start, end),
                "ran": period_label(ran.period_start, ran.period_end),
            },
            code="interest_already_run",
        )


def _entries_by_member(
    cooperative: Cooperative, end: datetime.date
) -> dict[int, list[tuple[datetime.date, Decimal]]]:
    rows = (
        CapitalAccountEntry.objects.filter(cooperative=cooperative, date__lte=end)
        .order_by("member_id", "date", "id")
        .values_list("member_id", "date", "amount")
    )
    found: dict[int, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    for member_id, day, amount in rows:
        found[member_id].append((day, amount))
    return found


def run_capital_interest(
    *, actor: Member | None, cooperative: Cooperative, period: str | None = None
) -> CapitalInterestRun:
    """Credit the interest of a period to every capital account (the treasurer, or the beat
    with `actor=None`). Refused (409) for a period already run or not ended, or without a rate."""
    require_role(actor, Role.TREASURER)
    start, end = period_bounds(cooperative, period)
    rate = _rate_in_force(cooperative)
    places = money.minor_units(cooperative.currency)
    with transaction.atomic():
        lock_chain(cooperative)  # one run at a time per co-op: the overlap check then holds
        _check_period(cooperative, start, end)
        run = CapitalInterestRun.objects.create(
            cooperative=cooperative,
            period_start=start,
            period_end=end,
            rate=rate,
            run_by=actor,
            run_at=clock.now(),
        )
        members = Member.objects.filter(cooperative=cooperative).select_related("user")
        by_id = {member.pk: member for member in members}
        note = _("Interest %(period)s: %(rate)s %% a year on the daily balance") % {
            "period": period_label(start, end),
            "rate": rate_text(rate),
        }
        total = ZERO
        for member_id, entries in sorted(_entries_by_member(cooperative, end).items()):
            opening = sum((amount for day, amount in entries if day < start), ZERO)
            changes = [(day, amount) for day, amount in entries if day >= start]
            figures = interest(opening, changes, start, end, rate, places)
            if not figures.amount:
                continue
            balance = opening + sum((amount for _day, amount in changes), ZERO)
            if money.exceeds_max(balance + figures.amount):
                raise AmountTooLarge(
                    _("The capital account of %(member)s would exceed what the books can hold.")
                    % {"member": by_id[member_id].display_name}
                )
            entry = CapitalAccountEntry.objects.create(
                cooperative=cooperative,
                member=by_id[member_id],
                kind=CapitalAccountEntry.Kind.INTEREST,
                amount=figures.amount,
                date=end,
                note=note,
                recorded_by=actor,
            )
            CapitalInterestLine.objects.create(
                run=run,
                member=by_id[member_id],
                entry=entry,
                amount=figures.amount,
                explanation=figures.explanation(),
            )
            bookkeeping.book_capital_entry(entry, actor=actor)
            total += figures.amount
        run.total = total
        run.save(update_fields=["total"])
        record(
            cooperative,
            actor,
            "capital.interest_run",
            run,
            {
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "rate": str(rate),
                "total": str(total),
            },
        )
        return run


def run_due_interest() -> dict[str, int]:
    """For the beat: run the period just ended for every co-op whose bylaws set a rate and
    that has not run it yet. Idempotent: a period run once is left alone."""
    made = skipped = 0
    for cooperative in Cooperative.objects.order_by("pk"):
        if interest_rate(cooperative.settings) == 0:
            continue
        start, end = period_bounds(cooperative)
        if end < founding_date(cooperative):  # founded since: nothing to credit yet
            continue
        if CapitalInterestRun.objects.filter(
            cooperative=cooperative, period_start__lte=end, period_end__gte=start
        ).exists():
            continue
        try:
            run_capital_interest(actor=None, cooperative=cooperative)
        except DomainError as error:
            logger.warning("capital interest of %s %s: %s", cooperative.slug, start, error)
            skipped += 1
            continue
        made += 1
    return {"run": made, "skipped": skipped}


# Reads ----------------------------------------------------------------------------------------


def interest_runs(cooperative: Cooperative) -> list[CapitalInterestRun]:
    return list(
        CapitalInterestRun.objects.filter(cooperative=cooperative)
        .select_related("run_by__user")
        .prefetch_related("lines")
    )
