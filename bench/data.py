"""Build the federation-sized data set in PostgreSQL `cooperage_bench` with COPY, seeded.

200 co-ops and 10,000 members (one co-op, `federation`, has 5,000 of them), 12 months of 2025
with about 2,000,000 time entries, 5,000 proposals and about 200,000 ballots; plus two co-ops for
the scaling of the distribution: `scale-500` and `scale-50000` (500 and 50,000 members, June 2025
only). Idempotent: when the data set of this seed and version is there it does nothing; `--force`
empties the database and builds it again.

Bench rows have no audit events (nothing reads them; each co-op's chain is empty and consistent).
Only proposals still voting have their eligibility snapshot (EligibleVoter rows).
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import json
import sys
import time
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bench import harness
from governance.methods.rankings import ranking_positions

YEAR = 2025
MONTHS = [datetime.date(YEAR, m, 1) for m in range(1, 13)]
SCALE_MONTH = datetime.date(YEAR, 6, 1)
STAMP = "2025-01-01 00:00:00+00"
FEDERATION_MEMBERS = 5000
OTHER_COOPS = 199
OTHER_MEMBERS = 5000
PROPOSALS = 5000
FEDERATION_PROPOSALS = 100
FEDERATION_BALLOTS_EACH = 1000
OPTIONS = ["Option A", "Option B", "Option C", "Option D"]


class Loader:
    """Streams rows into COPY in the text format, one table at a time, and counts them."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    def copy(self, table: str, columns: list[str], lines: Iterable[str]) -> None:
        start = time.perf_counter()
        count = 0
        defaults = model_defaults(table, columns)
        if defaults:  # the columns this script does not name hold their model defaults
            tail = "\t" + "\t".join(defaults.values()) + "\n"
            lines = (line[:-1] + tail for line in lines)
            columns = [*columns, *defaults]
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
            chunk: list[str] = []
            for line in lines:
                chunk.append(line)
                if len(chunk) >= 50_000:
                    copy.write("".join(chunk))
                    count += len(chunk)
                    chunk = []
            if chunk:
                copy.write("".join(chunk))
                count += len(chunk)
        self.counts[table] = self.counts.get(table, 0) + count
        self.timings[table] = self.timings.get(table, 0.0) + time.perf_counter() - start


def model_defaults(table: str, columns: list[str]) -> dict[str, str]:
    """The COPY text of the model's default for each column of `table` not in `columns`.

    Fields added by later migrations (an invoice address, a project's VAT treatment) then get the
    value Django would give them, and the data set keeps loading as the models grow.
    """
    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    defaults = {}
    for field in model._meta.concrete_fields:
        if field.column in columns:
            continue
        value = field.get_default()
        if value is None and not field.null:
            raise SystemExit(f"bench/data.py: {table}.{field.column} needs a value: name it here")
        defaults[field.column] = copy_text(value)
    return defaults


