"""A draft's figures and lines: the month's inputs computed, refused in words, and stored."""

import json
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.db import connection, models
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from coop import clock, money
from coop.durations import format_minutes
from coop.errors import AmountTooLarge, InvalidInputs, StateConflict
from coop.models import Cooperative, Member
from coop.text_translation import translate
from payroll import allocation, shares
from payroll.claim_selectors import claims_to_reimburse
from payroll.models import Distribution, DistributionLine
from payroll.run_inputs import month_inputs
from payroll.services.policies import current_policy
from payroll.settlement_payments import instalments_due


class LineDetails(NamedTuple):
    """What a member's line shows besides the figures."""

    name: str  # the legal name, else the display name
    display_name: str
    iban: str


def line_details(cooperative: Cooperative) -> dict[allocation.MemberId, LineDetails]:
    """The name and IBAN of each member of the co-op, by member id.

    Unordered (`order_by()`): a dict by id needs no sort by the model's default ordering.
    """
    return {
        pk: LineDetails(legal_name or full_name or email, full_name or email, iban)
        for pk, legal_name, full_name, email, iban in Member.objects.filter(cooperative=cooperative)
        .order_by()
        .values_list("id", "legal_name", "user__full_name", "user__email", "iban")
    }


def compute_draft(distribution: Distribution) -> None:
    """(Re)compute a draft's figures and lines from the month's data and its policy.

    Python's cycle collector is paused meanwhile: a run makes a dozen small containers per
    member (figures, steps, rows to write), none in a cycle, and the collector walked all of
    them again and again (at 50,000 members, a fifth of the draft).
    """
    with allocation.no_cycle_collection():
        _compute_draft(distribution)


def _compute_draft(distribution: Distribution) -> None:
    cooperative = distribution.cooperative
    inputs = month_inputs(cooperative, distribution.month, distribution.policy)
    try:
        result = allocation.compute_distribution(inputs)
    except allocation.PayRatioExceeded as error:
        raise StateConflict(_pay_ratio_message(error, cooperative), field="policy") from None
    except allocation.DistributionError as error:
        if error.errors:
            raise InvalidInputs(error.errors) from None
        raise StateConflict(translate(error.text) if error.text else error.message) from None
    _ensure_figures_fit(inputs, result)
    details = line_details(cooperative)
    for name in ("revenue", "expenses", "losses_carried"):
        setattr(distribution, name, getattr(inputs, name))
    for name in ("surplus", "loss", "commons", "reserve", "education", "member_pool"):
        setattr(distribution, name, getattr(result, name))
    distribution.currency = inputs.currency
    distribution.computed_at = clock.now()
    distribution.save()
    _delete_lines(distribution)
    pk, zero, member = distribution.pk, Decimal("0"), DistributionLine.Kind.MEMBER.value
    rows: list[Any] = [
        [
            pk, member, line.id, details[line.id].name,
            details[line.id].iban, line.minutes, line.weight_fraction, line.share,
            line.cash, line.retained,
            {
                "method": line.explanation.method,
                "weight": line.explanation.weight,
                "fraction_of_pool": line.explanation.fraction_of_pool,
                "steps": list(line.explanation.steps),
            },
        ]
        for line in result.lines
    ]  # fmt: skip
    rows += _buyin_rows(distribution, rows)
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
    rows += [
        (pk, DistributionLine.Kind.REIMBURSEMENT.value, claim.member_id,
         details[claim.member_id].name, details[claim.member_id].iban, 0, "", zero,
         claim.amount, zero, {"claim": claim.pk})
        for claim in claims_to_reimburse(cooperative, distribution.month)
    ]  # fmt: skip
    rows += _redemption_rows(distribution, details)
    _insert_lines(rows)


def _buyin_rows(distribution: Distribution, rows: list[list[Any]]) -> list[tuple[Any, ...]]:
    """The buy-in lines of the draft (`payroll.shares`): each instalment is taken from the
    member line's cash (a row is changed in place), and held by a `buyin` line as retained."""
    cash_shares = {row[2]: row[8] for row in rows}
    instalments = shares.draft_instalments(distribution, cash_shares)
    if not instalments:
        return []
    added: list[tuple[Any, ...]] = []
    zero = Decimal("0")
    for row in rows:
        if row[2] in instalments:
            subscription, amount = instalments[row[2]]
            row[8] -= amount
            added.append(
                (distribution.pk, DistributionLine.Kind.BUYIN.value, row[2], row[3], "", 0,
                 "", zero, zero, amount, {"subscription": subscription})
            )  # fmt: skip
    return added


