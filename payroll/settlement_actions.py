"""The vote that approves a departed member's settlement where the bylaws say a vote does.

Registered with governance in PayrollConfig.ready(), beside payroll's other actions."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.errors import InvalidInput
from coop.models import Cooperative
from governance.actions import registry
from payroll import settlement_approval
from payroll.proposal_actions import payload_object
from payroll.settlement_models import Settlement


def _settlement(cooperative: Cooperative, payload: dict[str, Any]) -> Settlement:
    settlement = payload_object(Settlement, cooperative, payload, "settlement")
    if settlement is None:
        raise InvalidInput(
            _("Choose a draft settlement of this co-op."), field="action_payload.settlement"
        )
    return settlement


def _validate(cooperative: Cooperative, payload: dict[str, Any]) -> dict[str, Any]:
    settlement = _settlement(cooperative, payload)
    if settlement.status != Settlement.Status.DRAFT:
        raise InvalidInput(
            _("Only a draft settlement can be approved; this one is %(status)s.")
            % {"status": settlement.get_status_display()},
            field="action_payload.settlement",
        )
    return {"settlement": settlement.pk}


def _approve(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> dict:
    settlement = settlement_approval.approve_settlement(
        actor=None, settlement=_settlement(cooperative, payload), proposal=proposal
    )
    return {"settlement": settlement.pk, "status": settlement.status}


def register_settlement_action() -> None:
    registry.register(
        settlement_approval.ACTION,
        description=gettext_lazy("Approve a departed member's settlement."),
        kinds=settlement_approval.MEMBERSHIP,
        validate=_validate,
        execute=_approve,
        example={"settlement": 3},
    )
