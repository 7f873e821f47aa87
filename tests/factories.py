"""factory_boy factories for the models of every app."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from coop.models import Client, Cooperative, Member, Project, TimeEntry, User

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
