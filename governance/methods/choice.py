"""Agree / abstain / disagree / block ballots: majority, supermajority, consensus and consent."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

CHOICES = ("agree", "abstain", "disagree", "block")


def count_choices(ballots: Iterable[tuple[str, Fraction | int]]) -> dict[str, Fraction]:
    """Total weight per choice (every choice present, zero when nobody chose it)."""
    counts = dict.fromkeys(CHOICES, Fraction(0))
    for choice, weight in ballots:
        counts[choice] += weight
    return counts


def passes(method: str, counts: dict[str, Fraction], threshold: Fraction) -> bool:
    """Whether the proposal passes under the method (quorum is checked by the caller).

    - majority: agree > disagree + block.
    - supermajority: agree / (agree + disagree + block) ≥ threshold (abstentions excluded); with
      nobody taking a side it does not pass.
    - consensus: agree ≥ 1 and no disagree and no block.
    - consent: agree ≥ 1 and no block (a block is a reasoned objection; disagreement is allowed).
    Blocks veto only under consensus and consent; under the majority methods a block is a "no".
    """
    agree, disagree, block = counts["agree"], counts["disagree"], counts["block"]
    if method == "majority":
        return agree > disagree + block
    if method == "supermajority":
        sides = agree + disagree + block
        return sides > 0 and agree / sides >= threshold
    if method == "consensus":
        return agree > 0 and disagree == 0 and block == 0
    if method == "consent":
        return agree > 0 and block == 0
    raise ValueError(f"unknown choice method {method!r}")
