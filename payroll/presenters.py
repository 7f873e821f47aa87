"""What the money pages show, in words and figures: a policy's terms, a distribution's page.

Views pass what these functions return to their templates and write no sentence or sum of their
own. `policy_in_words` is the policy as a member reads it (the distribution's page and the
policies page); `distribution_page` is everything the distribution's page shows: its lines, their
totals, the funds' percentages, the chart, and which files exist or failed for this viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext as _

from coop.durations import format_minutes
from coop.locale_formats import babel_locale
from coop.models import Member
from coop.money import format_money
from coop.months import month_label
from payroll import selectors
from payroll.draft_lines import InputChange, change_in_words, stale_inputs
from payroll.models import (
    Distribution,
    DistributionDocument,
    DistributionLine,
    DistributionPolicy,
    DocumentFailure,
)


def as_percent(fraction: Decimal) -> str:
    """0.15000 → "15"; 0.12345 → "12.345": a fraction as the percentage a form field takes."""
    return format((fraction * 100).normalize(), "f")


def percent(fraction: Decimal) -> str:
    """0.125 → "12.5%", "12,5 %": a fraction as the reader's language writes a percentage
    (CLDR), with every decimal it has."""
    return format_percent(fraction.normalize(), locale=babel_locale(), decimal_quantization=False)


def proposal_url(proposal: Any) -> str | None:
    """The governance page of a proposal (the vote that approves a run or adopted a policy)."""
    if proposal is None:
        return None
    return reverse("proposal", args=[proposal.cooperative.slug, proposal.pk])


def policy_in_words(policy: DistributionPolicy, currency: str) -> list[tuple[str, str]]:
    """A policy's terms as a member reads them, (label, value): percentages as percent.

    Not to be confused with `payroll.services.policies.policy_terms`, which checks a policy's fields
    with the computation's rules and returns the terms the computation takes.
    """
    recipients = ", ".join(
        f"{r['name']} ({_('weight')} {r['weight']})" for r in policy.commons_recipients
    )
    terms = [
        (_("Split of the member pool"), str(policy.get_method_display())),
        (
            _("Commons"),
            percent(policy.commons_pct) + (f" — {recipients}" if recipients else ""),
        ),
        (_("Collective reserve"), percent(policy.reserve_pct)),
        (_("Education fund"), percent(policy.education_pct)),
        (
            _("Paid in cash"),
            _("%(cash)s of each share; %(retained)s credited to capital")
            % {"cash": percent(policy.cash_pct), "retained": percent(1 - policy.cash_pct)},
        ),
    ]
    if policy.base_rate is not None:
        terms.append((_("Base rate"), f"{format_money(policy.base_rate, currency)} / h"))
    terms += [
        (_("Maximum pay ratio"), _("%s to 1") % localize(policy.max_pay_ratio.normalize())),
        (_("Losses carried forward"), _("yes") if policy.carry_losses else _("no")),
        (_("Approval"), str(policy.get_approval_display())),
    ]
    return terms


# How long members' dashboards announce a newly adopted policy.
POLICY_NOTICE_DAYS = 28


def policy_changes(
    previous: DistributionPolicy | None, policy: DistributionPolicy, currency: str
) -> list[str]:
    """What a new policy changed, term by term as members read them ("Commons: 15 % → 10 %");
    the first version lists its terms."""
    terms = policy_in_words(policy, currency)
    if previous is None:
        return [f"{label}: {value}" for label, value in terms]
    before = dict(policy_in_words(previous, currency))
    return [
        f"{label}: {before.get(label, '—')} → {value}"
        for label, value in terms
        if before.get(label) != value
    ] + [f"{label}: {value} → —" for label, value in before.items() if label not in dict(terms)]


def policy_notice(policy: DistributionPolicy, currency: str) -> dict[str, Any]:
    """A newly adopted policy as the dashboard and the members' e-mail announce it."""
    previous = selectors.previous_policy(policy)
    return {
        "policy": policy,
        "changes": policy_changes(previous, policy, currency),
        "first": previous is None,
    }


@dataclass(frozen=True)
class ChangedInput:
    """An input of a draft that changed since it was computed, as the page says it."""

    name: str
    label: str
    old: str
    new: str


def stale_in_words(changes: list[InputChange], currency: str) -> list[ChangedInput]:
    """A stale draft's changed inputs, each with its old and new value in the reader's words
    (the draft's page and the treasurer's dashboard)."""
    return [ChangedInput(change.name, *change_in_words(change, currency)) for change in changes]


@dataclass(frozen=True)
class MemberRow:
    """A member's line of a distribution as the page shows it."""

    line: DistributionLine
    hours: str
    show_iban: bool
    payslip: DistributionDocument | None