def _redemption_rows(
    distribution: Distribution, details: dict[allocation.MemberId, LineDetails]
) -> list[tuple[Any, ...]]:
    """A redemption line for each settlement instalment due by the month: paid in cash beside
    the shares (not part of the surplus), out of the departed member's capital account."""
    zero = Decimal("0")
    return [
        (distribution.pk, DistributionLine.Kind.REDEMPTION.value, part.settlement.member_id,
         details[part.settlement.member_id].name, details[part.settlement.member_id].iban, 0, "",
         zero, part.amount + part.interest, zero,
         {"instalment": part.pk, "settlement": part.settlement_id, "number": part.number,
          "amount": str(part.amount), "interest": str(part.interest)})
        for part in instalments_due(distribution.cooperative, distribution.month)
    ]  # fmt: skip


def _pay_ratio_message(error: allocation.PayRatioExceeded, cooperative: Cooperative) -> str:
    """Rule 6's refusal, naming the two members by name and id in the reader's language."""
    members = Member.objects.filter(cooperative=cooperative).select_related("user")
    names: dict[allocation.MemberId, str] = {
        m.pk: m.display_name for m in members.filter(pk__in=[error.highest, error.lowest])
    }

    def named(member_id: allocation.MemberId) -> str:
        return f"{names[member_id]} (#{member_id})"

    return _(
        "The pay ratio is exceeded: member %(highest)s has rate weight %(highest_weight)s and "
        "member %(lowest)s has rate weight %(lowest_weight)s, a ratio of %(ratio)s to 1, above "
        "the policy's maximum of %(max)s to 1. Change the rate weights or adopt a policy with a "
        "higher maximum pay ratio."
    ) % {
        "highest": named(error.highest),
        "highest_weight": error.highest_weight,
        "lowest": named(error.lowest),
        "lowest_weight": error.lowest_weight,
        "ratio": error.ratio_text,
        "max": error.max_pay_ratio_text,
    }


# The columns of a new line (database names), in the order of the rows `compute_draft` makes.
# COPY also writes `adjusts` and `note` with the fields' defaults: no adjustment, no note.
_LINE_COLUMNS = (
    "distribution_id", "kind", "member_id", "name", "iban", "minutes", "weight", "share", "cash",
    "retained", "explanation",
)  # fmt: skip


# `json.dumps` with its defaults keeps a dict of every container it is inside, to refuse cycles.
_JSON = json.JSONEncoder(check_circular=False)


def _delete_lines(distribution: Distribution) -> None:
    """Delete a draft's lines in one DELETE.

    `QuerySet.delete()` would load every line to look for rows that protect it (a bank match),
    then delete them in batches: a query per hundred lines. The protection is checked here in
    one query per protecting kind (none in practice: only approved runs are matched), raising
    what Django raises.
    """
    for relation in DistributionLine._meta.related_objects:
        if relation.on_delete is not models.PROTECT:
            continue
        model = cast(type[models.Model], relation.related_model)
        protecting = model._base_manager.filter(
            **{f"{relation.field.name}__distribution": distribution}
        )
        if protecting.exists():
            raise ProtectedError(
                f"The lines of distribution {distribution.pk} are referenced by "
                f"{model.__name__} rows.",
                set(protecting),
            )
    table = connection.ops.quote_name(DistributionLine._meta.db_table)
    column = connection.ops.quote_name(DistributionLine._meta.get_field("distribution").column)
    with connection.cursor() as cursor:  # the names are the model's own, quoted
        cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [distribution.pk])  # noqa: S608


def _insert_lines(rows: list[Any]) -> None:
    """Insert a draft's lines: with COPY on PostgreSQL, else with one bulk INSERT.

    COPY stores the same values as `bulk_create` (the JSON as the text that psycopg's `Jsonb`
    sends, as Django does) in a tenth of the time for thousands of lines: no model instance per
    line, and no statement of megabytes to build and parse (bench/distribution.py). It is one
    statement, which Django's query log does not list. The JSON is written by an encoder that
    does not look for cycles (the explanations are trees of plain values): the same text, in
    less than half the time of `json.dumps`.
    """
    if connection.vendor != "postgresql":
        DistributionLine.objects.bulk_create(
            DistributionLine(**dict(zip(_LINE_COLUMNS, row, strict=True))) for row in rows
        )
        return
    encode = _JSON.encode
    columns = ", ".join(map(connection.ops.quote_name, (*_LINE_COLUMNS, "adjusts_id", "note")))
    table = connection.ops.quote_name(DistributionLine._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        # The COPY is in text format: the JSON goes as its text, which is what psycopg's
        # `Jsonb` dumper would send, without a wrapper and a dumper's look-up per line.
        for *values, explanation in rows:
            copy.write_row((*values, encode(explanation), None, ""))


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
                % {
                    "figure": name,
                    "amount": money.format_money(amount, inputs.currency),
                    "max": money.format_max(),
                }
            )


