"""Billing rates at four levels: create, change, delete, and every refusal naming its field;
and the billing settings (number pattern, VAT rates, dunning levels)."""

import datetime
from decimal import Decimal

import pytest

from billing.configuration import settings_of
from billing.models import BillingRate
from billing.rate_services import create_rate, delete_rate, update_rate
from billing.setup import update_billing_settings
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import AuditEvent
from tests.billing.rates_factories import billing_rate, issued_invoice
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db
JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def project(cooperative):
    return ProjectFactory(client__cooperative=cooperative, client__currency="USD")


def test_rates_at_four_levels(cooperative, treasurer, member, project):
    client = project.client
    coop_rate = create_rate(cooperative=cooperative, actor=treasurer, rate="70", valid_from=JAN)
    client_rate = create_rate(
        cooperative=cooperative, actor=treasurer, rate="80", valid_from=JAN, client=client
    )
    project_rate = create_rate(
        cooperative=cooperative, actor=treasurer, rate="90.50", valid_from=JAN, project=project
    )
    member_rate = create_rate(
        cooperative=cooperative,
        actor=treasurer,
        rate=Decimal("100"),
        valid_from=JAN,
        project=project,
        member=member,
        currency="usd",
    )
    assert coop_rate.scope == "coop" and coop_rate.currency == "EUR"
    assert client_rate.scope == f"client:{client.pk}" and client_rate.currency == "USD"
    assert project_rate.scope == f"project:{project.pk}" and project_rate.client == client
    assert member_rate.scope == f"member:{project.pk}:{member.pk}"
    assert AuditEvent.objects.filter(verb="billing_rate.created").count() == 4


@pytest.mark.parametrize("rate", ["0", "-5", "abc", "12.345", "1e20"])
def test_a_rate_must_be_positive_money(cooperative, treasurer, rate):
    with pytest.raises(InvalidInput) as refused:
        create_rate(cooperative=cooperative, actor=treasurer, rate=rate, valid_from=JAN)
    assert refused.value.field == "rate"


def test_the_currency_is_the_clients(cooperative, treasurer, project):
    with pytest.raises(InvalidInput) as refused:
        create_rate(
            cooperative=cooperative,
            actor=treasurer,
            rate="80",
            valid_from=JAN,
            project=project,
            currency="EUR",
        )
    assert refused.value.field == "currency"
    assert refused.value.message == (
        f"{project.client.name} is invoiced in USD: its rates are in USD too."
    )
    with pytest.raises(InvalidInput) as refused:
        create_rate(
            cooperative=cooperative, actor=treasurer, rate="80", valid_from=JAN, currency="USD"
        )
    assert refused.value.message == "The co-op's default rate is in the co-op's currency, EUR."
    with pytest.raises(InvalidInput) as refused:
        create_rate(
            cooperative=cooperative, actor=treasurer, rate="80", valid_from=JAN, currency="XYZ"
        )
    assert refused.value.field == "currency"
    assert "ISO 4217" in refused.value.message


