"""An invoice drafted from 10,000 unbilled entries against the raw SQL aggregate of the same.

Its own co-op, `bench-billing` (made here when missing: a client, 4 projects, 25 members, the
co-op's default rate and a project rate, 10,000 billable entries of June 2025), measured in the
same run:
- baseline: `SELECT project_id, member_id, SUM(minutes) … GROUP BY project_id, member_id` of
  the client's unbilled entries of the month, raw SQL;
- draft: `billing.invoicing.draft_invoice` (per member, and per entry: 10,000 lines), which
  reads the entries, the rates and the VAT, writes the invoice, its lines, the 10,000 billed
  entries and the audit event, with its query count; each run is rolled back.
Goal: a query count that does not grow with the entries.
"""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

SLUG = "bench-billing"
ENTRIES = 10_000
START, END = datetime.date(2025, 6, 1), datetime.date(2025, 6, 30)
RAW = (
    "SELECT e.project_id, e.member_id, SUM(e.minutes) FROM coop_timeentry e "
    "JOIN coop_project p ON p.id = e.project_id "
    "LEFT JOIN billing_billedentry b ON b.entry_id = e.id "
    "WHERE e.cooperative_id = %s AND p.client_id = %s AND e.billable "
    "AND e.date BETWEEN %s AND %s AND b.id IS NULL GROUP BY e.project_id, e.member_id"
)


class Rollback(Exception):
    pass


def ensure_coop():
    from billing.models import BillingRate, BillingSettings
    from coop.models import Client, Cooperative, Member, Project, TimeEntry, User

    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    if cooperative is not None:
        return cooperative
    cooperative = Cooperative.objects.create(
        name="Bench billing",
        slug=SLUG,
        currency="EUR",
        founded_on=datetime.date(2020, 1, 1),
        address="Main St 1\n1010 Vienna",
        country="AT",
        vat_id="ATU13585627",
    )
    BillingSettings.objects.create(cooperative=cooperative, standard_vat_rate=Decimal("20"))
    client = Client.objects.create(
        cooperative=cooperative, name="Client", address="Elsewhere 2", country="DE"
    )
    projects = [
        Project.objects.create(cooperative=cooperative, client=client, name=f"Project {n}")
        for n in range(4)
    ]
    members = []
    for n in range(25):
        user = User.objects.create(email=f"bench-billing-{n}@example.coop", full_name=f"M {n}")
        members.append(
            Member.objects.create(
                cooperative=cooperative,
                user=user,
                status="active",
                status_since=datetime.date(2020, 1, 1),
                is_treasurer=n == 0,
            )
        )
    BillingRate.objects.create(
        cooperative=cooperative, rate=Decimal("95"), currency="EUR", valid_from=START
    )
    BillingRate.objects.create(
        cooperative=cooperative,
        project=projects[0],
        rate=Decimal("120"),
        currency="EUR",
        valid_from=datetime.date(2025, 6, 15),
    )
    TimeEntry.objects.bulk_create(
        TimeEntry(
            cooperative=cooperative,
            member=members[n % 25],
            project=projects[n % 4],
            date=START + datetime.timedelta(days=n % 30),
            minutes=5 + n % 53,
            description=f"Task {n}",
        )
        for n in range(ENTRIES)
    )
    return cooperative


def main() -> None:
    harness.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from billing import invoicing
    from coop.models import Client, Member

    cooperative = ensure_coop()
    client = Client.objects.get(cooperative=cooperative)
    treasurer = Member.objects.get(cooperative=cooperative, is_treasurer=True)

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, [cooperative.pk, client.pk, START, END])
            return cursor.fetchall()

    def draft(grouping):
        def run():
            try:
                with transaction.atomic():
                    invoice = invoicing.draft_invoice(
                        actor=treasurer, client=client, start=START, end=END, grouping=grouping
                    )
                    result = (invoice.lines.count(), invoice.net_total)
                    raise Rollback(result)
            except Rollback as done:
                return done.args[0]

        return run

    raw()
    baseline, rows = harness.timed(raw, repeat=9)
    results = []
    figures = {"entries": ENTRIES, "baseline_seconds": baseline}
    for grouping in ("member", "entry"):
        with CaptureQueriesContext(connection) as queries:
            draft(grouping)()
        elapsed, (lines, net) = harness.timed(draft(grouping), repeat=3)
        results.append(
            [
                grouping,
                lines,
                str(net),
                len(queries),
                harness.seconds(elapsed),
                f"{elapsed / baseline:.0f}×",
            ]
        )
        figures[grouping] = {
            "lines": lines,
            "queries": len(queries),
            "seconds": elapsed,
            "ratio": elapsed / baseline,
        }
    print(harness.machine())
    print(f"raw aggregate of {ENTRIES:,} entries ({len(rows)} groups): {harness.seconds(baseline)}")
    print(harness.table(results, ["lines per", "lines", "net", "queries", "time", "vs raw"]))
    harness.save("billing_draft", figures)


if __name__ == "__main__":
    main()
