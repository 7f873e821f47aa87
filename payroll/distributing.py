"""Writes of the monthly distribution: draft, recompute, approve (or put to a vote), pay, void."""

import datetime
import itertools
from collections import defaultdict
from decimal import Context, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import IntegerField, Sum, Value
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coop import clock, money
from coop.audit import record
from coop.clock import today_in
from coop.errors import AmountTooLarge, InvalidInputs, NotAllowed, StateConflict
from coop.hours.services import hold_books, lock_period
from coop.models import Cooperative, Member, MemberStatusChange, TimeEntry
from coop.models.cooperative import MemberStatus, Role
from coop.months import month_bounds, month_label
from coop.services import require_role
from payroll import allocation, capital, enqueue
from payroll.models import (
    CapitalAccountEntry,
    Distribution,
    DistributionLine,
    DistributionPolicy,
    DocumentFailure,
    Expense,
    Revenue,
)
from payroll.services import current_policy, terms_of

WORKING = (MemberStatus.ACTIVE, MemberStatus.PROBATIONARY)


def members_in_run(cooperative: Cooperative, month: datetime.date) -> list[Member]:
    """Members who were active or probationary at any time in the month, or logged hours in it.

    Ordered by id: ties of the largest-remainder split go to the member listed first.
    """
    ids = [int(member_id) for member_id, _minutes, _weight in _work_in_run(cooperative, month)]
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
SELECT CAST(m.id AS TEXT), CASE WHEN w.minutes > 0 THEN w.minutes ELSE 0 END, m.rate_weight
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


def _work_in_run(cooperative: Cooperative, month: datetime.date) -> list[tuple[str, int, Decimal]]:
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
    names and IBANs are not read here: only the draft's lines need them (`_line_details`).
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
    revenue = expenses = Decimal("0")
    by_project: dict[str, Decimal] = {}
    for project_id, total, kind in revenue_rows.union(expense_rows, all=True):
        if kind == "expenses":
            expenses = total
            continue
        revenue += total
        if project_id is not None:
            by_project[str(project_id)] = total
    # As Sum() gives them when nothing was recorded or it adds up to 0.00: 0.
    revenue, expenses = revenue or Decimal("0"), expenses or Decimal("0")
    rows = _work_in_run(cooperative, month)
    if policy.method == DistributionPolicy.Method.PROJECT_HOURS:
        minutes: dict[str, dict[str, int]] = defaultdict(dict)
        for member_id, project_id, total in (
            TimeEntry.objects.filter(cooperative=cooperative, date__range=(first, last))
            .values_list("member_id", "project_id")
            .annotate(total=Sum("minutes"))
            .order_by()
        ):
            minutes[str(member_id)][str(project_id)] = max(0, total)
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


class LineDetails(NamedTuple):
    """What a member's line shows besides the figures."""

    name: str  # the legal name, else the display name
    display_name: str
    iban: str


def _line_details(cooperative: Cooperative) -> dict[str, LineDetails]:
    """The name and IBAN of each member of the co-op, by member id as the computation has it."""
    return {
        str(pk): LineDetails(legal_name or full_name or email, full_name or email, iban)
        for pk, legal_name, full_name, email, iban in Member.objects.filter(
            cooperative=cooperative
        ).values_list("id", "legal_name", "user__full_name", "user__email", "iban")
    }


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


