"""What a month's run reads: the members in it, their minutes and rate weights, and the money.

The figures come as the pure computation takes them (`allocation.DistributionInputs`), in a fixed
number of queries whatever the number of members (bench/distribution.py).
"""

import bisect
import datetime
import operator
from collections import defaultdict
from decimal import Context, Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum

from coop.models import Cooperative, Member, MemberStatusChange, TimeEntry
from coop.models.cooperative import MemberStatus
from coop.months import month_bounds
from payroll import allocation
from payroll.allocation.inputs import NO_PROJECTS
from payroll.models import Distribution, DistributionPolicy, Expense, Revenue
from payroll.services.policies import terms_of

WORKING = (MemberStatus.ACTIVE, MemberStatus.PROBATIONARY)


def members_in_run(cooperative: Cooperative, month: datetime.date) -> list[Member]:
    """Members who were active or probationary at any time in the month, or logged hours in it.

    Ordered by id: ties of the largest-remainder split go to the member listed first.
    """
    ids = [member_id for member_id, _minutes, _weight in _work_in_run(cooperative, month)]
    return list(Member.objects.filter(pk__in=ids).select_related("user").order_by("id"))


# One statement for everything the computation reads. Each member of the co-op is LEFT JOINed
# onto the month's minutes (one aggregate) and kept when they logged hours or when their status
# history makes them working in the month. A status period [effective_on, next change) overlaps
# the month [first, last] when it is the period in force on the first day (the latest change on
# or before it, by date then id) or starts later in the month. The status subqueries run only
# for members without hours (an OR stops at its first true branch); both use the index on
# member_id. Nobody works fewer than 0 minutes, whatever the adjustments.
# The money comes in the same statement, in rows whose first column is a negative kind instead
# of a member id (database ids are positive): the revenue by project, the approved expenses and,
# when the policy carries losses, the loss of the latest approved month (see `_MONEY`). There
# is no ORDER BY: the rows are sorted by their first column in Python, which puts the money
# first and the members in id order, and costs less than PostgreSQL's sort (at 50,000 members
# it spilled to disk with the default work_mem, and the members often come already in order).
_WORK_AND_MONEY_SQL = """
WITH worked AS (
    SELECT member_id, SUM(minutes) AS minutes FROM {entries}
    WHERE cooperative_id = %s AND date BETWEEN %s AND %s
    GROUP BY member_id
)
SELECT m.id, CASE WHEN w.minutes > 0 THEN w.minutes ELSE 0 END, m.rate_weight{as_text}
FROM {members} m
LEFT JOIN worked w ON w.member_id = m.id
WHERE m.cooperative_id = %s AND (
    w.member_id IS NOT NULL
    OR EXISTS (
        SELECT 1 FROM {changes} c
        WHERE c.member_id = m.id AND c.effective_on > %s AND c.effective_on <= %s
            AND c.status IN (%s, %s)
    )
    OR (
        SELECT c.status FROM {changes} c
        WHERE c.member_id = m.id AND c.effective_on <= %s
        ORDER BY c.effective_on DESC, c.id DESC
        LIMIT 1
    ) IN (%s, %s)
)
"""
_MONEY_SQL = """
UNION ALL
SELECT -1, project_id, SUM(amount){as_text} FROM {revenue}
WHERE cooperative_id = %s AND received_on BETWEEN %s AND %s
GROUP BY project_id
UNION ALL
SELECT -2, NULL, SUM(amount){as_text} FROM {expenses}
WHERE cooperative_id = %s AND date BETWEEN %s AND %s AND status = %s
"""
_LOSS_SQL = """
UNION ALL
SELECT -3, NULL, (
    SELECT loss FROM {distributions}
    WHERE cooperative_id = %s AND month < %s AND status IN (%s, %s)
    ORDER BY month DESC LIMIT 1
){as_text}
"""
# The first column of the money's rows (members have positive ids).
_REVENUE, _EXPENSES, _LOSS = -1, -2, -3


def _work_in_run(cooperative: Cooperative, month: datetime.date) -> list[tuple[int, int, object]]:
    """Each member in the run as (id, minutes, rate weight as read), in id order, in one query."""
    return _run_rows(cooperative, month, money=False)[1]


