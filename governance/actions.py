"""Executable decisions: a registry of actions a passed proposal runs when it closes.

Apps register their actions in `AppConfig.ready()`; governance calls them by name and never
imports the app that registered them (payroll registers `adopt_distribution_policy` and
`approve_distribution`). An action has a validator, run when the proposal is drafted, and an
executor, run inside the transaction that closes the proposal.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coop.errors import InvalidInput
from coop.models import Cooperative

Validator = Callable[[Cooperative, dict[str, Any]], dict[str, Any]]
Executor = Callable[[Cooperative, dict[str, Any], Any], dict[str, Any] | None]


@dataclass(frozen=True)
class Action:
    name: str
    description: str
    kinds: frozenset[str]
    validate: Validator
    execute: Executor
    example: dict[str, Any] | None = None  # a payload shown to members drafting a proposal

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
    description: str,
    kinds: set[str] | frozenset[str],
    validate: Validator,
    execute: Executor,
    example: dict[str, Any] | None = None,
) -> None:
    """Make an action available to proposals of the given kinds (re-registering replaces it)."""
    _registry[name] = Action(name, description, frozenset(kinds), validate, execute, example)


def get(name: str) -> Action:
    try:
        return _registry[name]
    except KeyError:
        known = ", ".join(sorted(_registry)) or "none"
        raise InvalidInput(f"Unknown action “{name}” (known: {known}).", field="action") from None


def available() -> list[Action]:
    return sorted(_registry.values(), key=lambda action: action.name)


def validate_payload(
    cooperative: Cooperative, kind: str, name: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """Check a drafted proposal's action and payload; returns the normalized payload."""
    action = get(name)
    if kind not in action.kinds:
        kinds = ", ".join(sorted(action.kinds))
        raise InvalidInput(
            f"The action “{name}” belongs on a proposal of kind {kinds}.", field="action"
        )
    if not isinstance(payload, dict):
        raise InvalidInput("The action payload must be a JSON object.", field="action_payload")
    return action.validate(cooperative, payload)
