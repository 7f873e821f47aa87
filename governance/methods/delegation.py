"""Liquid democracy: whose vote carries whose weight, following chains of delegation."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Resolution:
    """`weights[voter]`: 1 for the voter plus one per member whose delegation reaches them.

    `carried_by[member]` names the voter who carries an eligible non-voter's weight; members whose
    chain ends nowhere (no vote at the end, or a cycle) are in `lost`.
    """

    weights: dict[Hashable, int]
    carried_by: dict[Hashable, Hashable] = field(default_factory=dict)
    lost: set[Hashable] = field(default_factory=set)


def resolve_delegations(
    *,
    eligible: Iterable[Hashable],
    voted: Iterable[Hashable],
    delegations: Mapping[Any, Any],
) -> Resolution:
    """Resolve delegations for one proposal, in time linear in the number of members.

    Rules: a member who voted counts for themself — their own delegation is overridden. An
    eligible member who did not vote passes their weight along their delegation chain to the
    first member in it who voted. A chain that reaches a member who neither voted nor delegates,
    or that loops (a cycle), carries the weight to no one. `delegations` maps each delegator to
    their delegate for this proposal's kind (the caller lets a per-kind delegation override the
    general one).
    """
    voters = set(voted)
    eligible_set = set(eligible)
    weights: dict[Hashable, int] = dict.fromkeys(voters, 1)
    end_of: dict[Hashable, Hashable | None] = {voter: voter for voter in voters}
    carried_by: dict[Hashable, Hashable] = {}
    lost: set[Hashable] = set()
    for member in eligible_set - voters:
        path: list[Hashable] = []
        on_path: set[Hashable] = set()
        node: Hashable | None = member
        while node is not None and node not in end_of:
            if node in on_path:  # a cycle: everyone on it ends nowhere
                node = None
                break
            path.append(node)
            on_path.add(node)
            node = delegations.get(node)
        end = end_of.get(node) if node is not None else None
        for visited in path:
            end_of[visited] = end
        if end is None:
            lost.add(member)
        else:
            weights[end] += 1
            carried_by[member] = end
    return Resolution(weights, carried_by, lost)
