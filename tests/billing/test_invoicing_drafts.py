"""Drafting invoices from unbilled hours: grouping, exact nets, rates, VAT, billed once."""

import datetime
from decimal import Decimal

import pytest

from billing import invoice_lines, invoicing, unbilled
from billing.models import BilledEntry, Invoice, InvoiceLine, LineGrouping, VatCategory
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import Project
from tests.billing.invoicing_factories import OCTOBER, World, billable_entry
from tests.factories import MemberFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    clock.set(D(2026, 11, 2))
    return World()


def draft(world, grouping=LineGrouping.PROJECT, client=None, period=OCTOBER):
    return invoicing.draft_invoice(
        actor=world.treasurer,
        client=client or world.client,
        start=period[0],
        end=period[1],
        grouping=grouping,
    )


def test_one_line_per_project_sums_minutes_exactly(world):
    world.entry(minutes=20)
    world.entry(minutes=20, member=world.bo)
    world.entry(minutes=20, day=D(2026, 10, 6))
    other = Project.objects.create(cooperative=world.cooperative, client=world.client, name="App")
    world.entry(project=other, minutes=90)
    invoice = draft(world)
    lines = list(invoice.lines.all())
    assert [(line.description, line.minutes) for line in lines] == [("App", 90), ("Website", 60)]
    app, website = lines
    assert (app.quantity, app.unit, app.unit_price, app.net) == (
        Decimal("1.5"),
        "HUR",
        Decimal("100"),
        Decimal("150.00"),
    )
    assert website.net == Decimal("100.00")
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("250.00"),
        Decimal("50.00"),
        Decimal("300.00"),
    )
    assert BilledEntry.objects.filter(line__invoice=invoice).count() == 4
    assert invoice.currency == "EUR" and invoice.is_draft and invoice.number == ""


def test_per_member_and_per_entry(world):
    world.entry(minutes=30, description="Design")
    world.entry(minutes=45, member=world.bo, day=D(2026, 10, 7))
    by_member = draft(world, LineGrouping.MEMBER)
    assert [(line.description, line.minutes) for line in by_member.lines.all()] == [
        ("Website – Ana", 30),
        ("Website – Bo", 45),
    ]
    invoicing.delete_draft(actor=world.treasurer, invoice=by_member)
    by_entry = draft(world, LineGrouping.ENTRY)
    descriptions = [line.description for line in by_entry.lines.all()]
    assert descriptions == [
        "Website – Ana, October 5, 2026: Design",
        "Website – Bo, October 7, 2026: Work",
    ]


def test_a_rate_changed_mid_period_makes_two_lines(world):
    world.rate(project=world.project, rate=Decimal("120"), valid_from=D(2026, 10, 15))
    world.entry(minutes=60, day=D(2026, 10, 14))
    world.entry(minutes=60, day=D(2026, 10, 15))
    world.rate(project=world.project, member=world.bo, rate=Decimal("150"), valid_from=OCTOBER[0])
    world.entry(member=world.bo, minutes=60, day=D(2026, 10, 20))
    invoice = draft(world)
    assert sorted((line.unit_price, line.minutes, line.net) for line in invoice.lines.all()) == [
        (Decimal("100"), 60, Decimal("100.00")),
        (Decimal("120"), 60, Decimal("120.00")),
        (Decimal("150"), 60, Decimal("150.00")),
    ]


def test_hours_that_do_not_round_exactly_are_written_in_minutes(world):
    world.coop_rate.rate = Decimal("150")
    world.coop_rate.save()
    world.entry(minutes=1000)  # 16.6667 h × 150 = 2,500.005 → 2,500.01, but 1000 min = 2,500.00
    line = draft(world).lines.get()
    assert (line.quantity, line.unit, line.base_quantity, line.net) == (
        Decimal("1000"),
        "MIN",
        Decimal("60"),
        Decimal("2500.00"),
    )
    assert line.quantity * line.unit_price / line.base_quantity == line.net


