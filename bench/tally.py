"""Schulze and IRV over 50,000 ballots × 10 options: the project's count against pure Python.

Baselines, measured in the same run on the same ballots: a straightforward pure-Python Schulze
written below (per-ballot pairwise loops, then widest paths), and pyrankvote's instant-runoff
(an independent pure-Python library). Two ballot sets: "realistic" (a Plackett–Luce model of
voters who agree more or less and rank only their top few options, so rankings repeat) and
"all distinct" (uniformly random complete rankings: the worst case for counting distinct
rankings first). Goal: the project ≥ 10× faster. No database: pure functions.

Then, end to end, on the bench database (in a transaction that is rolled back): the project's
count as a close or a running count runs it (`governance.selectors.current_count`: each ballot's
stored ranking, `Ballot.positions`, read as bytes joined by PostgreSQL, grouped and counted with
NumPy, no option name decoded) against loading every ranking and counting it with the same
baselines. The rows: one 1,000-ballot proposal of the federation, and the two 50,000-ballot sets
stored as the ballots of a proposal, as a cast stores them. "Same result" there also compares the
whole result with the count of the ballots by name (`tally_grouped`, the count of the file).
"""

from __future__ import annotations

import gc
import json
import random
import statistics
import sys
import time
from fractions import Fraction
from operator import itemgetter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from governance.methods import tally, tally_grouped
from governance.methods.rankings import count_rankings, ranking_positions

BALLOTS = 50_000
OPTIONS = [f"Option {chr(65 + i)}" for i in range(10)]
GOAL = 10.0
REPEAT = 7
ONE = Fraction(1)


def realistic_ballots(rng: random.Random) -> list[list[str]]:
    """Plackett–Luce with decreasing option strengths; most voters rank 1 to 4 options."""
    strengths = [0.75**i for i in range(len(OPTIONS))]
    ballots = []
    for _ in range(BALLOTS):
        length = min(len(OPTIONS), 1 + int(rng.expovariate(0.45)))
        left, weights, ranking = list(OPTIONS), list(strengths), []
        for _ in range(length):
            pick = rng.choices(range(len(left)), weights)[0]
            ranking.append(left.pop(pick))
            weights.pop(pick)
        ballots.append(ranking)
    return ballots


def distinct_ballots(rng: random.Random) -> list[list[str]]:
    return [rng.sample(OPTIONS, len(OPTIONS)) for _ in range(BALLOTS)]


def reference_schulze(options: list[str], rankings: list[list[str]]) -> list[list[str]]:
    """Schulze, plainly: a pairwise matrix from every ballot, widest paths, unbeaten tiers."""
    n = len(options)
    index = {option: i for i, option in enumerate(options)}
    d = [[0] * n for _ in range(n)]
    for ranking in rankings:
        place = [n] * n
        for position, option in enumerate(ranking):
            place[index[option]] = position
        for i in range(n):
            row, mine = d[i], place[i]
            for j in range(n):
                if mine < place[j]:
                    row[j] += 1
    p = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for k in range(n):
        for i in range(n):
            for j in range(n):
                if i != j != k != i:
                    p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    remaining, tiers = list(range(n)), []
    while remaining:
        tier = [i for i in remaining if all(p[j][i] <= p[i][j] for j in remaining)]
        tiers.append([options[i] for i in tier])
        remaining = [i for i in remaining if i not in tier]
    return tiers


def pyrankvote_irv(options: list[str], rankings: list[list[str]]) -> list[str]:
    import pyrankvote
    from pyrankvote import Ballot, Candidate

    candidates = {option: Candidate(option) for option in options}
    ballots = [Ballot(ranked_candidates=[candidates[o] for o in r]) for r in rankings]
    result = pyrankvote.instant_runoff_voting(list(candidates.values()), ballots)
    return [candidate.name for candidate in result.get_winners()]


def project(method: str, ballots: list[tuple[dict, Fraction]]) -> dict:
    """The count a closing proposal runs, on normalized ballots with their weights."""
    return tally(method, OPTIONS, ballots, eligible=len(ballots), quorum=Fraction(0))