def member_totals(rows: list[MemberRow]) -> dict[str, Any]:
    """The members' lines added up: hours worked, shares, cash and what was retained."""
    return {
        "minutes": format_minutes(sum(row.line.minutes for row in rows)),
        "share": sum((row.line.share for row in rows), Decimal(0)),
        "cash": sum((row.line.cash for row in rows), Decimal(0)),
        "retained": sum((row.line.retained for row in rows), Decimal(0)),
    }


def buyin_rows(lines: list[DistributionLine], viewer: Member) -> list[dict[str, Any]]:
    """The buy-in instalments taken from the cash shares (payroll.shares): the treasurer's all,
    a member's own."""
    members = {line.member_id: line for line in lines if line.kind == DistributionLine.Kind.MEMBER}
    return [
        {
            "member_id": line.member_id,
            "name": line.name,
            "cash_share": members[line.member_id].cash + line.retained,
            "instalment": line.retained,
            "paid": members[line.member_id].cash,
        }
        for line in lines
        if line.kind == DistributionLine.Kind.BUYIN
        and line.member_id in members
        and (viewer.is_treasurer or line.member_id == viewer.pk)
    ]


def distribution_page(distribution: Distribution, viewer: Member) -> dict[str, Any]:
    """Everything the distribution's page shows to `viewer`: bank details and failed files of
    other members only to the treasurer, as the page has always done."""
    # Imported here: the files' builders (payroll.documents) write percentages with `percent`.
    from payroll import document_state
    from payroll.documents import sepa_unavailable_reason

    documents = {(d.kind, d.member_id): d for d in distribution.documents.all()}
    sepa = documents.get((DistributionDocument.Kind.SEPA, None))
    failures = [
        failure
        for failure in document_state.document_failures(distribution)
        if viewer.is_treasurer or failure.member_id in (None, viewer.pk)
    ]
    lines = list(distribution.lines.all())
    rows = [
        MemberRow(
            line=line,
            hours=format_minutes(line.minutes),
            show_iban=viewer.is_treasurer or line.member_id == viewer.pk,
            payslip=documents.get((DistributionDocument.Kind.PAYSLIP, line.member_id)),
        )
        for line in lines
        if line.kind == DistributionLine.Kind.MEMBER
    ]
    final = distribution.status in selectors.FINAL
    policy = distribution.policy
    proposal = distribution.approval_proposal
    vote_open = proposal is not None and proposal.state in ("draft", "discussion", "voting")
    stale = [] if vote_open else stale_inputs(distribution)
    return {
        "distribution": distribution,
        "month_label": month_label(distribution.month),
        "rows": rows,
        "commons_lines": [line for line in lines if line.kind == DistributionLine.Kind.COMMONS],
        "adjustments": [line for line in lines if line.kind == DistributionLine.Kind.ADJUSTMENT],
        "reimbursements": [
            line
            for line in lines
            if line.kind == DistributionLine.Kind.REIMBURSEMENT
            and (viewer.is_treasurer or line.member_id == viewer.pk)
        ],
        "buyins": buyin_rows(lines, viewer),
        "redemptions": [  # departed members' settlement instalments (payroll.settlements)
            line
            for line in lines
            if line.kind == DistributionLine.Kind.REDEMPTION
            and (viewer.is_treasurer or line.member_id == viewer.pk)
        ],
        "totals": member_totals(rows),
        "terms": policy_in_words(policy, distribution.currency),
        "policy": policy,
        "percents": {
            "commons": percent(policy.commons_pct),
            "reserve": percent(policy.reserve_pct),
            "education": percent(policy.education_pct),
        },
        "chart": selectors.chart_parts(distribution),
        "surplus": distribution.surplus,
        "final": final,
        "my_payslip": documents.get((DistributionDocument.Kind.PAYSLIP, viewer.pk)),
        "report": documents.get((DistributionDocument.Kind.REPORT, None)),
        "payments_csv": documents.get((DistributionDocument.Kind.CSV, None)),
        "sepa": sepa,
        "no_sepa_because": final and not sepa and sepa_unavailable_reason(distribution, lines),
        "payslip_count": sum(1 for kind, _member in documents if kind == "payslip"),
        "failures": failures,
        "max_attempts": DocumentFailure.MAX_ATTEMPTS,
        "generating": final and not documents and not failures,
        "proposal": proposal,
        "proposal_url": proposal_url(proposal),
        "vote_open": vote_open,
        "by_vote": policy.approval == DistributionPolicy.Approval.VOTE,
        "stale_inputs": stale_in_words(stale, distribution.currency),
        "policy_changed": any(change.name == "policy" for change in stale),
    }