def copy_text(value: object) -> str:
    """A default as COPY text: NULL, a boolean, a number, a string, or JSON."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    if any(c in text for c in "\t\n\r\\"):
        raise SystemExit(f"bench/data.py: a default needs escaping for COPY: {text!r}")
    return text


def row(*values: object) -> str:
    """One COPY text line: None is NULL; values never hold tabs or newlines, and a backslash only
    where it is COPY's own (a bytea's `\\x`)."""
    return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"


class Layout:
    """Who is where: ids are given here so that every table can be written in one pass."""

    def __init__(self) -> None:
        # (slug, name, time zone, member ids)
        self.coops: list[tuple[str, str, str, list[int]]] = []
        next_member = 1
        self.coops.append(
            (harness.FEDERATION, "Federation of Worker Co-ops", "Europe/Madrid",
             list(range(next_member, next_member + FEDERATION_MEMBERS)))
        )  # fmt: skip
        next_member += FEDERATION_MEMBERS
        others: list[list[int]] = [[] for _ in range(OTHER_COOPS)]
        for offset in range(OTHER_MEMBERS):
            others[offset % OTHER_COOPS].append(next_member + offset)
        next_member += OTHER_MEMBERS
        for index, members in enumerate(others, start=2):
            self.coops.append((f"coop-{index:03d}", f"Worker Co-op {index:03d}", "UTC", members))
        self.main_coops = len(self.coops)
        for size in (500, 50000):
            members = list(range(next_member, next_member + size))
            next_member += size
            self.coops.append((harness.SCALE_SLUGS[size], f"Scale {size}", "UTC", members))
        self.members = next_member - 1

    def projects_per_client(self, coop_id: int) -> tuple[int, int]:
        """(clients, projects per client): the big co-ops have more work to log against."""
        size = len(self.coops[coop_id - 1][3])
        return (5, 4) if size >= 500 else (2, 2)


def build(loader: Loader, rng: np.random.Generator) -> None:
    layout = Layout()
    from coop.bylaws import DEFAULT_BYLAWS

    bylaws = json.dumps(DEFAULT_BYLAWS)
    loader.copy(
        "coop_cooperative",
        ["id", "name", "slug", "currency", "time_zone", "founded_on", "bylaws", "audit_head",
         "audit_length", "created_at", "bic", "iban", "legal_name"],
        (row(i, name, slug, "EUR", zone, "2010-01-01", bylaws, "", 0, STAMP, "", "", name)
         for i, (slug, name, zone, _members) in enumerate(layout.coops, start=1)),
    )  # fmt: skip
    member_coop = np.zeros(layout.members + 1, dtype=np.int64)
    for coop_id, (_s, _n, _z, members) in enumerate(layout.coops, start=1):
        member_coop[members] = coop_id
    weights = rng.integers(4, 9, size=layout.members + 1) * 0.25  # 1.00 … 2.00
    loader.copy(
        "coop_user",
        ["id", "password", "last_login", "is_superuser", "email", "full_name", "is_staff",
         "is_active", "date_joined"],
        (row(m, "!", None, "f", f"m{m}@bench.invalid", f"Member {m}", "f", "t", STAMP)
         for m in range(1, layout.members + 1)),
    )  # fmt: skip
    first_members = {members[0] for (_s, _n, _z, members) in layout.coops}
    loader.copy(
        "coop_member",
        ["id", "status", "status_since", "joined_on", "departed_on", "is_treasurer",
         "is_secretary", "is_admin", "rate_weight", "legal_name", "iban", "created_at",
         "cooperative_id", "user_id"],
        (row(m, "active", "2020-01-01", "2020-01-01", None,
             *("t" if m in first_members else "f",) * 3, f"{weights[m]:.3f}", f"Member {m}", "",
             STAMP, int(member_coop[m]), m)
         for m in range(1, layout.members + 1)),
    )  # fmt: skip
    loader.copy(
        "coop_memberstatuschange",
        ["id", "status", "effective_on", "recorded_at", "member_id"],
        (row(m, "active", "2020-01-01", STAMP, m) for m in range(1, layout.members + 1)),
    )
    project_base = np.zeros(len(layout.coops) + 1, dtype=np.int64)
    project_count = np.zeros(len(layout.coops) + 1, dtype=np.int64)
    clients, projects = [], []
    for coop_id in range(1, len(layout.coops) + 1):
        n_clients, per_client = layout.projects_per_client(coop_id)
        project_base[coop_id] = len(projects) + 1
        project_count[coop_id] = n_clients * per_client
        for c in range(n_clients):
            client_id = len(clients) + 1
            clients.append(row(client_id, f"Client {c + 1}", STAMP, coop_id))
            for p in range(per_client):
                projects.append(
                    row(len(projects) + 1, f"Project {c + 1}.{p + 1}", "t", None, STAMP,
                        client_id, coop_id)
                )  # fmt: skip
    loader.copy("coop_client", ["id", "name", "created_at", "cooperative_id"], clients)
    loader.copy(
        "coop_project",
        ["id", "name", "active", "budget_hours", "created_at", "client_id", "cooperative_id"],
        projects,
    )
    _time_entries(loader, rng, layout, member_coop, project_base, project_count)
    _money(loader, layout, project_base)
    _governance(loader, rng, layout)


def _time_entries(loader, rng, layout, member_coop, project_base, project_count) -> None:
    main_members = np.array(
        [m for (_s, _n, _z, members) in layout.coops[: layout.main_coops] for m in members]
    )
    scale_members = np.array(
        [m for (_s, _n, _z, members) in layout.coops[layout.main_coops :] for m in members]
    )
    next_id = 1
    columns = ["id", "date", "minutes", "description", "created_at", "updated_at",
               "cooperative_id", "member_id", "project_id", "adjusts_id", "source",
               "source_fingerprint"]  # fmt: skip
    plan = [(month, main_members) for month in MONTHS] + [(SCALE_MONTH, scale_members)]
    for month, members in plan:
        days = calendar.monthrange(month.year, month.month)[1]
        per_member = rng.integers(12, 22, size=len(members))  # 16.5 a month on average
        total = int(per_member.sum())
        member = np.repeat(members, per_member)
        starts = np.repeat(np.cumsum(per_member) - per_member, per_member)
        nth = np.arange(total) - starts
        offset = np.repeat(rng.integers(0, days, size=len(members)), per_member)
        # 11 is prime to 28…31: a member's entries of the month fall on distinct days, so no day
        # goes over 24 hours whatever the minutes.
        day = (offset + nth * 11) % days + 1
        minutes = rng.integers(2, 41, size=total) * 15
        coop = member_coop[member]
        project = project_base[coop] + rng.integers(0, project_count[coop])
        dates = [f"{month:%Y-%m}-{d:02d}" for d in range(0, days + 1)]
        ids = range(next_id, next_id + total)
        next_id += total
        loader.copy(
            "coop_timeentry",
            columns,
            (f"{i}\t{dates[d]}\t{mi}\t\t{STAMP}\t{STAMP}\t{c}\t{me}\t{p}\t\\N\tmanual\t\n"
             for i, d, mi, c, me, p in zip(ids, day.tolist(), minutes.tolist(), coop.tolist(),
                                          member.tolist(), project.tolist(), strict=True)),
        )  # fmt: skip


def _money(loader, layout, project_base) -> None:
    revenue, policies = [], []
    for coop_id, (_slug, _name, _zone, members) in enumerate(layout.coops, start=1):
        months = MONTHS if coop_id <= layout.main_coops else [SCALE_MONTH]
        client = _first_client(layout, coop_id)
        for month in months:
            for part, day in ((55, 10), (45, 25)):
                amount = len(members) * 30 * part  # about 3,000 EUR a member a month
                revenue.append(
                    row(len(revenue) + 1, f"{amount}.00", "EUR", f"{month:%Y-%m}-{day:02d}", "",
                        "", STAMP, client, coop_id, None, None)
                )  # fmt: skip
        recipients = json.dumps(
            [{"name": "Debian", "weight": "2"}, {"name": "PostgreSQL", "weight": "1"}]
        )
        policies.append(
            row(coop_id, 1, "weighted_hours", "0.15000", recipients, "0.05000", "0.02000", None,
                "0.80000", "3.000", "f", "treasurer", STAMP, "", None, None, coop_id)
        )  # fmt: skip
    loader.copy(
        "payroll_revenue",
        ["id", "amount", "currency", "received_on", "invoice_reference", "note", "created_at",
         "client_id", "cooperative_id", "project_id", "recorded_by_id"],
        revenue,
    )  # fmt: skip
    loader.copy(
        "payroll_distributionpolicy",
        ["id", "version", "method", "commons_pct", "commons_recipients", "reserve_pct",
         "education_pct", "base_rate", "cash_pct", "max_pay_ratio", "carry_losses", "approval",
         "adopted_at", "note", "adopted_by_id", "adopted_by_proposal_id", "cooperative_id"],
        policies,
    )  # fmt: skip


def _first_client(layout: Layout, coop_id: int) -> int:
    return 1 + sum(layout.projects_per_client(c)[0] for c in range(1, coop_id))


def _governance(loader, rng, layout) -> None:
    """5,000 proposals: 100 in the federation with 1,000 ballots each, the rest ~20 each."""
    proposals, ballots, eligible = [], [], []
    plan: list[tuple[int, int]] = [(1, FEDERATION_BALLOTS_EACH)] * FEDERATION_PROPOSALS
    for p in range(PROPOSALS - FEDERATION_PROPOSALS):
        plan.append((2 + p % OTHER_COOPS, 20 + (1 if p % 5 < 2 else 0)))
    per_coop_seen: dict[int, int] = {}
    methods = ["majority", "schulze", "approval"]
    for proposal_id, (coop_id, wanted) in enumerate(plan, start=1):
        members = layout.coops[coop_id - 1][3]
        nth = per_coop_seen.get(coop_id, 0)
        per_coop_seen[coop_id] = nth + 1
        method = methods[proposal_id % 3]
        # The first two proposals of every co-op are still open for votes (the API votes there).
        voting = nth < 2
        opens = datetime.datetime(YEAR, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
            days=nth * 3
        )
        closes = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC) if voting else (
            opens + datetime.timedelta(days=7)
        )  # fmt: skip
        options = [] if method == "majority" else OPTIONS
        state, result = (
            ("voting", "") if voting else ("closed", "passed" if nth % 4 else "rejected")
        )
        proposals.append(
            row(proposal_id, f"Proposal {nth + 1} of co-op {coop_id}", "", "general", method,
                json.dumps(options), 1, "1/2", "1/2", "f", "f", None, opens.isoformat(),
                closes.isoformat(), "", "{}", state, result, "{}", "", "", len(members),
                opens.isoformat(), None if voting else closes.isoformat(), None, None, None,
                opens.isoformat(), opens.isoformat(), members[0], coop_id)
        )  # fmt: skip
        count = min(wanted, len(members))
        start = (proposal_id * 7) % len(members)
        voters = [members[(start + j) % len(members)] for j in range(count)]
        contents = _ballot_contents(rng, method, count)
        for member, (content, positions) in zip(voters, contents, strict=True):
            ballots.append(
                row(len(ballots) + 1, content, positions, opens.isoformat(), opens.isoformat(),
                    member, proposal_id)
            )  # fmt: skip
        if voting:
            base = len(eligible) + 1
            eligible.extend(row(base + k, m, proposal_id) for k, m in enumerate(members))
    loader.copy(
        "governance_proposal",
        ["id", "title", "body", "kind", "method", "options", "seats", "quorum", "threshold",
         "secret", "allow_early_close", "discussion_starts_at", "opens_at", "closes_at",
         "action", "action_payload", "state", "result", "tally", "outcome_statement",
         "action_error", "eligible_count", "voting_opened_at", "closed_at",
         "opened_notice_sent_at", "reminder_sent_at", "result_notice_sent_at", "created_at",
         "updated_at", "author_id", "cooperative_id"],
        proposals,
    )  # fmt: skip
    loader.copy(
        "governance_ballot",
        ["id", "content", "positions", "cast_at", "updated_at", "member_id", "proposal_id"],
        ballots,
    )
    loader.copy("governance_eligiblevoter", ["id", "member_id", "proposal_id"], eligible)


def _ballot_contents(rng, method: str, count: int) -> list[tuple[str, str | None]]:
    """Each ballot's content (JSON) and, for a ranked one, its ranking's places as a cast stores
    them (`Ballot.positions`, COPY text of a bytea)."""
    if method == "majority":
        choices = ["agree", "agree", "agree", "abstain", "disagree"]
        picks = rng.integers(0, len(choices), size=count)
        return [(json.dumps({"choice": choices[i]}), None) for i in picks]
    if method == "approval":
        masks = rng.integers(0, 16, size=count)
        return [
            (json.dumps({"approve": [o for b, o in enumerate(OPTIONS) if mask >> b & 1]}), None)
            for mask in masks
        ]
    contents = []
    for _ in range(count):
        order = rng.permutation(len(OPTIONS))[: int(rng.integers(1, len(OPTIONS) + 1))]
        ranking = [OPTIONS[i] for i in order]
        positions = ranking_positions(OPTIONS, ranking)
        assert positions is not None  # a ranking of these options
        # COPY's text form of a bytea: \x and its hex (the backslash escaped for COPY).
        contents.append((json.dumps({"ranking": ranking}), "\\\\x" + positions.hex()))
    return contents


TABLES = [
    "coop_cooperative", "coop_user", "coop_member", "coop_memberstatuschange", "coop_client",
    "coop_project", "coop_timeentry", "payroll_revenue", "payroll_distributionpolicy",
    "governance_proposal", "governance_ballot", "governance_eligiblevoter",
]  # fmt: skip


def drop_foreign_keys(connection) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of the tables loaded here; their (table, name, definition).

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: with them in place, every COPY row
    queues one check per key, and the commit runs those 3.6 million checks one by one (66 s of a
    128 s build under load). Added back after the COPY, each key checks all its rows at once.
    """
    keys = connection.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
        [TABLES],
    ).fetchall()
    for table, name, _definition in keys:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return keys