def test_adjustments_take_minutes_away(world):
    original = world.entry(minutes=120, day=D(2026, 9, 30))
    world.entry(minutes=-30, adjusts=original, day=D(2026, 10, 3))
    world.entry(minutes=60)
    line = draft(world).lines.get()
    assert line.minutes == 30  # the original is outside the period: only the adjustment and 60
    assert line.net == Decimal("50.00")


def test_unbilled_and_non_billable_entries(world):
    world.entry(minutes=60)
    world.entry(minutes=60, billable=False)
    world.entry(minutes=60, day=D(2026, 11, 1))
    summary = unbilled.unbilled_summary(world.cooperative, *OCTOBER)
    assert [(row.client_name, row.member_name, row.minutes) for row in summary] == [
        ("Acme", "Ana", 60)
    ]
    draft(world)
    assert unbilled.unbilled_summary(world.cooperative, *OCTOBER) == []
    with pytest.raises(InvalidInput) as refused:
        draft(world)
    assert refused.value.field == "period_start"


def test_no_rate_is_refused_naming_the_project_member_and_day(world):
    world.coop_rate.delete()
    world.entry(minutes=60)
    with pytest.raises(InvalidInput) as refused:
        draft(world)
    assert refused.value.field == "rate"
    assert "Ana" in refused.value.message and "Website" in refused.value.message
    assert "October 5, 2026" in refused.value.message
    assert not Invoice.objects.exists()


def test_reverse_charge_note_in_the_invoice_language(world):
    world.client.vat_treatment = "reverse_charge"
    world.client.invoice_language = "de"
    world.client.save()
    world.entry(minutes=60)
    invoice = draft(world)
    line = invoice.lines.get()
    assert (line.vat_category, line.vat_rate) == (VatCategory.REVERSE_CHARGE, Decimal("0"))
    assert invoice.vat_total == Decimal("0.00")
    assert invoice.vat_notes == {
        "AE": "Steuerschuldnerschaft des Leistungsempfängers (Art. 196 MwStSystRL)"
    }


def test_reverse_charge_note_in_english_and_spanish(world):
    from billing.vat import vat_terms

    world.client.vat_treatment = "reverse_charge"
    english = vat_terms(project=None, client=world.client, settings=world.settings, language="en")
    spanish = vat_terms(project=None, client=world.client, settings=world.settings, language="es")
    assert english.note == (
        "Reverse charge: VAT to be accounted for by the recipient (Art. 196 Directive 2006/112/EC)"
    )
    assert spanish.note == "Inversión del sujeto pasivo (art. 196 Directiva 2006/112/CE)"


def test_project_vat_and_missing_rates(world):
    world.project.vat_treatment = "reduced"
    world.project.save()
    world.entry(minutes=60)
    assert draft(world).lines.get().vat_rate == Decimal("10.00")
    world.settings.standard_vat_rate = None
    world.settings.save()
    other = Project.objects.create(cooperative=world.cooperative, client=world.client, name="B")
    world.entry(project=other, minutes=60)
    with pytest.raises(InvalidInput) as refused:
        draft(world)
    assert refused.value.field == "standard_vat_rate"


def test_exempt_takes_the_settings_note(world):
    world.client.vat_treatment = "exempt"
    world.client.save()
    world.settings.exemption_note = "Kleinunternehmer, § 6 Abs. 1 Z 27 UStG"
    world.settings.save()
    world.entry(minutes=60)
    invoice = draft(world)
    assert invoice.lines.get().vat_category == "E"
    assert invoice.vat_notes == {"E": "Kleinunternehmer, § 6 Abs. 1 Z 27 UStG"}


def test_only_the_treasurer_drafts(world):
    world.entry(minutes=60)
    with pytest.raises(NotAllowed):
        invoicing.draft_invoice(
            actor=world.ana,
            client=world.client,
            start=OCTOBER[0],
            end=OCTOBER[1],
            grouping="project",
        )


def test_bad_period_and_grouping(world):
    with pytest.raises(InvalidInput) as refused:
        draft(world, period=(OCTOBER[1], OCTOBER[0]))
    assert refused.value.field == "period_end"
    with pytest.raises(InvalidInput) as refused:
        draft(world, grouping="week")
    assert refused.value.field == "grouping"


