"""Executable decisions: a registry of actions a passed proposal runs when it closes.

Apps register their actions in `AppConfig.ready()`; governance calls them by name and never
imports the app that registered them (payroll registers `adopt_distribution_policy` and
`approve_distribution`). An action has a validator, run when the proposal is drafted, and an
executor, run inside the transaction that closes the proposal. An action may also have an
`if_not_passed` step, run in that transaction when the proposal closes rejected or without
quorum (payroll's `approve_expense_claim` rejects the claim then). An action may put several
outcomes to the vote (`options`): its validated payload then names the proposal's options and
the outcome each stands for, the proposal is a single-choice vote on exactly those options,
and the executor carries out the winning option's outcome only (`admit_member` at the end of a
probation: admit, extend or end).

Every action gives or takes power (roles, status, bylaws, policy, money), so every executor is
guarded when it is registered: it runs only for a passed proposal of one of its kinds that met
the bylaws floors of that kind, checked again when it runs (governance/floors.py).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from coop.errors import InvalidInput, NotAllowed
from coop.models import Cooperative

Validator = Callable[[Cooperative, dict[str, Any]], dict[str, Any]]
Executor = Callable[[Cooperative, dict[str, Any], Any], dict[str, Any] | None]
# The options a validated payload puts to the vote, or None when it puts none (a yes/no action).
OptionsOf = Callable[[dict[str, Any]], list[str] | None]


@dataclass(frozen=True)
class Action:
    name: str
    description: str | Promise  # a lazy string: translated where it is shown
    kinds: frozenset[str]
    validate: Validator
    execute: Executor
    example: dict[str, Any] | None = None  # a payload shown to members drafting a proposal
    if_not_passed: Executor | None = None  # run when the proposal closes and did not pass
    options: OptionsOf | None = None  # the outcomes a payload puts to a single-choice vote

    @property
    def example_json(self) -> str:
        return json.dumps(self.example, indent=2, ensure_ascii=False) if self.example else ""

    @property
    def kinds_text(self) -> str:
        return ", ".join(sorted(self.kinds))


_registry: dict[str, Action] = {}


def register(
    name: str,
    *,
    description: str | Promise,
    kinds: set[str] | frozenset[str],
    validate: Validator,
    execute: Executor,
    example: dict[str, Any] | None = None,
    if_not_passed: Executor | None = None,
    options: OptionsOf | None = None,
) -> None:
    """Make an action available to proposals of the given kinds (re-registering replaces it).

    The executor is stored guarded: whoever calls it, it refuses a proposal of another kind or
    one that did not meet its kind's floors."""
    kinds = frozenset(kinds)
    guarded = _guarded(name, kinds, execute)
    _registry[name] = Action(
        name, description, kinds, validate, guarded, example, if_not_passed, options
    )


def _guarded(name: str, kinds: frozenset[str], execute: Executor) -> Executor:
    def run(cooperative: Cooperative, payload: dict[str, Any], proposal: Any) -> Any:
        require_decided(name, kinds, cooperative, proposal)
        return execute(cooperative, payload, proposal)

    run.__doc__ = execute.__doc__
    return run


def require_decided(
    name: str, kinds: frozenset[str], cooperative: Cooperative, proposal: Any
) -> None:
    """Refuse to run the action unless a passed proposal of its kind, in this co-op, met the
    floors of that kind in force now."""
    from governance.floors import unmet_floors
    from governance.models import Proposal

    if not isinstance(proposal, Proposal) or proposal.cooperative_id != cooperative.pk:
        raise NotAllowed(_("Only a passed proposal of this co-op carries out an action."))
    if proposal.kind not in kinds:
        raise NotAllowed(
            _("This action runs only from a proposal of kind %(kinds)s.")
            % {"kinds": _kind_labels(kinds)}
        )
    unmet = unmet_floors(proposal)
    if unmet:
        raise NotAllowed(
            _("Not carried out: the proposal did not meet the bylaws floors. %(reasons)s")
            % {"reasons": " ".join(unmet)}
        )


def _kind_labels(kinds: frozenset[str]) -> str:
    """The kinds as members read them ("membership", "Mitgliedschaft"), in the stored order."""
    from governance.models import Kind

    return ", ".join(str(label) for value, label in Kind.choices if value in kinds)


def get(name: str) -> Action:
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry))
        raise InvalidInput(
            _("Unknown action “%(name)s”: the actions are %(known)s.")
            % {"name": name, "known": known},
            field="action",
        ) from None


def available() -> list[Action]:
    return sorted(_registry.values(), key=lambda action: action.name)


def validate_payload(
    cooperative: Cooperative, kind: str, name: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """Check a drafted proposal's action and payload; returns the normalized payload."""
    action = get(name)
    if kind not in action.kinds:
        raise InvalidInput(
            _("This action belongs on a proposal of kind %(kinds)s.")
            % {"kinds": _kind_labels(action.kinds)},
            field="action",
        )
    if not isinstance(payload, dict):
        raise InvalidInput(_("The action's details must be a JSON object."), field="action_payload")
    return action.validate(cooperative, payload)


def options_of(name: str, payload: dict[str, Any]) -> list[str] | None:
    """The options a validated payload of the action puts to the vote (None: a yes/no vote)."""
    action = get(name)
    return action.options(payload) if action.options else None
