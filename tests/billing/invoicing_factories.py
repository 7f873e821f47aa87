"""Factories and a small world for the invoicing tests: a co-op that can issue invoices, a
client with what an EU invoice needs, rates, and billable hours."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from billing.models import BillingRate, BillingSettings
from coop.models import TimeEntry
from tests.factories import ClientFactory, CooperativeFactory, MemberFactory, ProjectFactory


class InvoicingCooperativeFactory(CooperativeFactory):
    legal_name = "Kooperative Beispiel eG"
    address = "Hauptstraße 1\n1010 Wien"
    country = "AT"
    vat_id = "ATU13585627"
    iban = "AT611904300234573201"


class InvoicedClientFactory(ClientFactory):
    legal_name = factory.LazyAttribute(lambda client: f"{client.name} GmbH")
    address = "Marktplatz 2\n80331 München"
    country = "DE"
    vat_id = "DE136695976"
    payment_terms_days = 14


class BillingSettingsFactory(DjangoModelFactory):
    class Meta:
        model = BillingSettings

    standard_vat_rate = Decimal("20.00")
    reduced_vat_rate = Decimal("10.00")


class BillingRateFactory(DjangoModelFactory):
    class Meta:
        model = BillingRate

    rate = Decimal("100.00")
    currency = "EUR"
    valid_from = datetime.date(2026, 1, 1)


def billable_entry(member, project, day=datetime.date(2026, 10, 5), minutes=120, **extra):
    """A billable entry written directly (the hours service's rules are tested elsewhere)."""
    return TimeEntry.objects.create(
        cooperative=member.cooperative,
        member=member,
        project=project,
        date=day,
        minutes=minutes,
        description=extra.pop("description", "Work"),
        **extra,
    )


class World:
    """A co-op ready to invoice: treasurer, two members, a client with a project, the co-op's
    default rate of 100 EUR/h and a 20 % standard VAT rate."""

    def __init__(self) -> None:
        self.cooperative = InvoicingCooperativeFactory()
        self.treasurer = MemberFactory(cooperative=self.cooperative, is_treasurer=True)
        self.ana = MemberFactory(cooperative=self.cooperative, user__full_name="Ana")
        self.bo = MemberFactory(cooperative=self.cooperative, user__full_name="Bo")
        self.settings = BillingSettingsFactory(cooperative=self.cooperative)
        self.client = InvoicedClientFactory(cooperative=self.cooperative, name="Acme")
        self.project = ProjectFactory(client=self.client, name="Website")
        self.coop_rate = BillingRateFactory(cooperative=self.cooperative, rate=Decimal("100"))

    def entry(self, member=None, project=None, **kwargs):
        return billable_entry(member or self.ana, project or self.project, **kwargs)

    def rate(self, **kwargs):
        return BillingRateFactory(cooperative=self.cooperative, **kwargs)


OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
