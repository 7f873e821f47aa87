"""Single transferable vote for several seats: Scottish STV.

The rules of the Scottish Local Government Elections Order 2007 (SSI 2007/42, schedule 1, rules
45–52): the Droop quota floor(valid votes / (seats + 1)) + 1; candidates reaching the quota are
elected; surpluses are transferred largest first by the weighted inclusive Gregory method, every
ballot of the elected candidate passing on at its current value × surplus / the candidate's
votes, truncated to five decimal places; when no surplus remains to transfer, the candidate with
the fewest votes is excluded and their ballots pass on at their current values; when the
continuing candidates are as many as the seats left, they are all elected.

Each stage accounts for the whole valid vote, as the count sheets of the Order do: the votes of
the candidates, plus the non-transferable votes (ballots with no continuing preference left,
`exhausted`), plus the loss by fractions (what truncating transfer values to five decimals
dropped, `fractions_lost`) add up to the valid vote exactly.

Where the Order breaks a tie by lot, Cooperage breaks it deterministically instead: by the
votes at the most recent earlier stage where the tied candidates differed, then by the order of
the options. Because a vote of the members should not turn on list order, a result that needed
that last step reports `tie` so that the co-op decides.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

Ranking = tuple[str, ...]
_PLACES = 10**5


def _truncate(value: Fraction) -> Fraction:
    return Fraction(math.floor(value * _PLACES), _PLACES)


@dataclass
class StvStage:
    action: str  # "count", "surplus", "exclusion"
    candidate: str | None
    votes: dict[str, Fraction]
    exhausted: Fraction  # non-transferable: no continuing preference left
    elected: list[str]
    fractions_lost: Fraction = Fraction(0)  # dropped by truncating transfer values, so far

    @property
    def total(self) -> Fraction:
        """The candidates' votes, the non-transferable votes and the loss by fractions: the
        valid vote, at every stage."""
        return sum(self.votes.values(), Fraction(0)) + self.exhausted + self.fractions_lost


@dataclass
class StvResult:
    quota: Fraction
    winners: list[str]
    tie: bool
    stages: list[StvStage] = field(default_factory=list)
    valid: Fraction = Fraction(0)  # the valid vote: every stage totals it


@dataclass
class _Parcel:
    ranking: Ranking
    weight: Fraction  # how many ballots (weighted) share this ranking
    value: Fraction  # the current value of each


def single_transferable_vote(
    options: Sequence[str], groups: Counter[Ranking], seats: int
) -> StvResult:
    """Elect `seats` options by Scottish STV (see the module docstring)."""
    valid: Fraction = Fraction(sum((w for ranking, w in groups.items() if ranking), Fraction(0)))
    quota = Fraction(math.floor(valid / (seats + 1)) + 1)
    piles: dict[str, list[_Parcel]] = {option: [] for option in options}
    exhausted = Fraction(0)
    fractions_lost = Fraction(0)
    elected: list[str] = []
    excluded: set[str] = set()
    stages: list[StvStage] = []
    pending: list[str] = []  # elected candidates whose surplus is still to transfer
    used_option_order = False

    def continuing() -> list[str]:
        return [o for o in options if o not in excluded and o not in elected]

    def votes(option: str) -> Fraction:
        return sum((p.weight * p.value for p in piles[option]), Fraction(0))

    def place(parcel: _Parcel) -> None:
        nonlocal exhausted
        hopefuls = set(continuing())
        nxt = next((o for o in parcel.ranking if o in hopefuls), None)
        if nxt is None:
            exhausted += parcel.weight * parcel.value
        else:
            piles[nxt].append(parcel)

    def snapshot(action: str, candidate: str | None) -> None:
        stages.append(
            StvStage(
                action,
                candidate,
                {o: votes(o) for o in options},
                exhausted,
                list(elected),
                fractions_lost,
            )
        )

    def break_tie(tied: list[str], lowest: bool) -> str:
        nonlocal used_option_order
        candidates = list(tied)
        for stage in reversed(stages):
            if len(candidates) == 1:
                return candidates[0]
            values = [stage.votes[o] for o in candidates]
            target = min(values) if lowest else max(values)
            candidates = [o for o in candidates if stage.votes[o] == target]
        if len(candidates) > 1:
            used_option_order = True
        return max(candidates, key=options.index) if lowest else candidates[0]

    def elect_reaching_quota() -> None:
        reached = [o for o in continuing() if votes(o) >= quota]
        # Highest vote first; equal votes ordered by the tie rule.
        while reached and len(elected) < seats:
            best = max(votes(o) for o in reached)
            top = [o for o in reached if votes(o) == best]
            chosen = top[0] if len(top) == 1 else break_tie(top, lowest=False)
            elected.append(chosen)
            pending.append(chosen)
            reached.remove(chosen)

    for ranking, weight in groups.items():
        if ranking and weight:
            place(_Parcel(ranking, Fraction(weight), Fraction(1)))
    elect_reaching_quota()
    snapshot("count", None)
    while len(elected) < seats:
        hopefuls = continuing()
        if len(hopefuls) <= seats - len(elected):
            elected.extend(hopefuls)
            snapshot("elected remaining", None)
            break
        surpluses = [(votes(o) - quota, o) for o in pending if votes(o) > quota]
        if surpluses:
            best = max(s for s, _ in surpluses)
            top = [o for s, o in surpluses if s == best]
            candidate = top[0] if len(top) == 1 else break_tie(top, lowest=False)
            surplus = votes(candidate) - quota
            total = votes(candidate)
            parcels, piles[candidate] = piles[candidate], []
            transferred = Fraction(0)
            for parcel in parcels:
                new_value = _truncate(parcel.value * surplus / total)
                if new_value:
                    place(_Parcel(parcel.ranking, parcel.weight, new_value))
                    transferred += parcel.weight * new_value
            # The elected candidate keeps the quota; what truncation dropped from the surplus
            # goes to no one: it is the loss by fractions.
            fractions_lost += surplus - transferred
            piles[candidate] = [_Parcel((), Fraction(1), quota)]
            pending.remove(candidate)
            elect_reaching_quota()
            snapshot("surplus", candidate)
            continue
        pending.clear()
        fewest = min(votes(o) for o in hopefuls)
        tied = [o for o in hopefuls if votes(o) == fewest]
        loser = tied[0] if len(tied) == 1 else break_tie(tied, lowest=True)
        excluded.add(loser)
        parcels, piles[loser] = piles[loser], []
        for parcel in parcels:
            place(parcel)
        elect_reaching_quota()
        snapshot("exclusion", loser)
    return StvResult(quota, elected[:seats], used_option_order, stages, valid)
