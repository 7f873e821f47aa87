"""1,000 issued invoices made into files by a real Celery worker (2 processes): from enqueue to
the last invoice's Factur-X PDF and XML stored.

Each run issues a fresh batch of 1,000 invoices (three lines each: hours at 19 %, hours at 7 %, a
reverse-charge line) in the co-op `invoicing` (made here when missing), stored as the issue
stores them, and enqueues each invoice's files on commit (`billing.enqueue.invoice_documents`,
Redis DB 3); a worker started here as a subprocess (`celery worker -c 2`) makes one task per
invoice. The time is from the commit to the newest invoice's `updated_at` (set when its files are
stored).

Baselines, same run, in-process (median of 20 after a warm-up): the plain reportlab invoice PDF
alone, the CII XML alone, and the whole build (PDF + XML + Factur-X embedding); the worker's time
is compared with the plain PDF × 1,000 / 2 processes. Goal: under 60 s on 2 CPUs. The worker is
stopped by its pid at the end, always.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.payslips import stop, wait_ready

SLUG = "invoicing"
INVOICES = 1000
GOAL_SECONDS = 60.0
TIMEOUT = 900

SELLER = {
    "name": "Invoicing Co-op", "legal_name": "Invoicing Co-op eG",
    "address": "Mariahilfer Straße 1\n1060 Wien", "country": "AT", "vat_id": "ATU13585627",
    "tax_number": "12 345/6789", "email": "billing@bench.invalid",
    "iban": "AT611904300234573201", "bic": "BKAUATWW",
}  # fmt: skip
BUYER = {
    "name": "Client", "legal_name": "Client GmbH", "address": "Unter den Linden 1\n10117 Berlin",
    "country": "DE", "vat_id": "DE136695976", "buyer_reference": "04011000-12345-03",
    "email": "invoices@bench.invalid",
}  # fmt: skip


def start_worker() -> subprocess.Popen:
    """The worker, its log in var/bench/ (a pipe nobody reads would block it once full)."""
    harness.RESULTS.mkdir(parents=True, exist_ok=True)
    log = open(harness.RESULTS / "billing_documents-worker.log", "wb")  # noqa: SIM115
    env = {**os.environ, **harness.bench_environment(CELERY_BROKER_URL=harness.BROKER_URL)}
    return subprocess.Popen(
        [str(harness.ROOT / ".venv" / "bin" / "celery"), "-A", "cooperage", "worker",
         "--concurrency", "2", "--pool", "prefork", "--loglevel", "warning",
         "--hostname", f"bench-invoices-{os.getpid()}@%h", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        env=env, cwd=harness.ROOT, stdout=subprocess.DEVNULL, stderr=log,
        start_new_session=True,
    )  # fmt: skip


def ensure_cooperative():
    from coop.models import Client, Cooperative

    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    if cooperative is None:
        cooperative = Cooperative.objects.create(name="Invoicing Co-op", slug=SLUG)
        Client.objects.create(cooperative=cooperative, name="Client")
    return cooperative


def issue_batch(cooperative) -> list[int]:
    """1,000 issued invoices with their lines, as `issue` leaves them; their files enqueued on
    commit. Returns their ids."""
    from django.db import transaction
    from django.db.models import Max

    from billing import enqueue
    from billing.invoice_figures import invoice_totals
    from billing.models import Invoice, InvoiceLine

    client = cooperative.clients.get()
    batch = Invoice.objects.filter(cooperative=cooperative).aggregate(n=Max("year"))["n"] or 1999
    batch += 1  # one "year" per run: numbers stay unique
    issued_on = datetime.date(2026, 11, 2)
    with transaction.atomic():
        invoices = Invoice.objects.bulk_create(
            Invoice(
                cooperative=cooperative, client=client, status="issued", currency="EUR",
                language=("en", "es", "de")[i % 3], number=f"{batch}-{i + 1:04d}", year=batch,
                sequence=i + 1, issue_date=issued_on, due_date=issued_on.replace(day=30),
                period_start=datetime.date(2026, 10, 1), period_end=datetime.date(2026, 10, 31),
                payment_reference=_rf(f"{batch}{i + 1:04d}"), seller=SELLER, buyer=BUYER,
            )
            for i in range(INVOICES)
        )  # fmt: skip
        lines = []
        for invoice in invoices:
            lines += [
                InvoiceLine(invoice=invoice, position=1, description="Development",
                            quantity=Decimal("37.5"), unit_price=Decimal("85.00"),
                            net=Decimal("3187.50"), vat_category="S", vat_rate=Decimal("19")),
                InvoiceLine(invoice=invoice, position=2, description="Workshop",
                            quantity=Decimal("4"), unit_price=Decimal("60.00"),
                            net=Decimal("240.00"), vat_category="S", vat_rate=Decimal("7")),
                InvoiceLine(invoice=invoice, position=3, description="Licence", unit="C62",
                            quantity=Decimal("1"), unit_price=Decimal("99.00"),
                            net=Decimal("99.00"), vat_category="AE", vat_rate=Decimal("0")),
            ]  # fmt: skip
        InvoiceLine.objects.bulk_create(lines)
        figures = invoice_totals(invoices[0], lines[:3])
        Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(
            net_total=figures.net, vat_total=figures.vat, gross_total=figures.gross
        )
        for invoice in invoices:
            enqueue.invoice_documents(invoice)
    return [invoice.pk for invoice in invoices]


def _rf(body: str) -> str:
    from stdnum import iso11649

    return f"RF{iso11649.mod_97_10.calc_check_digits(body + 'RF')}{body}"


def baselines(invoice_id: int) -> dict[str, float]:
    """The plain PDF, the XML and the whole build of one invoice, here (median of 20)."""
    from billing import documents, einvoice, invoice_pdf
    from billing.models import Invoice

    invoice = Invoice.objects.select_related("cooperative").get(pk=invoice_id)
    lines = list(invoice.lines.order_by("position"))
    figures = {}
    for name, work in (
        ("pdf", lambda: invoice_pdf.build(invoice, lines)),
        ("xml", lambda: einvoice.xml(invoice, lines)),
        ("both", lambda: documents.build_files(invoice)),
    ):
        work()
        figures[name], _ = harness.timed(work, repeat=20)
    return figures


def main() -> int:
    harness.setup(broker=True)
    import redis
    from django.db.models import Max
    from django.utils import timezone

    from billing.models import Invoice

    print(f"machine: {harness.machine()}")
    redis.Redis.from_url(harness.BROKER_URL).flushdb()  # leftovers of an interrupted run
    cooperative = ensure_cooperative()
    worker = start_worker()
    try:
        wait_ready(worker)
        enqueued_at = timezone.now()
        ids = issue_batch(cooperative)
        made = Invoice.objects.filter(pk__in=ids).exclude(pdf="").exclude(xml="")
        deadline = time.monotonic() + TIMEOUT
        while made.count() < INVOICES:
            if worker.poll() is not None:
                raise RuntimeError("the worker stopped: see var/bench/billing_documents-worker.log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {made.count()} invoices with files after {TIMEOUT} s")
            time.sleep(0.25)
        last = made.aggregate(last=Max("updated_at"))["last"]
    finally:
        stop(worker)
    took = (last - enqueued_at).total_seconds()
    base = baselines(ids[0])
    estimate = base["pdf"] * INVOICES / 2
    per_invoice = took / INVOICES
    print(f"{INVOICES:,} invoices issued, numbers {ids and Invoice.objects.get(pk=ids[0]).number}…")
    print(
        harness.table(
            [["1,000 invoices' files, worker -c 2", f"{took:.1f} s",
              f"{harness.seconds(per_invoice)} per invoice"],
             ["baseline: plain PDF in-process × 1,000 / 2", f"{estimate:.1f} s",
              f"(one PDF {harness.seconds(base['pdf'])})"],
             ["CII XML alone, in-process", "", harness.seconds(base["xml"])],
             ["whole build (PDF + XML + Factur-X), in-process", "",
              harness.seconds(base["both"])]],
            ["", "time", "per invoice"],
        )
    )  # fmt: skip
    print(f"ratio worker / plain-PDF baseline {took / estimate:.2f}×; "
          f"whole build / plain PDF {base['both'] / base['pdf']:.2f}×; "
          f"XML / plain PDF {base['xml'] / base['pdf']:.2f}×")  # fmt: skip
    print(f"goal under {GOAL_SECONDS:.0f} s: {harness.verdict(took < GOAL_SECONDS)}")
    harness.save(
        "billing_documents",
        {"invoices": INVOICES, "seconds": took, "per_invoice_s": per_invoice,
         "pdf_s": base["pdf"], "xml_s": base["xml"], "build_s": base["both"],
         "baseline_s": estimate},
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
