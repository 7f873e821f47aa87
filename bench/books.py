"""The backfill of the books checked on the bench data set, and a year of journal of a
5,000-member co-op exported (CSV, DATEV, beancount) against a raw SQL dump of the same rows,
with the trial balance next to its raw GROUP BY.

First, the backfill (issue 19: "the backfill is checked on the demo co-op and on the bench
data set"): every co-op of the bench data set (bench/data.py: 202 co-ops, their revenue of
2025) gets the entries its records lack (`books.sources.backfill`, as `manage.py
backfill_books` does), then the check (`books.sources.check`) and the ties to the money pages
of 2025 (`books.ties`) run on each; the differences are counted and printed (0 expected). A
second run writes nothing.

The exports need a federation-sized journal, which the data set's records do not make (it has
revenue, no invoices or distributions): its own co-op `bench-books`, 5,000 members made here,
never one of the data set's, so that its synthetic journal does not stand in the backfilled
co-ops' books. The SKR03 chart and, each month of 2025, 20 invoices (receivable / revenue /
VAT), 20 payments, 30 expenses, one distribution with the surplus, the reserve, a payable and
a capital line per member, and one payout with a line per member: about 15,000 lines a month,
180,000 a year, written with COPY (PostgreSQL) or bulk inserts (SQLite), once, and kept
(`books_bench_year` in the entries' source_type marks them); on PostgreSQL with the deferred
balance trigger off for that load only (see `ensure_year`).

Measured, each in the same run:
- raw: `COPY (SELECT … JOIN …) TO STDOUT WITH CSV` of the year's lines (a plain cursor writing
  CSV on SQLite), into a sink that counts bytes;
- csv / datev / beancount: `books.exports` of the year, consumed chunk by chunk (DATEV past its
  own 99,999-booking limit, through `datev.stream`: a real export is a month);
- peak traced memory (tracemalloc) of each export for one month and for the year: streaming
  means the year's peak stays near the month's;
- trial balance: a raw `SELECT account_id, SUM(amount) … GROUP BY account_id` of the year, and
  `books.reports.trial_balance` of the same year (its two queries and the rows it builds).
Ratios are printed and saved to var/bench/books.json; nothing is asserted.
"""

from __future__ import annotations

import csv
import datetime
import io
import sys
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

SLUG = "bench-books"
MEMBERS = 5000
YEAR = 2025
MARK = "books_bench_year"
RAW_COLUMNS = (
    "e.date, e.id, e.kind, e.description, a.number, a.name, l.amount, l.memo "
    "FROM books_journalline l JOIN books_journalentry e ON e.id = l.entry_id "
    "JOIN books_ledgeraccount a ON a.id = l.account_id "
    "WHERE e.cooperative_id = %s AND e.date BETWEEN %s AND %s ORDER BY e.date, e.id, l.id"
)
COPY_LINES = "COPY books_journalline (entry_id, account_id, amount, member_id, memo) FROM STDIN"
TRIAL_BALANCE = (
    "SELECT l.account_id, SUM(l.amount) FROM books_journalline l "
    "JOIN books_journalentry e ON e.id = l.entry_id "
    "WHERE e.cooperative_id = %s AND e.date BETWEEN %s AND %s GROUP BY l.account_id"
)


def backfill_data_set() -> dict:
    """Backfill every co-op but the export's, then check it and tie 2025 to the money pages:
    what was written and what differs."""
    from books import periods, sources
    from books.ties import ties_to_money_pages
    from coop.models import Cooperative

    written = problems = untied = 0
    examples: list[str] = []
    coops = list(Cooperative.objects.exclude(slug=SLUG).order_by("pk"))
    for cooperative in coops:
        written += sum(sources.backfill(cooperative).values())
        found = [p for listed in sources.check(cooperative).values() for p in listed]
        ties = ties_to_money_pages(cooperative, periods.year(YEAR)).differences
        problems, untied = problems + len(found), untied + len(ties)
        examples += [f"{cooperative.slug}: {p}" for p in found[:2]]
        examples += [f"{cooperative.slug}: {t.key} {t.page} ≠ {t.journal}" for t in ties[:2]]
    return {"coops": len(coops), "written": written, "differences": problems,
            "untied": untied, "examples": examples[:10]}  # fmt: skip


