"""What a month's run reads: the members in it, their minutes and rate weights, and the money.

The figures come as the pure computation takes them (`allocation.DistributionInputs`), in a fixed
number of queries whatever the number of members (bench/distribution.py).
"""

import datetime
import itertools
from collections import defaultdict
from decimal import Context, Decimal

from django.db import connection
from django.db.models import IntegerField, Sum, Value

from coop.models import Cooperative, Member, MemberStatusChange, TimeEntry
from coop.models.cooperative import MemberStatus
from coop.months import month_bounds
from payroll import allocation
from payroll.models import Distribution, DistributionPolicy, Expense, Revenue
from payroll.services import terms_of

WORKING = (MemberStatus.ACTIVE, MemberStatus.PROBATIONARY)


def members_in_run(cooperative: Cooperative, month: datetime.date) -> list[Member]:
    """Members who were active or probationary at any time in the month, or logged hours in it.

    Ordered by id: ties of the largest-remainder split go to the member listed first.
    """
    ids = [member_id for member_id, _minutes, _weight in _work_in_run(cooperative, month)]
    return list(Member.objects.filter(pk__in=ids).select_related("user").order_by("id"))


# One statement: each member of the co-op LEFT JOINed onto the month's minutes (one aggregate),
# kept when they logged hours or when their status history makes them working in the month.
# A status period [effective_on, next change) overlaps the month [first, last] when it is the
# period in force on the first day (the latest change on or before it, by date then id) or
# starts later in the month. The status subqueries run only for members without hours (an OR
# stops at its first true branch); both use the index on member_id. The columns are those of
# `allocation.MemberWork`; nobody works fewer than 0 minutes, whatever the adjustments.
_WORK_IN_RUN_SQL = """
WITH worked AS (
    SELECT member_id, SUM(minutes) AS minutes FROM {entries}
    WHERE cooperative_id = %s AND date BETWEEN %s AND %s
    GROUP BY member_id
)
SELECT m.id, CASE WHEN w.minutes > 0 THEN w.minutes ELSE 0 END, m.rate_weight
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
ORDER BY m.id
"""


def _work_in_run(cooperative: Cooperative, month: datetime.date) -> list[tuple[int, int, Decimal]]:
    """Each member in the run as (id, minutes, rate weight), in one query (see the SQL above)."""
    first, last = month_bounds(month)
    sql = _WORK_IN_RUN_SQL.format(
        entries=TimeEntry._meta.db_table,
        members=Member._meta.db_table,
        changes=MemberStatusChange._meta.db_table,
    )
    params: list[int | datetime.date | str] = [cooperative.pk, first, last, cooperative.pk]
    params += [first, last, *WORKING, first, *WORKING]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if rows and type(rows[0][2]) is not Decimal:
        # SQLite hands decimals back as int or float: convert them as the ORM does.
        rows = [(member_id, minutes, _rate_weight(weight)) for member_id, minutes, weight in rows]
    return rows


def _rate_weight(value: float) -> Decimal:
    """A rate weight from SQLite as the ORM reads it (quantized to the field's decimal places)."""
    places = Member._meta.get_field("rate_weight").decimal_places
    return Context(prec=15).create_decimal_from_float(value).quantize(Decimal(1).scaleb(-places))


def month_inputs(
    cooperative: Cooperative, month: datetime.date, policy: DistributionPolicy
) -> allocation.DistributionInputs:
    """The month's figures as the pure computation takes them (a fixed number of queries).

    The members in the run come with their minutes in one statement. The minutes by project
    are summed too only when the policy splits by project (no other method reads them). The
    names and IBANs are not read here: only the draft's lines need them
    (`draft_lines.line_details`).
    """
    first, last = month_bounds(month)
    # One query for the money: the revenue by project (its total is the sum of those sums, and
    # of the revenue without a project: exact, like the numeric SUM) and the approved expenses.
    revenue_rows = (
        Revenue.objects.filter(cooperative=cooperative, received_on__range=(first, last))
        .values("project_id")
        .order_by()
        .annotate(total=Sum("amount"), kind=Value("revenue"))
        .values_list("project_id", "total", "kind")
    )
    expense_rows = (
        Expense.objects.filter(
            cooperative=cooperative, date__range=(first, last), status=Expense.Status.APPROVED
        )
        .values("cooperative_id")
        .order_by()
        .annotate(
            project=Value(None, output_field=IntegerField()),
            total=Sum("amount"),
            kind=Value("expenses"),
        )
        .values_list("project", "total", "kind")
    )
    revenue = expenses = taken_back = Decimal("0")
    by_project: dict[str, Decimal] = {}
    for project_id, total, kind in revenue_rows.union(expense_rows, all=True):
        if kind == "expenses":
            expenses = total
            continue
        if total < 0:
            # Corrections (revenue of a distributed month taken back) that this month's revenue
            # of the same project does not cover: they lower the surplus as an outgoing would,
            # so that the computation's revenue and each project's stay ≥ 0 and the surplus is
            # still the sum of every row (docs/billing.md, "Payments and revenue").
            taken_back -= total
            continue
        revenue += total
        if project_id is not None:
            by_project[str(project_id)] = total
    # As Sum() gives them when nothing was recorded or it adds up to 0.00: 0.
    revenue = revenue or Decimal("0")
    expenses = (expenses or Decimal("0")) + taken_back
    rows = _work_in_run(cooperative, month)
    if policy.method == DistributionPolicy.Method.PROJECT_HOURS:
        minutes: dict[int, dict[str, int]] = defaultdict(dict)
        for member_id, project_id, total in (
            TimeEntry.objects.filter(cooperative=cooperative, date__range=(first, last))
            .values_list("member_id", "project_id")
            .annotate(total=Sum("minutes"))
            .order_by()
        ):
            minutes[member_id][str(project_id)] = max(0, total)
        work = [allocation.MemberWork(*row, minutes[row[0]]) for row in rows]
    else:
        work = list(itertools.starmap(allocation.MemberWork, rows))
    return allocation.DistributionInputs(
        currency=cooperative.currency,
        revenue=revenue,
        expenses=expenses,
        losses_carried=_losses_carried(cooperative, month, policy),
        revenue_by_project=by_project,
        policy=terms_of(policy),
        members=work,
    )


def _losses_carried(
    cooperative: Cooperative, month: datetime.date, policy: DistributionPolicy
) -> Decimal:
    """The loss of the latest approved month before this one, when the policy carries losses.

    Each month's loss already includes what it carried, so only the latest one is needed.
    """
    if not policy.carry_losses:
        return Decimal("0")
    previous = (
        Distribution.objects.filter(cooperative=cooperative, month__lt=month)
        .filter(status__in=[Distribution.Status.APPROVED, Distribution.Status.PAID])
        .order_by("-month")
        .first()
    )
    return previous.loss if previous else Decimal("0")