def _run_rows(
    cooperative: Cooperative, month: datetime.date, *, money: bool, carry_losses: bool = False
) -> tuple[list[tuple[int, int | None, Decimal | None]], list[tuple[int, int, object]], dict]:
    """The money's rows, the members' rows in id order, and their rate weights' Decimals.

    One statement (see the SQL above): with `money`, the month's revenue by project and its
    approved expenses, and with `carry_losses` the loss carried, come with the members. The
    members' rows are (id, minutes, rate weight as the database hands it over); the mapping
    returned last gives the rate weight's Decimal, made once per distinct weight.
    """
    first, last = month_bounds(month)
    sql = _WORK_AND_MONEY_SQL
    params: list[int | datetime.date | str] = [cooperative.pk, first, last, cooperative.pk]
    params += [first, last, *WORKING, first, *WORKING]
    if money:
        sql += _MONEY_SQL
        params += [cooperative.pk, first, last, cooperative.pk, first, last]
        params.append(Expense.Status.APPROVED)
    if carry_losses:
        sql += _LOSS_SQL
        params += [cooperative.pk, month, Distribution.Status.APPROVED, Distribution.Status.PAID]
    sqlite = connection.vendor == "sqlite"
    sql = sql.format(
        # PostgreSQL hands the decimals over as their text, which `_Decimals` turns into a
        # Decimal once per distinct text; psycopg would make one Decimal a member (1.3 ms of
        # the reads at 5,000 members).
        as_text="" if sqlite else "::text",
        entries=TimeEntry._meta.db_table,
        members=Member._meta.db_table,
        changes=MemberStatusChange._meta.db_table,
        revenue=Revenue._meta.db_table,
        expenses=Expense._meta.db_table,
        distributions=Distribution._meta.db_table,
    )
    with connection.cursor() if sqlite else _server_binding_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows.sort(key=_FIRST_COLUMN)
    split = bisect.bisect_left(rows, 0, key=_FIRST_COLUMN)
    money_rows, members = rows[:split], rows[split:]
    if sqlite:
        # SQLite hands decimals back as int or float: convert them as the ORM does.
        money_rows = [(kind, key, _sqlite_amount(kind, value)) for kind, key, value in money_rows]
        return money_rows, members, _SQLiteRateWeights()
    decimals = _Decimals()
    money_rows = [(kind, key, decimals.get_or_none(value)) for kind, key, value in money_rows]
    return money_rows, members, decimals


def _server_binding_cursor() -> Any:
    """A cursor on Django's PostgreSQL connection that sends the parameters apart (psycopg's
    `Cursor`, the extended protocol with an unnamed statement) instead of Django's default
    `ClientCursor`, which writes them into the SQL's text.

    Measured in turns at 500 members (docs/performance.md, section 8, fourth round): 1.2-1.3×
    the raw aggregate instead of 1.5-1.7×; no difference at 5,000. Nothing is prepared by name,
    so a connection pooler in transaction mode is fine. It is the same connection, in the same
    transaction, and Django's wrapper (its query log, its errors) wraps it.
    """
    import psycopg

    with connection.cursor():
        pass  # connects, and makes Django's checks of the connection as any query does
    cursor = psycopg.Cursor(connection.connection)
    # django-stubs type these as taking Django's wrapper; they take the DB-API cursor it wraps.
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)  # type: ignore[arg-type]
    return connection.make_cursor(cursor)  # type: ignore[arg-type]


class _Decimals(dict[str, Decimal]):
    """PostgreSQL's text of a numeric → the Decimal psycopg's numeric loader makes of it.

    A run's members share a few rate weights: one Decimal is made for each distinct text
    (Decimals are immutable), from the text as psycopg does, so the figures are identical.
    """

    def __missing__(self, text: str) -> Decimal:
        self[text] = number = Decimal(text)
        return number

    def get_or_none(self, text: str | None) -> Decimal | None:
        return None if text is None else self[text]


class _SQLiteRateWeights(dict[float, Decimal]):
    """SQLite's rate weight (int or float) → its Decimal as the ORM reads it, once per value."""

    def __missing__(self, value: float) -> Decimal:
        self[value] = weight = _rate_weight(value)
        return weight