def the_coop():
    from coop.models import Cooperative, Member, User

    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    if cooperative is not None:
        return cooperative
    cooperative = Cooperative.objects.create(
        name="Bench books", slug=SLUG, currency="EUR", country="DE",
        founded_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    users = User.objects.bulk_create(
        User(email=f"bench-books-{n}@example.coop", full_name=f"Member {n}") for n in range(MEMBERS)
    )
    Member.objects.bulk_create(
        Member(cooperative=cooperative, user=user, status="active",
               status_since=datetime.date(2020, 1, 1), is_treasurer=n == 0)
        for n, user in enumerate(users)
    )  # fmt: skip
    return cooperative


def _line(entry_id, account, amount, member=None, memo=""):
    return (entry_id, account.pk, amount, member, memo)


def _month_entries(cooperative, month, accounts, member_ids, now):
    """The month's entries (unsaved) and, for each, a function of its id giving its lines."""
    from books.models import JournalEntry

    made = []

    def entry(day, kind, description, lines):
        made.append((JournalEntry(
            cooperative=cooperative, date=month.replace(day=day), kind=kind,
            description=description, source_type=MARK, created_at=now,
        ), lines))  # fmt: skip

    a = accounts
    for n in range(20):
        net, vat = Decimal(4000 + 37 * n), Decimal(760 + 7 * n) + Decimal("0.03")
        entry(1 + n, "invoice_issued", f"Invoice {month:%Y-%m}-{n}", lambda i, net=net, vat=vat: [
            _line(i, a["receivables"], net + vat), _line(i, a["revenue_standard"], -net),
            _line(i, a["vat_standard"], -vat)])  # fmt: skip
        entry(5 + n, "payment_received", f"Payment {n}", lambda i, n=n: [
            _line(i, a["bank"], Decimal(4760 + 44 * n) + Decimal("0.03")),
            _line(i, a["receivables"], -Decimal(4760 + 44 * n) - Decimal("0.03"))])  # fmt: skip
    for n in range(30):
        entry(1 + n % 28, "expense", f"Expense {n}", lambda i, n=n: [
            _line(i, a["expenses"], Decimal(100 + n) + Decimal("0.50")),
            _line(i, a["bank"], -Decimal(100 + n) - Decimal("0.50"))])  # fmt: skip
    share = Decimal("30.00")
    pool = share * 2 * len(member_ids)

    def distribution(i):
        lines = [_line(i, a["surplus"], pool + Decimal("3000")),
                 _line(i, a["reserve_fund"], Decimal("-2000")),
                 _line(i, a["education_fund"], Decimal("-1000"))]  # fmt: skip
        for member in member_ids:
            lines += [_line(i, a["members_payable"], -share, member, "cash"),
                      _line(i, a["members_capital"], -share, member, "capital")]  # fmt: skip
        return lines

    def payout(i):
        lines = [_line(i, a["members_payable"], share, m) for m in member_ids]
        return [*lines, _line(i, a["bank"], -share * len(member_ids))]

    entry(28, "distribution", f"Distribution {month:%B %Y}", distribution)
    entry(28, "payout", f"Payout {month:%B %Y}", payout)
    return made


def ensure_year(cooperative) -> int:
    """Write the synthetic year once; the number of lines."""
    from django.db import connection, transaction

    from books import charts, setup
    from books.models import AccountMapping, BooksSettings, JournalEntry, JournalLine
    from coop import clock
    from coop.models import Member

    lines = JournalLine.objects.filter(entry__cooperative=cooperative, entry__source_type=MARK)
    if lines.exists():
        return lines.count()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The rows are balanced by construction: the deferred balance trigger is off for
            # this load only. Before books 0005 it summed an entry once per line (10^8 row
            # reads for a distribution of 10,003 lines; docs/performance.md, "The books").
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        if not BooksSettings.objects.filter(cooperative=cooperative).exists():
            setup.install_chart(cooperative, charts.chart("skr03"))
        BooksSettings.objects.filter(cooperative=cooperative).update(
            datev_consultant_number=29098, datev_client_number=55003
        )
        accounts = {
            m.role: m.account
            for m in AccountMapping.objects.filter(cooperative=cooperative).select_related(
                "account"
            )
        }
        member_ids = list(
            Member.objects.filter(cooperative=cooperative).values_list("pk", flat=True)[:MEMBERS]
        )
        now = clock.now()
        for month in range(1, 13):
            made = _month_entries(
                cooperative, datetime.date(YEAR, month, 1), accounts, member_ids, now
            )
            saved = JournalEntry.objects.bulk_create([entry for entry, _ in made])
            rows = [row for entry, (_, of) in zip(saved, made, strict=True) for row in of(entry.pk)]
            if connection.vendor == "postgresql":
                sql = COPY_LINES
                with connection.cursor() as cursor, cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                JournalLine.objects.bulk_create(
                    (JournalLine(entry_id=e, account_id=ac, amount=am, member_id=m, memo=memo)
                     for e, ac, am, m, memo in rows), batch_size=2000,
                )  # fmt: skip
    return lines.count()


class Sink(io.RawIOBase):
    """Counts what is written to it, keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)


def raw_dump(cooperative, start, end) -> int:
    from django.db import connection

    sink = Sink()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY (SELECT {RAW_COLUMNS}) TO STDOUT WITH CSV"
            with cursor.copy(sql, [cooperative.pk, start, end]) as copy:
                for data in copy:
                    sink.write(data)
        else:
            cursor.execute(f"SELECT {RAW_COLUMNS}", [cooperative.pk, start, end])
            text = io.TextIOWrapper(sink, encoding="utf-8", write_through=True)  # type: ignore[type-var]
            writer = csv.writer(text)
            while batch := cursor.fetchmany(2000):
                writer.writerows(batch)
    return sink.size


def consumed(chunks) -> int:
    return sum(len(chunk) for chunk in chunks)


def peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    harness.setup()  # BENCH_DATABASE names the database (bench/harness.py)
    from django.db import connection

    from books import periods, reports
    from books.exports import beancount, datev, journal_csv
    from books.exports.period import Period

    backfill_seconds, backfilled = harness.timed(backfill_data_set, repeat=1)
    print(harness.machine())
    written, took = f"{backfilled['written']:,}", harness.seconds(backfill_seconds)
    print(
        f"backfill of the bench data set: {backfilled['coops']} co-ops, {written} entries, {took}"
    )
    print(f"check: {backfilled['differences']} differences between the journal and the records")
    print(f"ties of {YEAR} to the money pages: {backfilled['untied']} figures not tied")
    for example in backfilled["examples"]:
        print(f"  {example}")
    cooperative = the_coop()
    lines = ensure_year(cooperative)
    year = Period(datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    month = Period(datetime.date(YEAR, 6, 1), datetime.date(YEAR, 6, 30))
    settings = cooperative.books_settings
    exports = {
        "csv": lambda p: consumed(journal_csv.chunks(cooperative, p)),
        "datev": lambda p: consumed(datev.stream(cooperative, p, settings, 4)),
        "beancount": lambda p: consumed(beancount.chunks(cooperative, p)),
    }
    baseline, raw_bytes = harness.timed(lambda: raw_dump(cooperative, year.start, year.end))
    results, figures = [], {"lines": lines, "raw_seconds": baseline, "raw_bytes": raw_bytes}
    for name, run in exports.items():
        elapsed, size = harness.timed(lambda run=run: run(year), repeat=1)
        month_peak, year_peak = peak(lambda run=run: run(month)), peak(lambda run=run: run(year))
        figures[name] = {"seconds": elapsed, "bytes": size, "ratio": elapsed / baseline,
                         "peak_month": month_peak, "peak_year": year_peak}  # fmt: skip
        results.append([name, f"{size:,}", harness.seconds(elapsed), f"{elapsed / baseline:.1f}×",
                        f"{month_peak / 1e6:.1f} MB", f"{year_peak / 1e6:.1f} MB",
                        f"{year_peak / month_peak:.2f}×"])  # fmt: skip

    def trial_balance():
        with connection.cursor() as cursor:
            cursor.execute(TRIAL_BALANCE, [cooperative.pk, year.start, year.end])
            return cursor.fetchall()

    tb_seconds, balances = harness.timed(trial_balance, repeat=5)
    figures["trial_balance_raw"] = {"seconds": tb_seconds, "accounts": len(balances)}
    report_seconds, report = harness.timed(
        lambda: reports.trial_balance(cooperative, periods.year(YEAR)), repeat=5
    )
    figures["trial_balance_report"] = {
        "seconds": report_seconds,
        "accounts": len(report.rows),
        "ratio": report_seconds / tb_seconds,
    }
    figures["backfill"] = {"seconds": backfill_seconds, **backfilled}
    print(f"{cooperative.slug}: {lines:,} journal lines in {YEAR} ({connection.vendor})")
    print(f"raw dump (COPY … TO STDOUT / cursor → CSV): {raw_bytes:,} bytes, "
          f"{harness.seconds(baseline)}")  # fmt: skip
    header = ["export", "bytes", "year", "vs raw", "peak month", "peak year", "year/month"]
    print(harness.table(results, header))
    print(f"trial balance, raw GROUP BY account ({len(balances)} accounts): "
          f"{harness.seconds(tb_seconds)}")  # fmt: skip
    ratio = report_seconds / tb_seconds
    print(f"books.reports.trial_balance ({len(report.rows)} accounts): "
          f"{harness.seconds(report_seconds)}, {ratio:.1f}× the raw one")  # fmt: skip
    harness.save("books", figures)


if __name__ == "__main__":
    main()
