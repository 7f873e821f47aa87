"""The monthly distribution of 500, 5,000 and 50,000 members against the raw SQL aggregate.

For June 2025 of the co-ops `scale-500`, `federation` (5,000) and `scale-50000` (bench/data.py
makes them), measured in the same run:
- baseline: `SELECT member_id, SUM(minutes) … GROUP BY member_id` for the month, raw SQL;
- reads: `payroll.run_inputs.month_inputs`, everything the computation reads (revenue,
  expenses, losses carried, the members in the run with their minutes), with its query count;
- names: the members' names and IBANs that only the draft's lines need (one more query, made
  after the computation, `draft_lines.line_details`), shown apart so that nothing is hidden;
- compute: the pure, exact computation (`payroll.allocation.compute_distribution`);
- draft: the service the treasurer's "recompute" button calls (`recompute_draft`: reads,
  computes, replaces the draft's lines and writes the audit event), with its query count.
Goals (issue 21): reads ≤ 1.3× the raw aggregate at every size; the draft within 5× the raw
aggregate at 5,000 and 50,000 members; query counts that do not grow with the members.
"""

from __future__ import annotations

import datetime
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

MONTH = datetime.date(2025, 6, 1)
RAW = (
    "SELECT member_id, SUM(minutes) FROM coop_timeentry WHERE cooperative_id = %s "
    "AND date BETWEEN %s AND %s GROUP BY member_id"
)
GOAL = 1.3  # reads / raw, at every size
DRAFT_GOAL = 5  # draft / raw, at 5,000 and 50,000 members
REPEAT = 9  # runs of the raw aggregate and of the reads, in turns


def measure(size: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from coop.models import Cooperative, Member, TimeEntry
    from coop.months import month_bounds
    from payroll import allocation, distributing, draft_lines, run_inputs
    from payroll.models import Distribution
    from payroll.services.policies import current_policy

    cooperative = Cooperative.objects.get(slug=harness.SCALE_SLUGS[size])
    treasurer = Member.objects.filter(cooperative=cooperative, is_treasurer=True).first()
    policy = current_policy(cooperative)
    first, last = month_bounds(MONTH)
    entries = TimeEntry.objects.filter(cooperative=cooperative, date__range=(first, last)).count()

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, [cooperative.pk, first, last])
            return cursor.fetchall()

    raw()  # warm the cache: every figure below is a warm one
    with CaptureQueriesContext(connection) as reads_queries:
        run_inputs.month_inputs(cooperative, MONTH, policy)
    # Taken in turns, so that a burst of load on the machine hits both sides of the ratio.
    raw_times, reads_times = [], []
    for _ in range(REPEAT):
        raw_times.append(harness.timed(raw, repeat=1)[0])
        reads_times.append(
            harness.timed(lambda: run_inputs.month_inputs(cooperative, MONTH, policy), 1)[0]
        )
    raw_s, reads_s = statistics.median(raw_times), statistics.median(reads_times)
    rows = raw()
    inputs = run_inputs.month_inputs(cooperative, MONTH, policy)
    names_s, _names = harness.timed(lambda: draft_lines.line_details(cooperative), repeat=5)
    compute_s, result = harness.timed(lambda: allocation.compute_distribution(inputs), repeat=3)
    draft = Distribution.objects.filter(
        cooperative=cooperative, month=MONTH, status="draft"
    ).first()
    if draft is None:
        draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=MONTH)
    with CaptureQueriesContext(connection) as draft_queries:
        distributing.recompute_draft(actor=treasurer, distribution=draft)
    draft_s, _ = harness.timed(
        lambda: distributing.recompute_draft(actor=treasurer, distribution=draft), repeat=3
    )
    assert len(rows) == len(result.lines) or size != len(rows), "members differ"
    return {
        "members": size,
        "entries": entries,
        "raw_s": raw_s,
        "reads_s": reads_s,
        "reads_queries": len(reads_queries.captured_queries),
        "names_s": names_s,
        "compute_s": compute_s,
        "draft_s": draft_s,
        "draft_queries": len(draft_queries.captured_queries),
    }


def main() -> int:
    harness.setup()
    from coop.models import Cooperative

    print(f"machine: {harness.machine()}")
    missing = [s for s in harness.SCALE_SLUGS.values() if not Cooperative.objects.filter(slug=s)]
    if missing:
        print(f"run bench/data.py first: no co-op {', '.join(missing)}")
        return 1
    figures = [measure(size) for size in sorted(harness.SCALE_SLUGS)]
    rows = [
        [f"{f['members']:,}", f"{f['entries']:,}", harness.seconds(f["raw_s"]),
         harness.seconds(f["reads_s"]), f"{f['reads_s'] / f['raw_s']:.2f}×", f["reads_queries"],
         harness.seconds(f["names_s"]),
         harness.seconds(f["compute_s"]), harness.seconds(f["draft_s"]),
         f"{f['draft_s'] / f['raw_s']:.1f}×", f["draft_queries"]]
        for f in figures
    ]  # fmt: skip
    print(f"distribution of {MONTH:%B %Y}; warm medians (raw and reads of {REPEAT} runs taken in "
          "turns, names of 5, others of 3)")  # fmt: skip
    print(
        harness.table(
            rows,
            ["members", "entries", "raw aggregate", "reads", "reads/raw", "read queries",
             "names", "compute", "draft (service)", "draft/raw", "draft queries"],
        )
    )  # fmt: skip
    worst = max(f["reads_s"] / f["raw_s"] for f in figures)
    fixed = len({f["reads_queries"] for f in figures}) == 1
    fixed_draft = len({f["draft_queries"] for f in figures}) == 1
    print(f"reads at most {worst:.2f}× the raw aggregate (goal ≤ {GOAL}× at every size): "
          f"{harness.verdict(worst <= GOAL)}")  # fmt: skip
    print(
        f"queries independent of members: reads {'yes' if fixed else 'NO'}, draft "
        f"{'yes' if fixed_draft else 'NO'}: {harness.verdict(fixed and fixed_draft)}"
    )
    large = [f for f in figures if f["members"] >= 5000]
    draft = max(f["draft_s"] / f["raw_s"] for f in large)
    print(
        f"the full draft takes up to {draft:.1f}× the raw aggregate at 5,000 and 50,000 members "
        f"(goal ≤ {DRAFT_GOAL}×): {harness.verdict(draft <= DRAFT_GOAL)}; it also computes every "
        "share exactly and writes one line per member"
    )
    harness.save("distribution", {"sizes": figures})
    return 0


if __name__ == "__main__":
    sys.exit(main())