def main() -> int:
    print(f"machine: {harness.machine()}")
    rng = random.Random(harness.SEED)
    rows, figures, notes = [], {}, []
    sets = [("realistic", realistic_ballots(rng)), ("all distinct", distinct_ballots(rng))]
    for label, ballots in sets:
        distinct = len({tuple(r) for r in ballots})
        # As `tally_ballot_file` hands them over: the default weight is one shared Fraction.
        normalized = [({"ranking": ranking}, ONE) for ranking in ballots]
        # A caller building a new Fraction(1) per ballot takes the slower path that reads every
        # weight's numerator and denominator; it is timed too, and printed below the table.
        unshared = [({"ranking": ranking}, Fraction(1)) for ranking in ballots]
        slower, _ = harness.timed(lambda b=unshared: project("schulze", b), repeat=REPEAT)
        notes.append(f"Schulze, {label}, a new Fraction(1) per ballot: {harness.seconds(slower)}")
        figures[f"schulze {label}, unshared weights"] = {"project_s": slower}
        grouping, _ = harness.timed(lambda b=normalized: _group(b), repeat=REPEAT)
        ours, theirs, result, expected = _alternating(
            lambda b=normalized: project("schulze", b),
            lambda b=ballots: reference_schulze(OPTIONS, b),
        )
        same = result["ranking"] == expected
        rows.append(
            _row(f"Schulze, {label}", distinct, ours, theirs, "plain Python", same, grouping)
        )
        figures[f"schulze {label}"] = _figures(distinct, ours, theirs, same)
        ours, theirs, result, expected = _alternating(
            lambda b=normalized: project("irv", b), lambda b=ballots: pyrankvote_irv(OPTIONS, b)
        )
        same = result["winners"] == expected
        rows.append(_row(f"IRV, {label}", distinct, ours, theirs, "pyrankvote", same, grouping))
        figures[f"irv {label}"] = _figures(distinct, ours, theirs, same)
    print(f"{BALLOTS:,} ballots × {len(OPTIONS)} options; medians of {REPEAT} runs, taking turns")
    print(
        harness.table(
            rows,
            ["count", "distinct rankings", "project", "of which grouping", "baseline",
             "baseline is", "speed-up", "same result", "goal ≥ 10×"],
        )
    )  # fmt: skip
    print("\n".join(notes))
    del ballots, normalized, unshared
    rows, more = end_to_end(sets)
    print(
        "\nEnd to end, from PostgreSQL: the project's count (`selectors.current_count`: the"
        " stored rankings, grouped and counted with NumPy) against loading every ranking and"
        " counting it in plain Python (pyrankvote for IRV); medians of 5 runs, taking turns"
    )
    print(
        harness.table(
            rows,
            ["count", "ballots", "distinct rankings", "baseline: load every ranking + count",
             "project: current_count", "speed-up", "same result"],
        )
    )  # fmt: skip
    harness.save("tally", {**figures, **more})
    return 0


def _alternating(ours, theirs, repeat: int = REPEAT) -> tuple[float, float, object, object]:
    """Median times of the project and of the baseline, run in turns after one untimed call of
    each (imports, caches), so that a change in the machine's load hits both alike."""
    ours_times, their_times = [], []
    result, expected = ours(), theirs()
    for _ in range(repeat):
        start = time.perf_counter()
        result = ours()
        middle = time.perf_counter()
        expected = theirs()
        their_times.append(time.perf_counter() - middle)
        ours_times.append(middle - start)
    return statistics.median(ours_times), statistics.median(their_times), result, expected


def _group(ballots: list[tuple[dict, Fraction]]) -> object:
    """The grouping step as `tally` calls it."""
    rankings = map(itemgetter("ranking"), map(itemgetter(0), ballots))
    return count_rankings(rankings, list(map(itemgetter(1), ballots)))


# End to end -------------------------------------------------------------------------------------

EVERY_BALLOT = "SELECT content->'ranking' FROM governance_ballot WHERE proposal_id = %s"


class Rollback(Exception):
    pass


def end_to_end(sets: list[tuple[str, list[list[str]]]]) -> tuple[list[list], dict]:
    """Load + count on the bench database, in a transaction rolled back at the end.

    The project's path is the one a close and a running count take (`selectors.current_count`):
    the ballots grouped by PostgreSQL, each distinct ranking once with its weight, then
    `tally_grouped`. The baseline loads every ranking and counts it in plain Python (pyrankvote
    for IRV). The rows: one 1,000-ballot Schulze proposal of the federation (4 options), and the
    two 50,000-ballot sets above stored as ballots of a proposal of the co-op `scale-50000`.
    """
    harness.setup()
    from django.db import connection, transaction

    from governance import selectors
    from governance.models import Proposal

    rows: list[list] = []
    figures: dict = {}
    try:
        with transaction.atomic():
            proposals = Proposal.objects.filter(
                cooperative__slug=harness.FEDERATION, method="schulze"
            ).order_by("-id")
            federation = proposals.first()
            if federation is None:
                raise SystemExit("no Schulze proposal in the bench data set: run bench/data.py")
            cases = [("one proposal of the federation", federation, "schulze")]
            for label, ballots in sets:
                proposal = _stored(connection, Proposal, ballots)
                cases += [(label, proposal, "schulze"), (label, proposal, "irv")]
            # The sets now live in the database only: 100,000 rankings left in memory would make
            # every pass of the cyclic collector longer, on both sides of the ratio.
            sets.clear()
            gc.collect()
            for label, proposal, method in cases:
                proposal.method = method  # in memory only: the same ballots, counted both ways
                row, figure = _end_to_end_row(connection, selectors, label, proposal)
                rows.append(row)
                figures[f"end to end, {method} {label}"] = figure
            raise Rollback
    except Rollback:
        pass
    return rows, figures