def add_foreign_keys(connection, keys: list[tuple[str, str, str]]) -> None:
    """Add the keys back as they were (deferrable, initially deferred). Adding a key checks every
    row in one query, so a row that breaks one fails the build, as a deferred check would."""
    for table, name, definition in keys:
        connection.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def drop_indexes(connection) -> list[str]:
    """Drop the indexes of the loaded tables that back no constraint; their definitions.

    Building an index once over the loaded rows is faster than keeping it up to date row by row:
    `coop_timeentry` has six besides its primary key. Primary keys stay (the foreign keys need
    them); a unique index made again checks its rows as the COPY would have.
    """
    indexes = connection.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid::regclass::text = ANY(%s) AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
        [TABLES],
    ).fetchall()
    for name, _definition in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in indexes]


def create_indexes(connection, definitions: list[str]) -> None:
    connection.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for definition in definitions:
        connection.execute(definition)


def present(connection) -> dict | None:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS bench_dataset (seed bigint, version int, built_at "
        "timestamptz, seconds double precision, counts jsonb)"
    )
    found = connection.execute(
        "SELECT seconds, counts, built_at FROM bench_dataset WHERE seed = %s AND version = %s",
        [harness.SEED, harness.DATA_VERSION],
    ).fetchone()
    connection.commit()
    return None if found is None else {"seconds": found[0], "counts": found[1], "at": found[2]}


