"""Schulze and IRV over 50,000 ballots × 10 options: the project's count against pure Python.

Baselines, measured in the same run on the same ballots: a straightforward pure-Python Schulze
written below (per-ballot pairwise loops, then widest paths), and pyrankvote's instant-runoff
(an independent pure-Python library). Two ballot sets: "realistic" (a Plackett–Luce model of
voters who agree more or less and rank only their top few options, so rankings repeat) and
"all distinct" (uniformly random complete rankings: the worst case for counting distinct
rankings first). Goal: the project ≥ 10× faster. No database: pure functions.

Then, end to end, rows that load the ballots of the bench database (read only) and count them:
the plain loop and the project's count on every ballot, against a SQL `GROUP BY` on the stored
ranking that hands the count one weighted ballot per distinct ranking (what `close_proposal`
could do; it does not today).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from fractions import Fraction
from operator import itemgetter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from governance.methods import tally
from governance.methods.ranked import count_rankings

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
    for label, ballots in (
        ("realistic", realistic_ballots(rng)),
        ("all distinct", distinct_ballots(rng)),
    ):
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
    rows, more = end_to_end()
    print("\nEnd to end: load the ballots from PostgreSQL and count; medians of 5 runs")
    print(
        harness.table(
            rows,
            ["count", "ballots", "distinct rankings", "baseline: load every ballot + plain Python",
             "project: load every ballot + tally", "project: SQL GROUP BY + tally",
             "speed-up, every ballot", "speed-up, grouped", "same result"],
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

EVERY_BALLOT = "SELECT content->'ranking' FROM governance_ballot WHERE proposal_id = ANY(%s)"
GROUPED = (
    "SELECT content->'ranking', count(*) FROM governance_ballot WHERE proposal_id = ANY(%s)"
    " GROUP BY 1"
)


def end_to_end() -> tuple[list[list], dict]:
    """Load + count on the bench database: one 1,000-ballot Schulze proposal of the federation,
    and the ballots of all its Schulze proposals counted as one election (same options)."""
    import psycopg

    with psycopg.connect(harness.DATABASE_URL) as connection:
        found = connection.execute(
            "SELECT p.id, p.options FROM governance_proposal p JOIN coop_cooperative c"
            " ON c.id = p.cooperative_id WHERE c.slug = %s AND p.method = 'schulze'"
            " ORDER BY p.id",
            [harness.FEDERATION],
        ).fetchall()
        if not found:
            raise SystemExit("no Schulze proposal in the bench data set: run bench/data.py")
        options = found[0][1]
        pooled = [pk for pk, opts in found if opts == options]
        rows, figures = [], {}
        for label, ids in (("one proposal", pooled[-1:]), (f"{len(pooled)} pooled", pooled)):
            row, figure = _end_to_end_row(connection, label, options, ids)
            rows.append(row)
            figures[f"end to end, {label}"] = figure
    return rows, figures


def _end_to_end_row(connection, label: str, options: list[str], ids: list[int]):
    def rankings() -> list[list[str]]:
        return [ranking for (ranking,) in connection.execute(EVERY_BALLOT, [ids])]

    def grouped() -> list[tuple[dict, Fraction]]:
        rows = connection.execute(GROUPED, [ids])
        return [({"ranking": ranking}, Fraction(times)) for ranking, times in rows]

    def count(ballots: list[tuple[dict, Fraction]]) -> dict:
        return tally("schulze", options, ballots, eligible=len(ballots), quorum=Fraction(0))

    ballots = len(rankings())
    plain, expected = harness.timed(lambda: reference_schulze(options, rankings()), 5)
    every, result = harness.timed(lambda: count([({"ranking": r}, ONE) for r in rankings()]), 5)
    by_group, grouped_result = harness.timed(lambda: count(grouped()), 5)
    same = result["ranking"] == grouped_result["ranking"] == expected and result[
        "turnout"
    ] == grouped_result["turnout"] == str(ballots)
    row = [f"Schulze, {label}", f"{ballots:,}", f"{len(grouped()):,}", harness.seconds(plain),
           harness.seconds(every), harness.seconds(by_group), f"{plain / every:.1f}×",
           f"{plain / by_group:.1f}×", "yes" if same else "NO"]  # fmt: skip
    figure = {"ballots": ballots, "baseline_s": plain, "every_ballot_s": every,
              "grouped_s": by_group, "same_result": same}  # fmt: skip
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
