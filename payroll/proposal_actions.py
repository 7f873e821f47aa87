"""The decisions payroll lets a vote take: adopt a policy, approve a distribution, an expense or
a member's expense claim.

Registered with governance in PayrollConfig.ready(); governance calls them by name.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.errors import InvalidInput, InvalidInputs
from coop.models import Cooperative
from governance.actions import registry
from payroll import claims, distributing
from payroll.models import Distribution, Expense, ExpenseClaim
from payroll.services import policies, spending

PERCENTAGES = ("commons_pct", "reserve_pct", "education_pct", "cash_pct")


def payload_object(model: Any, cooperative: Cooperative, payload: dict[str, Any], key: str) -> Any:
    """The co-op's row of `model` whose id the payload gives under `key` (a number, or its
    digits as text: the proposal form sends text); None for anything else, so that a payload
    naming no row of the co-op is one refusal, never a query on a value that is not an id."""
    value = payload.get(key)
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit())
    ):
        return None
    return model.objects.filter(cooperative=cooperative, pk=int(value)).first()


def _decimal(payload: dict[str, Any], name: str) -> Decimal | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, float | bool) or not isinstance(value, str | int):
        raise InvalidInput(
            _('Write the number as text, such as "0.15".'), field=f"action_payload.{name}"
        )
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(
            _("“%(value)s” is not a number.") % {"value": value}, field=f"action_payload.{name}"
        ) from None


def _policy_fields(payload: dict[str, Any]) -> dict[str, Any]:
    fields = {
        "method": payload.get("method"),
        "commons_recipients": payload.get("commons_recipients") or [],
        "carry_losses": payload.get("carry_losses", False),
        "approval": payload.get("approval", "treasurer"),
        "base_rate": _decimal(payload, "base_rate"),
        "max_pay_ratio": _decimal(payload, "max_pay_ratio") or Decimal("3"),
    }
    for name in PERCENTAGES:
        fields[name] = _decimal(payload, name) or (
            Decimal("1") if name == "cash_pct" else Decimal("0")
        )
    return fields


def _validate_policy(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    try:
        terms = policies.policy_terms(_policy_fields(payload))
    except InvalidInputs as error:
        # The policy's sentences already say what is wrong; the keys say where in the payload.
        raise InvalidInputs(
            {
                ("action_payload" if key == "non_field_errors" else f"action_payload.{key}"): (
                    problems
                )
                for key, problems in error.errors.items()
            }
        ) from None
    # A draft that could never be carried out is refused now; the action checks again when it
    # runs, under the legal profile in force then.
    policies.check_legal_minimums(cooperative, terms, field_prefix="action_payload.")
    return payload


def _adopt_policy(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> dict:
    policy = policies.adopt_policy(
        actor=None, cooperative=cooperative, proposal=proposal, **_policy_fields(payload)
    )
    return {"policy": policy.pk, "version": policy.version}


def _distribution(cooperative: Cooperative, payload: dict[str, Any]) -> Distribution:
    distribution = payload_object(Distribution, cooperative, payload, "distribution")
    if distribution is None:
        raise InvalidInput(
            _("Choose a draft distribution of this co-op."), field="action_payload.distribution"
        )
    return distribution


def _validate_distribution(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    distribution = _distribution(cooperative, payload)
    if distribution.status != Distribution.Status.DRAFT:
        raise InvalidInput(
            _("Only a draft distribution can be approved; this one is %(status)s.")
            % {"status": distribution.get_status_display()},
            field="action_payload.distribution",
        )
    return {"distribution": distribution.pk}


def _approve_distribution(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> dict:
    distribution = distributing.approve_distribution(
        actor=None, distribution=_distribution(cooperative, payload), proposal=proposal
    )
    return {"distribution": distribution.pk, "status": distribution.status}


def _expense(cooperative: Cooperative, payload: dict[str, Any]) -> Expense:
    expense = payload_object(Expense, cooperative, payload, "expense")
    if expense is None:
        raise InvalidInput(
            _("Choose a submitted expense of this co-op."), field="action_payload.expense"
        )
    return expense


def _validate_expense(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    expense = _expense(cooperative, payload)
    if expense.status != Expense.Status.SUBMITTED:
        raise InvalidInput(
            _("Only a submitted expense can be approved; this one is %(status)s.")
            % {"status": expense.get_status_display()},
            field="action_payload.expense",
        )
    return {"expense": expense.pk}


def _approve_expense(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> dict:
    expense = spending.decide_expense(
        actor=None, expense=_expense(cooperative, payload), approve=True, proposal=proposal
    )
    return {"expense": expense.pk, "status": expense.status}


def _claim(cooperative: Cooperative, payload: dict[str, Any]) -> ExpenseClaim:
    claim = payload_object(ExpenseClaim, cooperative, payload, "claim")
    if claim is None:
        raise InvalidInput(
            _("Choose a submitted expense claim of this co-op."), field="action_payload.claim"
        )
    return claim


def _validate_claim(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    claim = _claim(cooperative, payload)
    if claim.status != ExpenseClaim.Status.SUBMITTED:
        raise InvalidInput(
            _("Only a submitted claim can be decided; this one is %(status)s.")
            % {"status": claim.get_status_display()},
            field="action_payload.claim",
        )
    return {"claim": claim.pk}


def _approve_claim(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> dict:
    claim = claims.approve_claim(actor=None, claim=_claim(cooperative, payload), proposal=proposal)
    return {"claim": claim.pk, "status": claim.status, "expense": claim.expense_id}


def _reject_claim(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> dict:
    """The spending proposal closed rejected or without quorum: so is the claim."""
    from governance.models import Proposal

    if not isinstance(proposal, Proposal) or proposal.result == Proposal.Result.PASSED:
        raise InvalidInput(_("Only a proposal that did not pass rejects a claim."))
    claim = _claim(cooperative, payload)
    if claim.status != ExpenseClaim.Status.SUBMITTED:
        return {"claim": claim.pk, "status": claim.status}
    claim = claims.reject_claim(
        actor=None,
        claim=claim,
        reason=_("The members' vote did not approve it (%(result)s).")
        % {"result": proposal.get_result_display()},
        proposal=proposal,
    )
    return {"claim": claim.pk, "status": claim.status}


def register_payroll_actions() -> None:
    registry.register(
        "adopt_distribution_policy",
        description=gettext_lazy("Adopt a new version of the distribution policy."),
        kinds={"policy"},
        validate=_validate_policy,
        execute=_adopt_policy,
        example={
            "method": "hours",
            "commons_pct": "0.15",
            "reserve_pct": "0.10",
            "education_pct": "0.05",
            "cash_pct": "0.80",
            "max_pay_ratio": "3",
            "commons_recipients": [{"name": "Django Software Foundation", "weight": "1"}],
        },
    )
    registry.register(
        "approve_distribution",
        description=gettext_lazy("Approve a draft monthly distribution."),
        kinds={"distribution"},
        validate=_validate_distribution,
        execute=_approve_distribution,
        example={"distribution": 7},
    )
    registry.register(
        "approve_expense",
        description=gettext_lazy("Approve an expense above the bylaws' spending limit."),
        kinds={"spending"},
        validate=_validate_expense,
        execute=_approve_expense,
        example={"expense": 31},
    )
    registry.register(
        claims.ACTION,
        description=gettext_lazy(
            "Approve a member's expense claim above the bylaws' spending limit (rejected if "
            "the proposal does not pass)."
        ),
        kinds={"spending"},
        validate=_validate_claim,
        execute=_approve_claim,
        example={"claim": 12},
        if_not_passed=_reject_claim,
    )
