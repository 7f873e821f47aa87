"""A camt.053 statement of 100,000 transactions imported and reconciled, against same-run
baselines.

Its own co-op, `bench-bank` (made here when missing: a treasurer, a client, 200 issued invoices
open, an approved distribution with 100 cash lines, a bank account), and its own files, written
here with `banking.camt_writer` and checked against the official XSD by the import itself: 10,000
and 100,000 entries (one in 500 pays an invoice with its number in the remittance information,
one in 1,000 pays out a line with Cooperage's EndToEndId, one in 1,000 is a bank fee). For each
size, in the same run:
- baseline: a bare `lxml.etree.iterparse` over the file that reads the amounts and nothing else;
- import: `banking.importing.import_statement` (schema pass, data pass, checks, fingerprints,
  inserts, audit) with its query count and, in another run, its peak of traced memory
  (tracemalloc): flat memory means the 100,000-entry peak stays near the 10,000-entry one;
- suggest: `banking.matching.suggest` over the statement, with its query count, against a raw
  SQL aggregate of the same rows.
Each run is rolled back. PostgreSQL when DATABASE_URL is set (the database is created when
missing), else SQLite in var/bench/bank.sqlite3.
"""

from __future__ import annotations

import datetime
import os
import sys
import time
import tracemalloc
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

SLUG = "bench-bank"
SIZES = (10_000, 100_000)
INVOICES, LINES = 200, 100
IBAN = "DE89370400440532013000"
CLIENT_IBAN = "AT611904300234573201"
START = datetime.date(2026, 3, 1)
RAW = (
    "SELECT booking_date, COUNT(*), SUM(amount) FROM banking_banktransaction "
    "WHERE statement_id = %s GROUP BY booking_date"
)
FILES = harness.RESULTS / "bank-files"


class Rollback(Exception):
    pass


def setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        server, name = url.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            if not connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
    else:
        harness.RESULTS.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{harness.RESULTS / 'bank.sqlite3'}"
    os.chdir(harness.ROOT)
    os.environ.update(harness.bench_environment(DATABASE_URL=url))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_coop():
    from banking.models import BankAccount
    from billing.models import Invoice
    from coop.models import Client, Cooperative, Member, User
    from payroll.models import Distribution, DistributionLine, DistributionPolicy, LineKind

    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    if cooperative is not None:
        return cooperative
    cooperative = Cooperative.objects.create(
        name="Bench bank", slug=SLUG, currency="EUR", founded_on=datetime.date(2020, 1, 1)
    )
    user = User.objects.create(email="bench-bank@example.coop", full_name="Treasurer")
    treasurer = Member.objects.create(
        cooperative=cooperative,
        user=user,
        status="active",
        status_since=datetime.date(2020, 1, 1),
        is_treasurer=True,
    )
    client = Client.objects.create(cooperative=cooperative, name="Client", country="DE")
    Invoice.objects.bulk_create(
        Invoice(
            cooperative=cooperative,
            client=client,
            status=Invoice.Status.ISSUED,
            currency="EUR",
            language="en",
            number=f"2026-{n:04d}",
            year=2026,
            sequence=n,
            issue_date=datetime.date(2026, 2, 1),
            due_date=datetime.date(2026, 3, 3),
            buyer={"name": client.name},
            net_total=Decimal(1000 + n),
            vat_total=Decimal("0"),
            gross_total=Decimal(1000 + n),
            issued_by=treasurer,
        )
        for n in range(1, INVOICES + 1)
    )
    policy = DistributionPolicy.objects.create(cooperative=cooperative, version=1, method="equal")
    distribution = Distribution.objects.create(
        cooperative=cooperative,
        month=datetime.date(2026, 1, 1),
        policy=policy,
        status=Distribution.Status.APPROVED,
        currency="EUR",
        approved_at=datetime.datetime(2026, 2, 2, 9, tzinfo=datetime.UTC),
    )
    DistributionLine.objects.bulk_create(
        DistributionLine(
            distribution=distribution,
            kind=LineKind.MEMBER,
            name=f"Member {n}",
            iban=f"AT61190430023457{n:04d}",
            share=Decimal(2000 + n),
            cash=Decimal(1600 + n),
        )
        for n in range(LINES)
    )
    BankAccount.objects.create(
        cooperative=cooperative,
        name="Giro",
        iban=IBAN,
        currency="EUR",
        opening_balance=Decimal("0.00"),
        opening_date=START - datetime.timedelta(days=1),
    )
    return cooperative


