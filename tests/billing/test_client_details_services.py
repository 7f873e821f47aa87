"""Clients' and the co-op's invoicing details: VAT IDs by python-stdnum, VAT treatment rules,
currencies and countries, a currency that rates or invoices hold."""

import datetime

import pytest

from coop import services
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import AuditEvent
from coop.validators import normalize_vat_id, vat_id_problem
from tests.billing.rates_factories import billing_rate, issued_invoice
from tests.factories import ClientFactory, ProjectFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "country", "compact"),
    [
        ("DE 136 695 976", "DE", "DE136695976"),
        ("136695976", "DE", "DE136695976"),
        ("ES A-28015865", "ES", "ESA28015865"),
        ("ATU13585627", "AT", "ATU13585627"),
        ("094259216", "GR", "EL094259216"),
        ("CHE-116.281.710 MWST", "CH", "CHE116281710MWST"),
    ],
)
def test_a_valid_vat_id_passes_in_its_compact_form(value, country, compact):
    assert vat_id_problem(value, country) is None
    assert normalize_vat_id(value, country) == compact


@pytest.mark.parametrize(
    ("value", "country"),
    [("DE136695977", "DE"), ("ESA28015866", "ES"), ("ATU13585628", "AT")],
)
def test_a_wrong_check_digit_is_named(value, country):
    assert vat_id_problem(value, country) == (
        f"The check digits of VAT ID “{value}” are wrong: please check for a typo."
    )


def test_a_non_eu_vat_id_is_checked_by_its_country():
    assert "wrong length" in vat_id_problem("CHE-116.281.711", "CH")
    assert vat_id_problem("20-26756539-3", "AR") is None  # a CUIT
    assert "check digits" in vat_id_problem("20-26756539-4", "AR")
    # stdnum knows no US VAT: letters and digits pass.
    assert vat_id_problem("12-3456789", "US") is None


def test_an_eu_vat_id_of_another_country_is_refused():
    assert vat_id_problem("DE136695976", "AT") == "A VAT ID from AT starts with AT, not DE."


@pytest.fixture
def vienna_coop(cooperative):
    cooperative.country = "AT"
    cooperative.save()
    return cooperative


def test_the_treasurer_sets_a_clients_billing_details(vienna_coop, treasurer):
    client = services.create_client(
        cooperative=vienna_coop,
        actor=treasurer,
        name="Bundesamt",
        legal_name="Bundesamt für Software GmbH",
        address="Hauptstraße 1\n10115 Berlin",
        country="de",
        vat_id="de 136 695 976",
        invoice_email="rechnung@example.de",
        payment_terms_days=14,
        invoice_language="de",
        currency="eur",
        buyer_reference="04011000-1234512345-06",
        vat_treatment="reverse_charge",
    )
    client.refresh_from_db()
    assert (client.country, client.vat_id, client.currency) == ("DE", "DE136695976", "EUR")
    event = AuditEvent.objects.filter(verb="client.created").last()
    assert event.data["vat_id"] == "DE136695976"


def test_a_wrong_check_digit_refuses_the_client(vienna_coop, treasurer):
    with pytest.raises(InvalidInput) as refused:
        services.create_client(
            cooperative=vienna_coop, actor=treasurer, name="X", country="DE", vat_id="DE136695977"
        )
    assert refused.value.field == "vat_id"
    assert "check digits" in refused.value.message


def test_a_member_may_not_change_billing_details(vienna_coop, member):
    client = ClientFactory(cooperative=vienna_coop)
    with pytest.raises(NotAllowed):
        services.update_client(client=client, actor=member, country="DE")


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"country": "DE"}, "vat_id"),  # no VAT ID
        ({"country": "AT", "vat_id": "ATU13585627"}, "country"),  # the co-op's own country
        ({"country": "CH", "vat_id": "CHE-116.281.710 MWST"}, "country"),  # outside the EU
    ],
)
def test_reverse_charge_needs_an_eu_business_in_another_country(
    vienna_coop, treasurer, details, field
):
    with pytest.raises(InvalidInput) as refused:
        services.create_client(
            cooperative=vienna_coop,
            actor=treasurer,
            name="Kunde",
            vat_treatment="reverse_charge",
            **details,
        )
    assert refused.value.field == field


def test_reverse_charge_needs_the_coops_country(cooperative, treasurer):
    with pytest.raises(InvalidInput) as refused:
        services.create_client(
            cooperative=cooperative,
            actor=treasurer,
            name="Kunde",
            country="DE",
            vat_id="DE136695976",
            vat_treatment="reverse_charge",
        )
    assert refused.value.field == "vat_treatment"
    assert "co-op's country" in refused.value.message


def test_export_is_for_a_client_outside_the_eu(vienna_coop, treasurer):
    with pytest.raises(InvalidInput) as refused:
        services.create_client(
            cooperative=vienna_coop, actor=treasurer, name="K", country="FR", vat_treatment="export"
        )
    assert refused.value.field == "country"
    client = services.create_client(
        cooperative=vienna_coop, actor=treasurer, name="K", country="US", vat_treatment="export"
    )
    assert client.vat_treatment == "export"