def _compute(distribution: Distribution) -> None:
    """(Re)compute a draft's figures and lines from the month's data and its policy."""
    cooperative = distribution.cooperative
    inputs = month_inputs(cooperative, distribution.month, distribution.policy)
    try:
        result = allocation.compute_distribution(inputs)
    except allocation.PayRatioExceeded as error:
        message = error.message
        for member_id, member in _line_details(cooperative).items():
            message = message.replace(f"“{member_id}”", f"{member.display_name} (#{member_id})")
        raise StateConflict(message, field="policy") from None
    except allocation.DistributionError as error:
        if error.errors:
            raise InvalidInputs(error.errors) from None
        raise StateConflict(error.message) from None
    _ensure_figures_fit(inputs, result)
    details = _line_details(cooperative)
    work = {w.id: w for w in inputs.members}
    for name in ("revenue", "expenses", "losses_carried"):
        setattr(distribution, name, getattr(inputs, name))
    for name in ("surplus", "loss", "commons", "reserve", "education", "member_pool"):
        setattr(distribution, name, getattr(result, name))
    distribution.currency = inputs.currency
    distribution.computed_at = clock.now()
    distribution.save()
    distribution.lines.all().delete()
    pk, zero = distribution.pk, Decimal("0")
    rows: list[tuple[Any, ...]] = [
        (
            pk, DistributionLine.Kind.MEMBER.value, int(line.id), details[line.id].name,
            details[line.id].iban, work[line.id].minutes, str(line.weight), line.share,
            line.cash, line.retained,
            {
                "method": line.explanation.method,
                "minutes": line.explanation.minutes,
                "weight": line.explanation.weight,
                "fraction_of_pool": line.explanation.fraction_of_pool,
                "text": line.explanation.text,
            },
        )
        for line in result.lines
    ]  # fmt: skip
    rows += [
        (pk, DistributionLine.Kind.COMMONS.value, None, share.name, share.iban or "", 0,
         str(share.weight), share.amount, share.amount, zero, {})
        for share in result.commons_lines
    ]  # fmt: skip
    for kind, amount in (
        (DistributionLine.Kind.RESERVE, result.reserve),
        (DistributionLine.Kind.EDUCATION, result.education),
    ):
        if amount:
            rows.append(
                (pk, kind.value, None, str(kind.label), "", 0, "", amount, zero, amount, {})
            )
    _insert_lines(rows)


# The columns of a new line (database names), in the order of the rows `_compute` makes.
# COPY also writes `adjusts` and `note` with the fields' defaults: no adjustment, no note.
_LINE_COLUMNS = (
    "distribution_id", "kind", "member_id", "name", "iban", "minutes", "weight", "share", "cash",
    "retained", "explanation",
)  # fmt: skip


def _insert_lines(rows: list[tuple[Any, ...]]) -> None:
    """Insert a draft's lines: with COPY on PostgreSQL, else with one bulk INSERT.

    COPY stores the same values as `bulk_create` (the JSON through psycopg's `Jsonb`, as Django
    does) in a tenth of the time for thousands of lines: no model instance per line, and no
    statement of megabytes to build and parse (bench/distribution.py). It is one statement,
    which Django's query log does not list.
    """
    if connection.vendor != "postgresql":
        DistributionLine.objects.bulk_create(
            DistributionLine(**dict(zip(_LINE_COLUMNS, row, strict=True))) for row in rows
        )
        return
    from psycopg.types.json import Jsonb

    columns = ", ".join(map(connection.ops.quote_name, (*_LINE_COLUMNS, "adjusts_id", "note")))
    table = connection.ops.quote_name(DistributionLine._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for *values, explanation in rows:
            copy.write_row((*values, Jsonb(explanation), None, ""))


def _locked(distribution: Distribution) -> Distribution:
    return (
        Distribution.objects.select_for_update()
        .select_related("cooperative", "policy")
        .get(pk=distribution.pk)
    )


def _ensure_figures_fit(inputs: Any, result: Any) -> None:
    """Refuse (409) a month whose figures the books cannot store, rather than fail writing it."""
    figures = {
        "revenue": inputs.revenue,
        "expenses": inputs.expenses,
        "losses_carried": inputs.losses_carried,
        **{name: getattr(result, name) for name in ("surplus", "loss", "member_pool")},
    }
    for name, amount in figures.items():
        if money.exceeds_max(amount):
            raise AmountTooLarge(
                _(
                    "A figure of this month (%(figure)s: %(amount)s) is more than the books can "
                    "hold (%(max)s): correct the month's entries."
                )
                % {"figure": name, "amount": amount, "max": money.format_max()}
            )


def create_draft(
    *, actor: Member | None, cooperative: Cooperative, month: datetime.date
) -> Distribution:
    """Compute a draft for the month with the current policy (409 if the month has a run)."""
    require_role(actor, Role.TREASURER)
    month = month.replace(day=1)
    policy = current_policy(cooperative)
    if policy is None:
        raise StateConflict(_("Adopt a distribution policy first."), field="policy")
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=cooperative.pk)
        existing = Distribution.objects.filter(cooperative=cooperative, month=month).exclude(
            status=Distribution.Status.VOID
        )
        if existing.exists():
            raise StateConflict(
                _("%(month)s already has a distribution.") % {"month": month_label(month)},
                field="month",
            )
        distribution = Distribution.objects.create(
            cooperative=cooperative, month=month, policy=policy, currency=cooperative.currency
        )
        _compute(distribution)
        record(
            cooperative,
            actor,
            "distribution.drafted",
            distribution,
            {"month": f"{month:%Y-%m}", "policy": policy.version, "surplus": distribution.surplus},
        )
        return distribution