def test_a_second_draft_racing_for_the_same_entries_gets_409(world, monkeypatch):
    world.entry(minutes=60)
    stale = unbilled.unbilled_hours(world.cooperative, world.client, *OCTOBER)
    first = draft(world)
    # The second request read the entries before the first one linked them. draft_invoice
    # looks unbilled_hours up in billing.invoicing, which imports it: the name is patched there.
    monkeypatch.setattr(invoicing, "unbilled_hours", lambda *args: stale)
    with pytest.raises(StateConflict) as refused:
        draft(world)
    assert refused.value.status == 409
    assert list(Invoice.objects.all()) == [first]
    assert BilledEntry.objects.count() == 1


def test_deleting_a_draft_releases_its_entries(world):
    entry = world.entry(minutes=60)
    invoice = draft(world)
    invoicing.delete_draft(actor=world.treasurer, invoice=invoice)
    assert not BilledEntry.objects.filter(entry=entry).exists()
    assert not InvoiceLine.objects.exists()
    assert draft(world).lines.get().minutes == 60


@pytest.mark.parametrize("count", [10, 200])
def test_a_draft_costs_a_fixed_number_of_queries(world, count, django_assert_max_num_queries):
    members = [world.ana, world.bo, MemberFactory(cooperative=world.cooperative)]
    for index in range(count):
        billable_entry(
            members[index % 3],
            world.project,
            day=D(2026, 10, 1 + index % 28),
            minutes=7 + index % 50,
        )
    with django_assert_max_num_queries(16):
        invoice = draft(world, LineGrouping.MEMBER)
    assert invoice.lines.count() == 3
    assert BilledEntry.objects.filter(line__invoice=invoice).count() == count
    minutes = sum(7 + index % 50 for index in range(count))
    assert sum(line.minutes for line in invoice.lines.all()) == minutes


def test_manual_lines_on_drafts_only(world):
    invoice = invoicing.draft_empty_invoice(actor=world.treasurer, client=world.client)
    line = invoice_lines.add_line(
        actor=world.treasurer,
        invoice=invoice,
        description="Hosting, October",
        quantity="1",
        unit_price="49.90",
    )
    invoice.refresh_from_db()
    assert (line.net, invoice.vat_total, invoice.gross_total) == (
        Decimal("49.90"),
        Decimal("9.98"),
        Decimal("59.88"),
    )
    invoice_lines.update_line(actor=world.treasurer, line=line, quantity="3", vat_category="Z")
    invoice.refresh_from_db()
    assert (invoice.net_total, invoice.vat_total) == (Decimal("149.70"), Decimal("0.00"))
    second = invoice_lines.add_line(
        actor=world.treasurer, invoice=invoice, description="Domain", quantity=1, unit_price=10
    )
    invoice_lines.remove_line(actor=world.treasurer, line=line)
    second.refresh_from_db()
    assert second.position == 1
    invoice.refresh_from_db()
    assert invoice.net_total == Decimal("10.00")
    with pytest.raises(InvalidInput) as refused:
        invoice_lines.add_line(
            actor=world.treasurer, invoice=invoice, description="X", quantity=0, unit_price=1
        )
    assert refused.value.field == "quantity"
    with pytest.raises(InvalidInput) as refused:
        invoice_lines.add_line(
            actor=world.treasurer,
            invoice=invoice,
            description="X",
            quantity=1,
            unit_price=1,
            vat_category="S",
            vat_rate=0,
        )
    assert refused.value.field == "vat_rate"


def test_an_hour_lines_quantity_follows_its_hours(world):
    world.entry(minutes=60)
    line = draft(world).lines.get()
    with pytest.raises(InvalidInput) as refused:
        invoice_lines.update_line(actor=world.treasurer, line=line, quantity="2")
    assert refused.value.field == "quantity"
    invoice_lines.update_line(actor=world.treasurer, line=line, description="Website relaunch")
    line.refresh_from_db()
    assert line.description == "Website relaunch"
