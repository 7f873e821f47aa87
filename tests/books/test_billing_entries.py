"""Billing's money events write their entries: invoices by VAT category and rate, credit notes,
payments (partial, removed in an open and a distributed month, in another currency), the
backfill that writes what the live path writes, the check, and a chart without an account."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from billing import invoice_lines, invoicing, issuing, payments
from billing.models import Invoice, InvoiceStatus, Payment
from books import setup, sources
from books.models import AccountMapping, BooksSettings, EntryKind, JournalEntry, JournalLine
from payroll import distributing
from payroll.models import Revenue
from tests.billing.invoicing_factories import World
from tests.billing.payment_factories import credit_note, issued_invoice
from tests.conftest import as_member
from tests.factories import ClientFactory

D = datetime.date
M = Decimal
NOVEMBER_2 = D(2026, 11, 2)


@pytest.fixture
def world(clock, db):
    clock.set(D(2026, 11, 2))
    return World()


def lines_of(entry):
    """An entry as {account number: signed amount}."""
    return {line.account.number: line.amount for line in entry.lines.select_related("account")}


def by_role(entry):
    """An entry as {role: signed amount}, through the co-op's mapping."""
    roles = dict(
        AccountMapping.objects.filter(cooperative=entry.cooperative).values_list("account", "role")
    )
    found: dict[str, Decimal] = {}
    for line in entry.lines.all():
        found[roles[line.account_id]] = found.get(roles[line.account_id], M(0)) + line.amount
    return found


def entries(source_type, source_id):
    return list(
        JournalEntry.objects.filter(source_type=source_type, source_id=str(source_id)).order_by(
            "id"
        )
    )


def draft(world, *lines):
    invoice = invoicing.draft_empty_invoice(actor=world.treasurer, client=world.client)
    for amount, category, rate in lines:
        invoice_lines.add_line(
            actor=world.treasurer, invoice=invoice, description="Work", quantity=1,
            unit_price=amount, vat_category=category, vat_rate=rate,
        )  # fmt: skip
    return invoice


def issue(world, *lines):
    return issuing.issue_invoice(actor=world.treasurer, invoice=draft(world, *lines))


def pay(world, invoice, amount, day=NOVEMBER_2, **kwargs):
    kwargs.setdefault("currency", invoice.currency)
    return payments.record_payment(
        actor=world.treasurer, invoice=invoice, received_on=day, amount=M(amount), **kwargs
    )


def test_an_invoice_books_revenue_and_vat_by_category_and_rate(world):
    invoice = issue(world, ("1000", "S", "20"), ("500", "S", "10"), ("300", "AE", "0"))
    [entry] = entries("billing.invoice", invoice.pk)
    # The World's co-op is Austrian: the generic chart.
    assert lines_of(entry) == {
        "1100": M("2050.00"),  # receivables: the gross
        "4000": M("-1000.00"), "2200": M("-200.00"),  # standard rate, 20 %
        "4010": M("-500.00"), "2210": M("-50.00"),  # reduced rate, 10 %
        "4030": M("-300.00"),  # reverse charge
    }  # fmt: skip
    assert (entry.kind, entry.date, entry.created_by) == (
        EntryKind.INVOICE_ISSUED, D(2026, 11, 2), world.treasurer,
    )  # fmt: skip
    assert invoice.gross_total == M("2050.00") and invoice.vat_total == M("250.00")
    assert "2026-0001" in entry.description


def test_tax_free_lines_book_on_tax_free_revenue(world):
    world.settings.exemption_note = "Exempt under § 6"
    world.settings.save()
    invoice = issue(world, ("100", "E", "0"), ("40", "Z", "0"), ("60", "G", "0"))
    [entry] = entries("billing.invoice", invoice.pk)
    assert lines_of(entry) == {"1100": M("200.00"), "4020": M("-200.00")}


def test_a_credit_note_is_the_mirror(world):
    invoice = issue(world, ("1000", "S", "20"), ("500", "S", "10"))
    standard = invoice.lines.get(vat_rate=20)
    note = issuing.credit_invoice(
        actor=world.treasurer, invoice=invoice, lines=[(standard, "100.00")], reason="Too much"
    )
    [entry] = entries("billing.invoice", note.pk)
    assert entry.kind == EntryKind.CREDIT_NOTE
    assert lines_of(entry) == {"1100": M("-120.00"), "4000": M("100.00"), "2200": M("20.00")}
    assert len(entries("billing.invoice", invoice.pk)) == 1