def test_exempt_needs_a_note_from_the_client_or_the_coop(vienna_coop, treasurer):
    from billing.setup import update_billing_settings

    with pytest.raises(InvalidInput) as refused:
        services.create_client(
            cooperative=vienna_coop, actor=treasurer, name="K", vat_treatment="exempt"
        )
    assert refused.value.field == "vat_note"
    services.create_client(
        cooperative=vienna_coop,
        actor=treasurer,
        name="K",
        vat_treatment="exempt",
        vat_note="Steuerfrei gemäß § 6 Abs. 1 Z 27 UStG",
    )
    update_billing_settings(
        cooperative=vienna_coop, actor=treasurer, exemption_note="Kleinunternehmerregelung"
    )
    services.create_client(
        cooperative=vienna_coop, actor=treasurer, name="L", vat_treatment="exempt"
    )


@pytest.mark.parametrize(
    ("field", "value"), [("currency", "XYZ"), ("currency", "KWD"), ("country", "XX")]
)
def test_unknown_currencies_and_countries_are_refused(vienna_coop, treasurer, field, value):
    with pytest.raises(InvalidInput) as refused:
        services.create_client(cooperative=vienna_coop, actor=treasurer, name="K", **{field: value})
    assert refused.value.field == field


def test_the_currency_stays_while_rates_are_in_it(vienna_coop, treasurer):
    client = ClientFactory(cooperative=vienna_coop, currency="USD")
    rate = billing_rate(vienna_coop, client=client, currency="USD")
    with pytest.raises(StateConflict) as refused:
        services.update_client(client=client, actor=treasurer, currency="")
    assert refused.value.field == "currency"
    assert "has rates in USD" in refused.value.message
    rate.delete()
    client = services.update_client(client=client, actor=treasurer, currency="")
    assert client.currency == ""


def test_the_currency_stays_while_invoices_are_in_it(vienna_coop, member, treasurer):
    client = ClientFactory(cooperative=vienna_coop)
    project = ProjectFactory(client=client)
    issued_invoice(client, [TimeEntryFactory(member=member, project=project)])
    with pytest.raises(StateConflict) as refused:
        services.update_client(client=client, actor=treasurer, currency="CHF")
    assert "has invoices in EUR" in refused.value.message
    # The same currency written out is no change.
    services.update_client(client=client, actor=treasurer, currency="EUR")


def test_a_project_overrides_vat_and_billable(vienna_coop, treasurer):
    client = ClientFactory(cooperative=vienna_coop)
    with pytest.raises(InvalidInput) as refused:
        services.create_project(
            cooperative=vienna_coop,
            actor=treasurer,
            client=client,
            name="Intern",
            vat_treatment="reverse_charge",
        )
    assert refused.value.field == "vat_treatment"
    project = services.create_project(
        cooperative=vienna_coop,
        actor=treasurer,
        client=client,
        name="Intern",
        billable=False,
        vat_treatment="exempt",
        vat_note="Bildungsleistung, § 6 Abs. 1 Z 12 UStG",
    )
    assert not project.billable
    with pytest.raises(InvalidInput) as refused:
        services.update_project(project=project, actor=treasurer, vat_note="")
    assert refused.value.field == "vat_note"
    project = services.update_project(project=project, actor=treasurer, vat_treatment="")
    assert project.vat_treatment == ""


def test_the_coops_invoicing_details(vienna_coop, treasurer, member):
    cooperative = services.update_invoicing_details(
        cooperative=vienna_coop,
        actor=treasurer,
        address="Lange Gasse 1\n1080 Wien",
        vat_id="U13585627",
        tax_number="12 345/6789",
        email="office@example.at",
    )
    assert cooperative.vat_id == "ATU13585627"
    with pytest.raises(InvalidInput) as refused:
        services.update_invoicing_details(
            cooperative=vienna_coop, actor=treasurer, vat_id="ATU13585628"
        )
    assert refused.value.field == "vat_id"
    with pytest.raises(NotAllowed):
        services.update_invoicing_details(cooperative=vienna_coop, actor=member, email="a@b.at")
    assert AuditEvent.objects.filter(verb="cooperative.invoicing_details_updated").count() == 1


def test_an_entry_takes_its_projects_billable_flag(cooperative, member, clock):
    from coop.hours import services as hours

    clock.set(datetime.date(2026, 11, 10))
    unbilled = ProjectFactory(client__cooperative=cooperative, billable=False)
    billed = ProjectFactory(client__cooperative=cooperative)
    day = datetime.date(2026, 11, 9)
    entry = hours.log_time(actor=member, member=member, project=unbilled, date=day, minutes=60)
    assert entry.billable is False
    entry = hours.log_time(actor=member, member=member, project=billed, date=day, minutes=60)
    assert entry.billable is True
    entry = hours.log_time(
        actor=member, member=member, project=billed, date=day, minutes=30, billable=False
    )
    assert entry.billable is False


def test_the_timer_logs_with_the_projects_flag(cooperative, member, clock):
    from coop.hours import timers

    clock.set(datetime.datetime(2026, 11, 10, 9, tzinfo=datetime.UTC))
    project = ProjectFactory(client__cooperative=cooperative, billable=False)
    timers.start_timer(actor=member, project=project)
    clock.advance(datetime.timedelta(hours=1))
    [entry] = timers.stop_timer(actor=member)
    assert entry.billable is False


def test_the_treasurer_marks_an_entry_not_billable(cooperative, member, treasurer, secretary):
    from coop.hours import services as hours

    entry = TimeEntryFactory(member=member, project__client__cooperative=cooperative)
    entry = hours.update_time_entry(actor=treasurer, entry=entry, billable=False)
    assert entry.billable is False
    entry = hours.update_time_entry(actor=member, entry=entry, billable=True)
    assert entry.billable is True
    with pytest.raises(NotAllowed):
        hours.update_time_entry(actor=secretary, entry=entry, billable=False)