def _open_vote(distribution: Distribution) -> Any:
    proposal = distribution.approval_proposal
    if proposal is None:
        return None
    return proposal if proposal.state in ("draft", "discussion", "voting") else None


def recompute_draft(*, actor: Member | None, distribution: Distribution) -> Distribution:
    """Recompute a draft with the month's current data and the current policy."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict(
                _(
                    "This distribution is %(status)s: it cannot change. "
                    "A correction goes into a later month."
                )
                % {"status": distribution.get_status_display()}
            )
        if _open_vote(distribution):
            raise StateConflict(_("Members are voting on this draft: it cannot change meanwhile."))
        distribution.policy = current_policy(distribution.cooperative) or distribution.policy
        distribution.approval_proposal = None
        _compute(distribution)
        record(
            distribution.cooperative,
            actor,
            "distribution.recomputed",
            distribution,
            {"policy": distribution.policy.version, "surplus": distribution.surplus},
        )
        return distribution


def approve_distribution(
    *, actor: Member | None, distribution: Distribution, proposal: Any = None
) -> Distribution:
    """Approve a draft: the treasurer does, or, under a vote policy, this opens the vote.

    Approval locks the month's hours, revenue and expenses, credits the retained shares to the
    capital accounts and makes the payslips, report, CSV and SEPA file (Celery, on commit).
    Two concurrent approvals: the row lock makes the second find it approved (409).
    """
    if proposal is not None:
        from governance.actions.registry import require_decided

        # the same check the action makes: a passed distribution proposal that met the floors
        require_decided(
            "approve_distribution",
            frozenset({"distribution"}),
            distribution.cooperative,
            proposal,
        )
    else:
        require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict(
                _("This distribution is already %(status)s.")
                % {"status": distribution.get_status_display()}
            )
        first, last = month_bounds(distribution.month)
        if last >= today_in(distribution.cooperative):
            raise StateConflict(
                _("%(month)s is not over yet.") % {"month": month_label(distribution.month)}
            )
        if proposal is None and distribution.policy.approval == DistributionPolicy.Approval.VOTE:
            return _put_to_vote(actor, distribution)
        # Held until the period is locked below: no hours or money of the month change between
        # this check and the lock, so every entry is in this distribution or refused.
        hold_books(distribution.cooperative)
        changed = _figures_changed(distribution)
        if changed:
            raise StateConflict(
                _(
                    "The figures of %(month)s changed since this draft was computed "
                    "(%(changed)s): recompute it, check it and approve it again."
                )
                % {"month": month_label(distribution.month), "changed": changed}
            )
        capital.ensure_retained_shares_fit(distribution)
        distribution.status = Distribution.Status.APPROVED
        distribution.approved_at = clock.now()
        distribution.approved_by = actor
        if proposal is not None:
            distribution.approval_proposal = proposal
        distribution.save()
        lock_period(
            cooperative=distribution.cooperative,
            month=distribution.month,
            actor=actor,
            reason=f"distribution #{distribution.pk} approved",
        )
        CapitalAccountEntry.objects.bulk_create(
            [
                CapitalAccountEntry(
                    cooperative=distribution.cooperative,
                    member_id=line.member_id or 0,  # member lines always have a member
                    kind=CapitalAccountEntry.Kind.ALLOCATION,
                    amount=line.retained,
                    date=last,
                    distribution=distribution,
                    note=f"Retained share of {month_label(distribution.month)}",
                )
                for line in distribution.lines.filter(kind="member", retained__gt=0)
            ]
        )
        record(
            distribution.cooperative,
            actor,
            "distribution.approved",
            distribution,
            {"proposal": getattr(proposal, "pk", None), "member_pool": distribution.member_pool},
        )
        # With the broker down the approval still stands; payroll.tasks.sweep_documents
        # enqueues the files again.
        enqueue.distribution_documents(distribution.pk)
        return distribution


def regenerate_documents(*, actor: Member | None, distribution: Distribution) -> Distribution:
    """Try the files that failed again, after the cause was fixed (treasurer): their failures
    are cleared, so the task makes them anew, with a fresh count of attempts."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status not in (Distribution.Status.APPROVED, Distribution.Status.PAID):
            raise StateConflict(_("Files are made when the distribution is approved."))
        failures = DocumentFailure.objects.filter(distribution=distribution)
        kinds = sorted(set(failures.values_list("kind", flat=True)))
        count, _deleted = failures.delete()
        record(
            distribution.cooperative,
            actor,
            "distribution.documents_regenerated",
            distribution,
            {"failed": count, "kinds": kinds},
        )
        enqueue.distribution_documents(distribution.pk)
        return distribution