def test_the_worked_example_paid_in_two_parts(world, clock):
    world.settings.standard_vat_rate = M("19")
    world.settings.save()
    invoice = issue(world, ("1000", "S", "19"))
    assert lines_of(entries("billing.invoice", invoice.pk)[0]) == {
        "1100": M("1190.00"), "4000": M("-1000.00"), "2200": M("-190.00"),
    }  # fmt: skip
    first = pay(world, invoice, "500.00")
    clock.set(D(2026, 11, 20))
    second = pay(world, invoice, "690.00", day=D(2026, 11, 20))
    [one], [two] = entries("billing.payment", first.pk), entries("billing.payment", second.pk)
    assert lines_of(one) == {"1010": M("500.00"), "1100": M("-500.00")}
    assert lines_of(two) == {"1010": M("690.00"), "1100": M("-690.00")}
    assert (two.kind, two.date) == (EntryKind.PAYMENT_RECEIVED, D(2026, 11, 20))
    receivables = JournalLine.objects.filter(account__number="1100")
    assert sum(receivables.values_list("amount", flat=True)) == 0
    # The revenue rows the payments made are not booked again.
    assert not JournalEntry.objects.filter(source_type="payroll.revenue").exists()
    assert sorted(Revenue.objects.values_list("amount", flat=True)) == [M("420.17"), M("579.83")]
    covered = sources.covered(world.cooperative, "payroll.revenue")
    assert covered == {str(pk) for pk in Revenue.objects.values_list("pk", flat=True)}
    assert len(covered) == 2


def test_an_overpayment_leaves_a_credit_on_receivables(world):
    invoice = issue(world, ("100", "S", "20"))
    payment = pay(world, invoice, "150.00", confirm_overpayment=True)
    assert lines_of(entries("billing.payment", payment.pk)[0]) == {
        "1010": M("150.00"), "1100": M("-150.00"),
    }  # fmt: skip
    assert sum(
        JournalLine.objects.filter(account__number="1100").values_list("amount", flat=True)
    ) == M("-30.00")


def test_a_payment_removed_in_an_open_month_is_reversed_on_its_day(world, clock):
    invoice = issue(world, ("100", "S", "20"))
    payment = pay(world, invoice, "120.00")
    clock.set(D(2026, 12, 3))
    payments.remove_payment(actor=world.treasurer, payment=payment)
    original, reversal = entries("billing.payment", payment.pk)
    assert reversal.reverses == original and reversal.kind == EntryKind.REVERSAL
    assert reversal.date == D(2026, 11, 2)
    assert lines_of(reversal) == {"1010": M("-120.00"), "1100": M("120.00")}
    assert not any(sources.check(world.cooperative).values())


def test_a_payment_removed_in_a_distributed_month_is_reversed_today(clock, treasurer, books):
    clock.set(D(2026, 11, 10))
    cooperative = treasurer.cooperative
    client = ClientFactory(cooperative=cooperative, name="City of Vienna")
    invoice = issued_invoice(client, issue_date=D(2026, 9, 1))  # from before the books
    payment = payments.record_payment(
        actor=treasurer, invoice=invoice, received_on=D(2026, 9, 28), amount=M("1000.00"),
        currency=invoice.currency,
    )  # fmt: skip
    september = distributing.create_draft(
        actor=treasurer, cooperative=cooperative, month=D(2026, 9, 1)
    )
    with transaction.atomic():
        distributing.approve_distribution(actor=treasurer, distribution=september)
    [correction] = payments.remove_payment(actor=treasurer, payment=payment)
    original, reversal = entries("billing.payment", payment.pk)
    assert (original.date, reversal.date) == (D(2026, 9, 28), D(2026, 11, 10))
    assert by_role(reversal) == {"bank": M("-1000.00"), "receivables": M("1000.00")}
    # The revenue row and its correction stay with payroll, covered by billing.
    covered = sources.covered(cooperative, "payroll.revenue")
    assert {str(correction.pk), str(correction.corrects_id)} <= covered
    assert sources.check(cooperative)["billing.payment"] == []


def test_a_foreign_invoice_is_booked_when_paid_at_the_payments_rate(world):
    world.client.currency = "USD"
    world.client.save()
    invoice = issue(world, ("1000", "S", "20"), ("500", "S", "10"))
    assert invoice.currency == "USD" and invoice.gross_total == M("1750.00")
    assert entries("billing.invoice", invoice.pk) == []
    payment = pay(world, invoice, "875.00", exchange_rate=M("0.9"))
    assert payment.amount_in_coop_currency == M("787.50")
    # 787.50 EUR split as 1000 : 200 : 500 : 50 of the invoice.
    assert lines_of(entries("billing.payment", payment.pk)[0]) == {
        "1010": M("787.50"),
        "4000": M("-450.00"), "2200": M("-90.00"), "4010": M("-225.00"), "2210": M("-22.50"),
    }  # fmt: skip
    assert not any(sources.check(world.cooperative).values())


