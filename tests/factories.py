"""factory_boy factories for the models of every app.

They write rows directly, for tests about reading, rendering and bounds. A test of a rule that a
service enforces (the spending limit, the bylaws floors, the audit trail) goes through the service.
"""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from coop.models import Client, Cooperative, Member, Project, TimeEntry, User
from governance.models import Proposal
from payroll.models import Expense, Revenue

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.coop")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CooperativeFactory(DjangoModelFactory):
    class Meta:
        model = Cooperative

    name = factory.Sequence(lambda n: f"Co-op {n}")
    slug = factory.Sequence(lambda n: f"coop-{n}")
    currency = "EUR"
    time_zone = "Europe/Vienna"
    founded_on = datetime.date(2020, 1, 1)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    cooperative = factory.SubFactory(CooperativeFactory)
    user = factory.SubFactory(UserFactory)
    status = Member.Status.ACTIVE
    status_since = datetime.date(2020, 1, 1)
    joined_on = datetime.date(2020, 1, 1)
    rate_weight = Decimal("1")


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Client {n}")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    cooperative = factory.SelfAttribute("client.cooperative")
    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
    active = True


class TimeEntryFactory(DjangoModelFactory):
    class Meta:
        model = TimeEntry

    cooperative = factory.SelfAttribute("member.cooperative")
    member = factory.SubFactory(MemberFactory)
    project = factory.SubFactory(
        ProjectFactory, client__cooperative=factory.SelfAttribute("...cooperative")
    )
    date = datetime.date(2026, 10, 5)
    minutes = 120
    description = "Work"


class RevenueFactory(DjangoModelFactory):
    """Money a client paid, in the co-op's currency, on a day of October 2026."""

    class Meta:
        model = Revenue

    cooperative = factory.SelfAttribute("client.cooperative")
    client = factory.SubFactory(ClientFactory)
    amount = Decimal("1000.00")
    currency = factory.SelfAttribute("cooperative.currency")
    received_on = datetime.date(2026, 10, 15)


class ExpenseFactory(DjangoModelFactory):
    """A submitted expense (not yet decided), in the co-op's currency."""

    class Meta:
        model = Expense

    cooperative = factory.SubFactory(CooperativeFactory)
    category = "Hosting"
    amount = Decimal("100.00")
    currency = factory.SelfAttribute("cooperative.currency")
    date = datetime.date(2026, 10, 20)
    payee = factory.Sequence(lambda n: f"Supplier {n}")


class ProposalFactory(DjangoModelFactory):
    """A draft proposal row, written without the services' checks (the bylaws floors among
    them): for tests of what reads or refuses such a row. Use the `make_proposal` fixture for a
    proposal drafted and opened as a member would."""

    class Meta:
        model = Proposal

    cooperative = factory.SelfAttribute("author.cooperative")
    author = factory.SubFactory(MemberFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    quorum = "1/2"
    threshold = "1/2"
    opens_at = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)
    closes_at = factory.LazyAttribute(lambda p: p.opens_at + datetime.timedelta(days=7))