def _figures_changed(distribution: Distribution) -> str:
    """What differs between the stored draft and the month's figures now ("" when nothing)."""
    inputs = month_inputs(distribution.cooperative, distribution.month, distribution.policy)
    figures = {
        "revenue": pgettext("changed figure", "revenue"),
        "expenses": pgettext("changed figure", "expenses"),
        "losses_carried": pgettext("changed figure", "losses carried"),
    }
    for name, label in figures.items():
        if getattr(inputs, name) != getattr(distribution, name):
            return label
    try:
        result = allocation.compute_distribution(inputs)
    except allocation.DistributionError:
        return pgettext("changed figure", "the policy no longer accepts them")
    work = {int(w.id): w.minutes for w in inputs.members}
    now = {(int(line.id), work[int(line.id)], line.share, line.cash) for line in result.lines}
    stored = set(
        distribution.lines.filter(kind=DistributionLine.Kind.MEMBER).values_list(
            "member_id", "minutes", "share", "cash"
        )
    )
    return "" if now == stored else pgettext("changed figure", "members' hours or shares")


def _put_to_vote(actor: Member | None, distribution: Distribution) -> Distribution:
    from governance import services as governance
    from governance.floors import floors_for

    if _open_vote(distribution):
        raise StateConflict(_("Members are already voting on this draft."))
    if actor is None:
        raise NotAllowed(_("Only the treasurer puts a distribution to the vote."))
    now = clock.now()
    # The discussion and the vote last as long as the bylaws floors of distribution proposals
    # ask, and the vote at least a week.
    floors = floors_for(distribution.cooperative, "distribution")
    opens_at = now + floors.discussion
    proposal = governance.create_proposal(
        actor=actor,
        title=f"Approve the distribution of {month_label(distribution.month)}",
        body=(
            f"Surplus {distribution.surplus} {distribution.currency}: commons "
            f"{distribution.commons}, reserve {distribution.reserve}, education "
            f"{distribution.education}, members {distribution.member_pool}. The draft, line by "
            "line, is on the distribution page."
        ),
        kind="distribution",
        method="supermajority" if floors.threshold > Fraction(1, 2) else "majority",
        opens_at=opens_at,
        closes_at=opens_at + max(datetime.timedelta(days=7), floors.voting),
        action="approve_distribution",
        action_payload={"distribution": distribution.pk},
        now=now,
    )
    proposal = governance.open_proposal(actor=actor, proposal=proposal, now=now)
    distribution.approval_proposal = proposal
    distribution.save(update_fields=["approval_proposal"])
    record(
        distribution.cooperative,
        actor,
        "distribution.put_to_vote",
        distribution,
        {"proposal": proposal.pk},
    )
    return distribution


def mark_paid(*, actor: Member | None, distribution: Distribution) -> Distribution:
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.APPROVED:
            raise StateConflict(_("Only an approved distribution can be marked as paid."))
        distribution.status = Distribution.Status.PAID
        distribution.paid_at = clock.now()
        distribution.save(update_fields=["status", "paid_at"])
        record(distribution.cooperative, actor, "distribution.paid", distribution, {})
        return distribution


def void_draft(*, actor: Member | None, distribution: Distribution) -> Distribution:
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        distribution = _locked(distribution)
        if distribution.status != Distribution.Status.DRAFT:
            raise StateConflict(_("Only a draft can be voided."))
        if _open_vote(distribution):
            raise StateConflict(_("Members are voting on this draft: withdraw the vote first."))
        distribution.status = Distribution.Status.VOID
        distribution.save(update_fields=["status"])
        record(distribution.cooperative, actor, "distribution.voided", distribution, {})
        return distribution