def test_objects_of_another_coop_are_refused(cooperative, treasurer, outsider, project):
    elsewhere = ProjectFactory()
    for kwargs, field in [
        ({"client": elsewhere.client}, "client"),
        ({"project": elsewhere}, "project"),
        ({"project": project, "member": outsider}, "member"),
        ({"member": MemberFactory(cooperative=cooperative)}, "project"),
        ({"client": ClientFactory(cooperative=cooperative), "project": project}, "project"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            create_rate(
                cooperative=cooperative, actor=treasurer, rate="80", valid_from=JAN, **kwargs
            )
        assert refused.value.field == field, kwargs


def test_one_rate_per_level_and_day(cooperative, treasurer):
    create_rate(cooperative=cooperative, actor=treasurer, rate="80", valid_from=JAN)
    with pytest.raises(StateConflict) as refused:
        create_rate(cooperative=cooperative, actor=treasurer, rate="85", valid_from=JAN)
    assert refused.value.field == "valid_from"
    later = create_rate(
        cooperative=cooperative, actor=treasurer, rate="85", valid_from=datetime.date(2026, 7, 1)
    )
    with pytest.raises(StateConflict):
        update_rate(billing_rate=later, actor=treasurer, valid_from=JAN)


def test_only_the_treasurer_or_an_admin_keeps_rates(cooperative, member):
    with pytest.raises(NotAllowed):
        create_rate(cooperative=cooperative, actor=member, rate="80", valid_from=JAN)


@pytest.fixture
def billed_in_october(cooperative, member, project):
    """An entry of 5 October 2026 on an issued invoice."""
    entry = TimeEntryFactory(member=member, project=project, date=datetime.date(2026, 10, 5))
    return issued_invoice(project.client, [entry])


def test_a_new_rate_cannot_start_before_billed_hours(
    cooperative, treasurer, project, billed_in_october
):
    with pytest.raises(StateConflict) as refused:
        create_rate(
            cooperative=cooperative,
            actor=treasurer,
            rate="95",
            project=project,
            valid_from=datetime.date(2026, 10, 1),
        )
    assert refused.value.field == "valid_from"
    assert "on invoice 2026-0001" in refused.value.message
    # After the billed hours it may; and another project's rate is not concerned.
    create_rate(
        cooperative=cooperative,
        actor=treasurer,
        rate="95",
        project=project,
        valid_from=datetime.date(2026, 10, 6),
    )
    other = ProjectFactory(client=project.client)
    create_rate(
        cooperative=cooperative,
        actor=treasurer,
        rate="95",
        project=other,
        valid_from=datetime.date(2026, 10, 1),
    )


def test_a_draft_invoice_does_not_hold_a_rate(cooperative, treasurer, project, billed_in_october):
    billed_in_october.status = "draft"
    billed_in_october.number = ""
    billed_in_october.sequence = billed_in_october.issue_date = billed_in_october.year = None
    billed_in_october.save()
    create_rate(
        cooperative=cooperative,
        actor=treasurer,
        rate="95",
        project=project,
        valid_from=datetime.date(2026, 10, 1),
    )


def test_a_rate_used_by_an_issued_invoice_stays(cooperative, treasurer, project, billed_in_october):
    used = billing_rate(cooperative, client=project.client, currency="USD", valid_from=JAN)
    with pytest.raises(StateConflict) as refused:
        delete_rate(billing_rate=used, actor=treasurer)
    assert "stays on record" in refused.value.message
    with pytest.raises(StateConflict):
        update_rate(billing_rate=used, actor=treasurer, rate="99")
    # A later rate takes over after the billed day: the one before it is no longer in reach.
    later = billing_rate(
        cooperative, client=project.client, currency="USD", valid_from=datetime.date(2026, 11, 1)
    )
    update_rate(billing_rate=later, actor=treasurer, rate="99")
    delete_rate(billing_rate=later, actor=treasurer)
    assert AuditEvent.objects.filter(verb="billing_rate.deleted").count() == 1


def test_only_the_rate_and_its_day_change(cooperative, treasurer):
    rate = create_rate(cooperative=cooperative, actor=treasurer, rate="80", valid_from=JAN)
    with pytest.raises(InvalidInput) as refused:
        update_rate(billing_rate=rate, actor=treasurer, currency="USD")
    assert refused.value.field == "currency"
    with pytest.raises(InvalidInput) as refused:
        update_rate(billing_rate=rate, actor=treasurer, rate="0")
    assert refused.value.field == "rate"
    rate = update_rate(
        billing_rate=rate, actor=treasurer, rate="82.50", valid_from=datetime.date(2026, 2, 1)
    )
    rate.refresh_from_db()
    assert (rate.rate, rate.valid_from) == (Decimal("82.50"), datetime.date(2026, 2, 1))
    event = AuditEvent.objects.filter(verb="billing_rate.updated").last()
    assert event.data["changed"]["rate"] == ["80.00", "82.50"]
    assert BillingRate.objects.count() == 1


def test_settings_default_without_a_row(cooperative):
    found = settings_of(cooperative)
    assert found.pk is None
    assert found.number_pattern == "{year}-{number:04d}"
    assert found.dunning_days == []


def test_billing_settings(cooperative, treasurer):
    saved = update_billing_settings(
        cooperative=cooperative,
        actor=treasurer,
        number_pattern="RE-{year}-{number:05d}",
        standard_vat_rate="20",
        reduced_vat_rate=Decimal("10.00"),
        exemption_note="Kleinunternehmer",
        dunning_days=[7, 30, 60],
    )
    assert saved.pk and settings_of(cooperative).standard_vat_rate == Decimal("20.00")
    assert AuditEvent.objects.filter(verb="billing.settings_updated").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number_pattern": "{year}"}, "number_pattern"),
        ({"number_pattern": "{year}-{number:04q}"}, "number_pattern"),
        ({"number_pattern": "{year}-{number"}, "number_pattern"),
        ({"number_pattern": "{client}-{number}"}, "number_pattern"),
        ({"standard_vat_rate": "101"}, "standard_vat_rate"),
        ({"reduced_vat_rate": "-1"}, "reduced_vat_rate"),
        ({"reduced_vat_rate": "7.125"}, "reduced_vat_rate"),
        ({"dunning_days": [30, 7]}, "dunning_days"),
        ({"dunning_days": [0]}, "dunning_days"),
        ({"dunning_days": "7,30"}, "dunning_days"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_billing_settings_name_their_field(cooperative, treasurer, changes, field):
    with pytest.raises(InvalidInput) as refused:
        update_billing_settings(cooperative=cooperative, actor=treasurer, **changes)
    assert refused.value.field == field