def _stored(connection, proposal_model, rankings: list[list[str]]):
    """A closed proposal of `scale-50000` holding the rankings as ballots (COPY)."""
    from coop.models import Cooperative, Member

    scale = Cooperative.objects.get(slug=harness.SCALE_SLUGS[50000])
    members = list(
        Member.objects.filter(cooperative=scale).order_by("id").values_list("id", flat=True)
    )[: len(rankings)]
    proposal = proposal_model.objects.filter(cooperative__slug=harness.FEDERATION).first()
    proposal.pk, proposal.cooperative, proposal.author_id = None, scale, members[0]
    proposal.options, proposal.method, proposal.eligible_count = OPTIONS, "schulze", len(members)
    proposal.save()
    sql = (
        "COPY governance_ballot (content, positions, cast_at, updated_at, member_id, proposal_id)"
        " FROM STDIN"
    )
    # Each ballot as a cast stores it: its content and its ranking's places (`Ballot.positions`).
    lines = (
        f"{json.dumps({'ranking': ranking})}\t\\\\x{ranking_positions(OPTIONS, ranking).hex()}"
        f"\t{STAMP}\t{STAMP}\t{member}\t{proposal.pk}\n"
        for ranking, member in zip(rankings, members, strict=True)
    )
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write("".join(lines))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE governance_ballot")
    return proposal


STAMP = "2025-06-01 00:00:00+00"


def _end_to_end_row(connection, selectors, label: str, proposal):
    options, method = proposal.options, proposal.method

    def rankings() -> list[list[str]]:
        with connection.cursor() as cursor:
            cursor.execute(EVERY_BALLOT, [proposal.pk])
            # Django's connection hands jsonb over as text (its fields decode it).
            return [json.loads(ranking) for (ranking,) in cursor.fetchall()]

    def baseline():
        if method == "irv":
            return pyrankvote_irv(options, rankings())
        return reference_schulze(options, rankings())

    def ours() -> dict:  # what a close or a running count runs (delegations read, none here)
        return selectors.current_count(proposal)

    ballots = len(rankings())
    by_name = selectors.grouped_ballots(proposal, weights={})
    distinct = len(by_name)
    count_of_the_file = tally_grouped(selectors.count_terms(proposal), by_name)
    project_s, baseline_s, result, expected = _alternating(ours, baseline, repeat=5)
    key = "winners" if method == "irv" else "ranking"
    same = (
        result[key] == expected
        and result["turnout"] == str(ballots)
        and result == count_of_the_file
    )
    speedup = baseline_s / project_s
    name = "IRV" if method == "irv" else "Schulze"
    row = [f"{name}, {label}", f"{ballots:,}", f"{distinct:,}", harness.seconds(baseline_s),
           harness.seconds(project_s), f"{speedup:.1f}×", "yes" if same else "NO"]  # fmt: skip
    figure = {"ballots": ballots, "distinct": distinct, "baseline_s": baseline_s,
              "project_s": project_s, "speedup": speedup, "same_result": same}  # fmt: skip
    return row, figure


def _row(name, distinct, ours, theirs, baseline, same, grouping) -> list:
    speedup = theirs / ours
    return [name, f"{distinct:,}", harness.seconds(ours), harness.seconds(grouping),
            harness.seconds(theirs), baseline,
            f"{speedup:.1f}×", "yes" if same else "NO",
            harness.verdict(speedup >= GOAL)]  # fmt: skip


def _figures(distinct, ours, theirs, same) -> dict:
    return {"distinct": distinct, "project_s": ours, "baseline_s": theirs,
            "speedup": theirs / ours, "same_result": same}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