def entries(count: int, invoices: list, lines: list):
    """The statement's entries: invoices paid and lines paid out spread over the file."""
    from banking.camt_writer import Entry
    from payroll.documents import end_to_end_id

    for n in range(count):
        booked = START + datetime.timedelta(days=n * 31 // count)
        reference = f"B{n:08d}"
        if n % 500 == 0 and n // 500 < len(invoices):
            invoice = invoices[n // 500]
            yield Entry(
                invoice.gross_total,
                booked,
                reference,
                counterparty_name="Client",
                counterparty_iban=CLIENT_IBAN,
                remittance=f"Invoice {invoice.number}",
            )
        elif n % 1000 == 1 and n // 1000 < len(lines):
            line = lines[n // 1000]
            yield Entry(
                -line.cash,
                booked,
                reference,
                bank_code="PMNT/ICDT/ESCT",
                end_to_end_id=end_to_end_id(line),
                counterparty_name=line.name,
                counterparty_iban=line.iban,
            )
        elif n % 1000 == 2:
            yield Entry(Decimal("-4.90"), booked, reference, "ACMT/MDOP/CHRG", note="Fee")
        else:
            amount = Decimal(n % 9973 + 1) / 100
            yield Entry(
                amount if n % 3 else -amount,
                booked,
                reference,
                bank_code="PMNT/RCDT/ESCT" if n % 3 else "PMNT/ICDT/ESCT",
                counterparty_name=f"Customer {n % 500}",
                remittance=f"Order {n}",
            )


def write_file(cooperative, count: int) -> Path:
    from banking.camt_writer import Statement, camt053
    from billing.models import Invoice
    from payroll.models import DistributionLine

    invoices = list(Invoice.objects.filter(cooperative=cooperative).order_by("sequence"))
    lines = list(
        DistributionLine.objects.filter(distribution__cooperative=cooperative).order_by("pk")
    )
    closing = sum((e.amount for e in entries(count, invoices, lines)), Decimal("0.00"))
    statement = Statement(
        statement_id=f"BENCH-{count}",
        iban=IBAN,
        currency="EUR",
        opening_balance=Decimal("0.00"),
        opening_date=START,
        closing_balance=closing,
        closing_date=START + datetime.timedelta(days=30),
        created=datetime.datetime(2026, 4, 1, 6, tzinfo=datetime.UTC),
    )
    FILES.mkdir(parents=True, exist_ok=True)
    path = FILES / f"camt053-{count}.xml"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(camt053(statement, entries(count, invoices, lines)))
    return path


def bare_iterparse(path: Path) -> tuple[int, Decimal]:
    """The baseline: every entry's amount, and nothing else, in constant memory."""
    from lxml import etree

    from banking.camt_writer import NAMESPACE

    count, total = 0, Decimal("0")
    amount_tag = f"{{{NAMESPACE}}}Amt"
    for _, element in etree.iterparse(str(path), tag=f"{{{NAMESPACE}}}Ntry"):
        total += Decimal(element.findtext(amount_tag))
        count += 1
        element.clear()
        while element.getprevious() is not None:
            del element.getparent()[0]
    return count, total


class QueryCounter:
    """Counts the queries run, by their first words (no SQL text kept: a 2,000-row INSERT is
    large)."""

    def __init__(self):
        self.kinds: Counter[str] = Counter()

    def __call__(self, execute, sql, params, many, context):
        words = sql.split(None, 3)
        kind = " ".join(words[:3]) if words[:1] == ["INSERT"] else words[0]
        self.kinds[kind] += 1
        return execute(sql, params, many, context)

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def inserts_of_transactions(self) -> int:
        return sum(n for kind, n in self.kinds.items() if "banking_banktransaction" in kind)


def treasurer_of(cooperative):
    """Fetched afresh for each run, so that each run reads the same rows (the user too)."""
    from coop.models import Member

    return Member.objects.get(cooperative=cooperative, is_treasurer=True)


def import_and_suggest(cooperative, path: Path) -> dict:
    """One import and one suggest, timed and counted, rolled back."""
    from django.db import connection, transaction

    from banking import importing, matching

    treasurer = treasurer_of(cooperative)
    figures: dict = {}
    try:
        with transaction.atomic():
            counter = QueryCounter()
            with connection.execute_wrapper(counter), path.open("rb") as data:
                start = time.perf_counter()
                result = importing.import_statement(
                    actor=treasurer, cooperative=cooperative, data=data, file_name=path.name
                )
                figures["import_seconds"] = time.perf_counter() - start
            figures["added"] = result.added
            figures["import_queries"] = counter.total
            figures["import_inserts"] = counter.inserts_of_transactions()
            figures["import_kinds"] = dict(counter.kinds)
            statement = result.statements[0]
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                start = time.perf_counter()
                made = matching.suggest(
                    cooperative=cooperative, transactions=statement.transactions.all()
                )
                figures["suggest_seconds"] = time.perf_counter() - start
            figures["suggestions"] = len(made)
            figures["by_kind"] = dict(Counter(str(m.kind) for m in made))
            figures["suggest_queries"] = counter.total
            figures["suggest_inserts"] = counter.kinds.get("INSERT INTO banking_bankmatch", 0)
            figures["suggest_inserts"] += counter.kinds.get('INSERT INTO "banking_bankmatch"', 0)

            def raw():
                with connection.cursor() as cursor:
                    cursor.execute(RAW, [statement.pk])
                    return cursor.fetchall()

            raw()
            figures["raw_seconds"], _rows = harness.timed(raw, repeat=5)
            raise Rollback
    except Rollback:
        pass
    return figures


def import_memory(cooperative, path: Path) -> int:
    """The peak of memory traced while importing, in bytes (rolled back)."""
    from django.db import transaction

    from banking import importing

    treasurer = treasurer_of(cooperative)
    try:
        with transaction.atomic():
            with path.open("rb") as data:
                tracemalloc.start()
                importing.import_statement(
                    actor=treasurer, cooperative=cooperative, data=data, file_name=path.name
                )
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
            raise Rollback
    except Rollback:
        pass
    return peak


def main() -> None:
    setup()
    from django.db import connection

    cooperative = ensure_coop()
    results = {}
    for count in SIZES:
        path = write_file(cooperative, count)
        baseline, (parsed, _total) = harness.timed(lambda path=path: bare_iterparse(path))
        assert parsed == count
        figures = import_and_suggest(cooperative, path)
        figures["baseline_seconds"] = baseline
        figures["file_mb"] = path.stat().st_size / 1e6
        figures["peak_bytes"] = import_memory(cooperative, path)
        results[count] = figures
    small, large = results[SIZES[0]], results[SIZES[-1]]
    print(harness.machine(), "·", connection.vendor)
    rows = []
    for count, f in results.items():
        rows.append(
            [
                f"{count:,}",
                f"{f['file_mb']:.1f} MB",
                harness.seconds(f["baseline_seconds"]),
                harness.seconds(f["import_seconds"]),
                f"{f['import_seconds'] / f['baseline_seconds']:.1f}×",
                f"{f['peak_bytes'] / 1e6:.1f} MB",
                f"{f['import_queries']} ({f['import_inserts']} inserts)",
                harness.seconds(f["raw_seconds"]),
                harness.seconds(f["suggest_seconds"]),
                f"{f['suggest_seconds'] / f['raw_seconds']:.0f}×",
                f"{f['suggest_queries']} ({f['suggest_inserts']} inserts)",
                f["suggestions"],
            ]
        )
    header = ["entries", "file", "iterparse", "import", "vs iterparse", "peak memory"]
    header += ["import queries", "raw SQL", "suggest", "vs raw", "suggest queries", "suggested"]
    print(harness.table(rows, header))
    memory_ratio = large["peak_bytes"] / small["peak_bytes"]
    print(f"peak memory of the import, {SIZES[-1]:,} vs {SIZES[0]:,} entries: {memory_ratio:.1f}×")
    fixed = {
        "import": large["import_queries"] - large["import_inserts"],
        "suggest": large["suggest_queries"] - large["suggest_inserts"],
    }
    same = (
        small["import_queries"] - small["import_inserts"] == fixed["import"]
        and small["suggest_queries"] - small["suggest_inserts"] == fixed["suggest"]
    )
    print(
        f"queries besides the batched inserts: import {fixed['import']}, suggest "
        f"{fixed['suggest']}, at both sizes: {harness.verdict(same)}"
    )
    print(f"suggestions at {SIZES[-1]:,}: {large['by_kind']}")
    harness.save(
        f"bank_{connection.vendor}",
        {"sizes": {str(k): v for k, v in results.items()}, "memory_ratio": memory_ratio},
    )


if __name__ == "__main__":
    main()