def test_the_backfill_writes_what_the_live_path_wrote(world, clock):
    invoice = issue(world, ("1000", "S", "20"), ("500", "S", "10"), ("300", "AE", "0"))
    standard = invoice.lines.get(vat_rate=20)
    issuing.credit_invoice(actor=world.treasurer, invoice=invoice, lines=[(standard, "100.00")])
    pay(world, invoice, "700.00")
    clock.set(D(2026, 11, 5))
    pay(world, invoice, "300.00", day=D(2026, 11, 5))

    def journal():
        return sorted(
            (e.kind, e.date, e.source_type, e.source_id, tuple(sorted(lines_of(e).items())))
            for e in JournalEntry.objects.all()
        )

    live = journal()
    assert len(live) == 4
    JournalLine.objects.all().delete()
    JournalEntry.objects.all().delete()
    assert sources.check(world.cooperative)["billing.invoice"]
    written = sources.backfill(world.cooperative)
    assert (written["billing.invoice"], written["billing.payment"]) == (2, 2)
    assert journal() == live
    assert sources.backfill(world.cooperative)["billing.payment"] == 0  # once
    call_command("backfill_books", "--check", coop=[world.cooperative.slug])


def test_records_from_before_the_books_and_one_that_does_not_add_up(world):
    invoice = issued_invoice(world.client, vat_rate=M("20"), issue_date=D(2026, 9, 1))
    broken = credit_note(invoice, M("50.00"))  # written without lines: they add up to nothing
    written = sources.backfill(world.cooperative)
    assert written["billing.invoice"] == 1
    assert lines_of(entries("billing.invoice", invoice.pk)[0]) == {
        "1100": M("1200.00"), "4000": M("-1000.00"), "2200": M("-200.00"),
    }  # fmt: skip
    assert entries("billing.invoice", invoice.pk)[0].date == D(2026, 9, 1)
    problems = sources.check(world.cooperative)["billing.invoice"]
    assert any(f"credit note {broken.number}: receivable -€50.00" in p for p in problems)


def test_the_check_catches_a_tampered_amount(world):
    invoice = issue(world, ("100", "S", "20"))
    payment = pay(world, invoice, "120.00")
    assert not any(sources.check(world.cooperative).values())
    # Tampered as a bad edit would be: still balanced (PostgreSQL refuses any other at commit).
    tamper = {
        ("billing.invoice", "1100"): "121.00",
        ("billing.invoice", "4000"): "-101.00",
        ("billing.payment", "1010"): "12.00",
        ("billing.payment", "1100"): "-12.00",
    }
    for (source_type, number), amount in tamper.items():
        JournalLine.objects.filter(entry__source_type=source_type, account__number=number).update(
            amount=M(amount)
        )
    found = sources.check(world.cooperative)
    assert any("120.00" in problem and "121.00" in problem for problem in found["billing.invoice"])
    assert any(f"payment #{payment.pk}" in problem for problem in found["billing.payment"])
    assert any("2026-11" in problem for problem in found["billing.payment"])


def test_a_missing_account_refuses_the_issue_with_a_409(world, api):
    setup.ensure_chart(world.cooperative)
    # A chart of the treasurer's own (a default chart would give the role its account).
    BooksSettings.objects.filter(cooperative=world.cooperative).update(chart="own")
    AccountMapping.objects.filter(cooperative=world.cooperative, role="vat_reduced").delete()
    invoice = draft(world, ("1000", "S", "20"), ("500", "S", "10"))
    response = as_member(api, world.treasurer).post(
        f"/api/v1/coops/{world.cooperative.slug}/invoices/{invoice.pk}/issue/"
    )
    assert response.status_code == 409
    assert "vat_reduced" in response.content.decode()
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (InvoiceStatus.DRAFT, "")
    assert not JournalEntry.objects.exists()
    assert not Invoice.objects.exclude(status=InvoiceStatus.DRAFT).exists()


def test_a_payment_without_a_bank_account_is_not_recorded(world):
    invoice = issue(world, ("100", "S", "20"))
    # A chart of the treasurer's own (a default chart would give the role its account).
    BooksSettings.objects.filter(cooperative=world.cooperative).update(chart="own")
    AccountMapping.objects.filter(cooperative=world.cooperative, role="bank").delete()
    with pytest.raises(Exception, match="bank"):
        pay(world, invoice, "120.00")
    assert not Payment.objects.exists() and not Revenue.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_commits_billings_entries(clock):
    clock.set(D(2026, 11, 2))
    world = World()
    invoice = issue(world, ("1000", "S", "20"), ("500", "S", "10"), ("300", "AE", "0"))
    issuing.credit_invoice(actor=world.treasurer, invoice=invoice)
    invoice = issue(world, ("100", "S", "20"))
    payment = pay(world, invoice, "60.00")
    payments.remove_payment(actor=world.treasurer, payment=payment)
    pay(world, invoice, "120.00")
    assert connection.vendor == "postgresql"
    assert JournalEntry.objects.count() == 6  # committed: the deferred trigger found them balanced
    assert not any(sources.check(world.cooperative).values())