class InputChange(NamedTuple):
    """One input of a draft that differs from the month's data now: its value then and now.

    `name` is revenue, expenses or losses_carried (amounts), hours (minutes), members (a
    count), policy (the version) or shares (no single figure: a member's rate weight changed,
    or the policy no longer accepts the month; `old` and `new` are then None).
    """

    name: str
    old: Decimal | int | None = None
    new: Decimal | int | None = None


def _labels() -> dict[str, str]:
    return {
        "revenue": pgettext("changed figure", "revenue"),
        "expenses": pgettext("changed figure", "expenses"),
        "losses_carried": pgettext("changed figure", "losses carried"),
        "hours": pgettext("changed figure", "hours"),
        "members": pgettext("changed figure", "members"),
        "policy": pgettext("changed figure", "policy"),
        "shares": pgettext("changed figure", "members' hours or shares"),
        "refused": pgettext("changed figure", "the policy no longer accepts them"),
    }


def _value_in_words(name: str, value: Decimal | int, currency: str) -> str:
    if name in ("revenue", "expenses", "losses_carried"):
        return money.format_money(Decimal(value), currency)
    if name == "hours":
        return format_minutes(int(value))
    if name == "policy":
        return _("version %s") % value
    return str(value)


def change_in_words(change: InputChange, currency: str) -> tuple[str, str, str]:
    """(what, old, new) in the reader's language; old and new are "" for `shares`/`refused`."""
    label = _labels()[change.name]
    if change.old is None or change.new is None:
        return label, "", ""
    return (
        label,
        _value_in_words(change.name, change.old, currency),
        _value_in_words(change.name, change.new, currency),
    )


def input_changes(distribution: Distribution) -> list[InputChange]:
    """Every input of the stored draft that differs from the month's data now, old and new.

    The draft's own policy version is used, as when it was computed; a newer policy is
    `stale_inputs`' concern (approving with the policy it was computed with stays allowed).
    """
    inputs = month_inputs(distribution.cooperative, distribution.month, distribution.policy)
    cent = Decimal("0.01")  # as stored (DECIMAL(14, 2)); SQLite's sums come as they add up
    changes = [
        InputChange(
            name, getattr(distribution, name).quantize(cent), getattr(inputs, name).quantize(cent)
        )
        for name in ("revenue", "expenses", "losses_carried")
        if getattr(inputs, name) != getattr(distribution, name)
    ]
    stored = list(
        distribution.lines.filter(kind=DistributionLine.Kind.MEMBER).values_list(
            "member_id", "minutes", "share", "cash"
        )
    )
    # A member line's cash is net of the buy-in instalment taken from it (payroll.shares).
    taken = dict(
        distribution.lines.filter(kind=DistributionLine.Kind.BUYIN).values_list(
            "member_id", "retained"
        )
    )
    stored = [
        (member, minutes, share, cash + taken.get(member, 0))
        for member, minutes, share, cash in stored
    ]
    old_minutes = sum(minutes for _member, minutes, _share, _cash in stored)
    new_minutes = sum(work.minutes for work in inputs.members)
    if old_minutes != new_minutes:
        changes.append(InputChange("hours", old_minutes, new_minutes))
    if len(stored) != len(inputs.members):
        changes.append(InputChange("members", len(stored), len(inputs.members)))
    try:
        result = allocation.compute_distribution(inputs)
    except allocation.DistributionError:
        return [*changes, InputChange("refused")]
    now = {(line.id, line.minutes, line.share, line.cash) for line in result.lines}
    if not changes and now != set(stored):
        changes.append(InputChange("shares"))
    return changes


def figures_changed(distribution: Distribution) -> str:
    """What differs between the stored draft and the month's figures now ("" when nothing),
    every changed input named with its old and new value."""
    parts = []
    for change in input_changes(distribution):
        label, old, new = change_in_words(change, distribution.currency)
        parts.append(f"{label} {old} → {new}" if old else label)
    return "; ".join(parts)


def stale_inputs(distribution: Distribution) -> list[InputChange]:
    """What changed since a draft was computed: its inputs, and a newer policy (a draft only)."""
    if distribution.status != Distribution.Status.DRAFT:
        return []
    changes = input_changes(distribution)
    latest = current_policy(distribution.cooperative)
    if latest is not None and latest.pk != distribution.policy_id:
        changes.append(InputChange("policy", distribution.policy.version, latest.version))
    return changes