def empty(connection) -> None:
    """Every table of the project (not Django's own catalogues), identities restarted."""
    names = [
        name
        for (name,) in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )
        if name not in ("django_migrations", "django_content_type", "auth_permission")
    ]
    connection.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    connection.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="empty the database and rebuild")
    args = parser.parse_args()
    harness.setup()
    import psycopg

    print(f"machine: {harness.machine()}")
    with psycopg.connect(harness.DATABASE_URL) as connection:
        found = present(connection)
        if found and not args.force:
            print(
                f"data set seed {harness.SEED} v{harness.DATA_VERSION} is there (built "
                f"{found['at']:%Y-%m-%d %H:%M} in {found['seconds']:.1f} s); --force rebuilds it"
            )
            for table, count in found["counts"].items():
                print(f"  {table:32} {count:>10,}")
            return 0
        empty(connection)
        start = time.perf_counter()
        # In the build's transaction: a failure restores the keys and the indexes.
        keys = drop_foreign_keys(connection)
        indexes = drop_indexes(connection)
        loader = Loader(connection)
        build(loader, np.random.default_rng(harness.SEED))
        for table in TABLES:
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        indexes_start = time.perf_counter()
        create_indexes(connection, indexes)
        indexes_seconds = time.perf_counter() - indexes_start
        keys_start = time.perf_counter()
        add_foreign_keys(connection, keys)
        keys_seconds = time.perf_counter() - keys_start
        commit_start = time.perf_counter()
        connection.commit()
        commit_seconds = time.perf_counter() - commit_start
        load_seconds = time.perf_counter() - start
        connection.autocommit = True
        analyze_start = time.perf_counter()
        connection.execute("VACUUM ANALYZE")
        analyze_seconds = time.perf_counter() - analyze_start
        connection.autocommit = False
        total = time.perf_counter() - start
        connection.execute(
            "INSERT INTO bench_dataset VALUES (%s, %s, now(), %s, %s)",
            [harness.SEED, harness.DATA_VERSION, total, json.dumps(loader.counts)],
        )
        connection.commit()
    rows = [
        [table, f"{loader.counts[table]:,}", harness.seconds(loader.timings[table]),
         f"{loader.counts[table] / loader.timings[table]:,.0f}"]
        for table in TABLES
    ]  # fmt: skip
    print(harness.table(rows, ["table", "rows", "COPY time", "rows/s"]))
    print(
        f"loaded {sum(loader.counts.values()):,} rows in {load_seconds:.1f} s (of which "
        f"{len(indexes)} indexes built {indexes_seconds:.1f} s, "
        f"{len(keys)} foreign keys added back and checked {keys_seconds:.1f} s, the commit "
        f"{commit_seconds:.1f} s), VACUUM ANALYZE {analyze_seconds:.1f} s, total {total:.1f} s"
    )
    harness.save(
        "data",
        {"counts": loader.counts, "copy_seconds": loader.timings, "load_seconds": load_seconds,
         "indexes": len(indexes), "indexes_seconds": indexes_seconds,
         "foreign_keys": len(keys), "foreign_keys_seconds": keys_seconds,
         "commit_seconds": commit_seconds, "analyze_seconds": analyze_seconds,
         "total_seconds": total},
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
