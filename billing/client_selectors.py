"""Reads of the clients pages: clients with their invoicing details, their projects and rates,
the co-op's default rates; each list in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from billing.models import BillingRate
from coop.models import Client, Cooperative, Project


def clients_of(cooperative: Cooperative) -> QuerySet[Client]:
    return Client.objects.filter(cooperative=cooperative).annotate(
        project_count=Count("projects", distinct=True),
        rate_count=Count("billing_rates", distinct=True),
    )


def default_rates(cooperative: Cooperative) -> QuerySet[BillingRate]:
    """The co-op's default rates, newest start first."""
    return BillingRate.objects.filter(cooperative=cooperative, scope="coop").order_by("-valid_from")


@dataclass
class ProjectRates:
    project: Project
    rates: list[BillingRate] = field(default_factory=list)
    member_rates: list[BillingRate] = field(default_factory=list)


@dataclass
class ClientRates:
    client_rates: list[BillingRate]
    projects: list[ProjectRates]


def rates_of_client(client: Client) -> ClientRates:
    """The client's rates, and each of its projects with its rates and its members' rates."""
    projects = {
        project.pk: ProjectRates(project)
        for project in Project.objects.filter(client=client).order_by("-active", "name")
    }
    client_rates = []
    rates = (
        BillingRate.objects.filter(Q(client=client) | Q(project__client=client))
        .select_related("member__user")
        .order_by("scope", "-valid_from")
    )
    for rate in rates:
        if rate.project_id is None:
            client_rates.append(rate)
        elif rate.member_id is None:
            projects[rate.project_id].rates.append(rate)
        else:
            projects[rate.project_id].member_rates.append(rate)
    return ClientRates(client_rates=client_rates, projects=list(projects.values()))