_FIRST_COLUMN = operator.itemgetter(0)


def _rate_weight(value: float) -> Decimal:
    """A rate weight from SQLite as the ORM reads it (quantized to the field's decimal places)."""
    return _from_sqlite(value, Member._meta.get_field("rate_weight").decimal_places)


def _sqlite_amount(kind: int, value: float | None) -> Decimal | None:
    """An amount from SQLite as the ORM read it: a SUM() as it comes, a stored loss quantized."""
    if value is None:
        return None
    if kind == _LOSS:
        return _from_sqlite(value, Distribution._meta.get_field("loss").decimal_places)
    return _from_sqlite(value)


def _from_sqlite(value: float, places: int | None = None) -> Decimal:
    """Django's SQLite converter: 15 significant digits, quantized when read from a column."""
    number = Context(prec=15).create_decimal_from_float(value)
    return number if places is None else number.quantize(Decimal(1).scaleb(-places))


def month_inputs(
    cooperative: Cooperative, month: datetime.date, policy: DistributionPolicy
) -> allocation.DistributionInputs:
    """The month's figures as the pure computation takes them (a fixed number of queries).

    The members in the run come with their minutes and the month's money in one statement.
    The minutes by project are summed too, in a second query, only when the policy splits by
    project (no other method reads them). The
    names and IBANs are not read here: only the draft's lines need them
    (`draft_lines.line_details`). Python's cycle collector is paused while the rows become
    `MemberWork`: at 50,000 members it walked the whole process dozens of times.
    """
    with allocation.no_cycle_collection():
        return _month_inputs(cooperative, month, policy)


def _month_inputs(
    cooperative: Cooperative, month: datetime.date, policy: DistributionPolicy
) -> allocation.DistributionInputs:
    first, last = month_bounds(month)
    money_rows, rows, weights = _run_rows(
        cooperative, month, money=True, carry_losses=policy.carry_losses
    )
    revenue = expenses = taken_back = losses_carried = Decimal("0")
    by_project: dict[str, Decimal] = {}
    for kind, project_id, total in money_rows:
        if total is None:
            continue  # no expenses, or no earlier approved month
        if kind == _EXPENSES:
            expenses = total
        elif kind == _LOSS:
            losses_carried = total
        elif total < 0:
            # Corrections (revenue of a distributed month taken back) that this month's revenue
            # of the same project does not cover: they lower the surplus as an outgoing would,
            # so that the computation's revenue and each project's stay ≥ 0 and the surplus is
            # still the sum of every row (docs/billing.md, "Payments and revenue").
            taken_back -= total
        else:
            # The revenue's total is the sum of the sums by project (and of the revenue without
            # a project): exact, like the numeric SUM.
            revenue += total
            if project_id is not None:
                by_project[str(project_id)] = total
    # As Sum() gives them when nothing was recorded or it adds up to 0.00: 0.
    revenue = revenue or Decimal("0")
    expenses = (expenses or Decimal("0")) + taken_back
    if policy.method == DistributionPolicy.Method.PROJECT_HOURS:
        minutes: dict[int, dict[str, int]] = defaultdict(dict)
        for member_id, project_id, total in (
            TimeEntry.objects.filter(cooperative=cooperative, date__range=(first, last))
            .values_list("member_id", "project_id")
            .annotate(total=Sum("minutes"))
            .order_by()
        ):
            minutes[member_id][str(project_id)] = max(0, total)
        work = [
            allocation.MemberWork(member_id, total, weights[weight], minutes[member_id])
            for member_id, total, weight in rows
        ]
    else:
        # The named tuples are made without MemberWork.__new__'s Python frame (its only work
        # is to freeze the minutes by project, which these members have none of).
        make, work_type, none = tuple.__new__, allocation.MemberWork, NO_PROJECTS
        work = [
            make(work_type, (member_id, total, weights[weight], none))
            for member_id, total, weight in rows
        ]
    return allocation.DistributionInputs(
        currency=cooperative.currency,
        revenue=revenue,
        expenses=expenses,
        losses_carried=losses_carried,
        revenue_by_project=by_project,
        policy=terms_of(policy),
        members=work,
    )
