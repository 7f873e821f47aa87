"""Which rate bills an entry: the most specific level with a rate valid that day."""

import datetime
from decimal import Decimal

import pytest

from billing import selectors
from billing.rates import CLIENT, COOP, MEMBER, PROJECT, Rate, RateTable
from tests.billing.invoicing_factories import World

D = datetime.date


def rate(level, amount, since, project=None, member=None):
    return Rate(level, Decimal(amount), "EUR", since, project_id=project, member_id=member)


TABLE = RateTable(
    [
        rate(COOP, "80", D(2026, 1, 1)),
        rate(COOP, "85", D(2026, 7, 1)),
        rate(CLIENT, "90", D(2026, 3, 1)),
        rate(PROJECT, "100", D(2026, 5, 1), project=1),
        rate(PROJECT, "110", D(2026, 10, 15), project=1),
        rate(MEMBER, "120", D(2026, 6, 1), project=1, member=7),
    ]
)


@pytest.mark.parametrize(
    ("project", "member", "day", "expected"),
    [
        (2, 9, D(2026, 2, 1), "80"),  # only the co-op's default is valid yet
        (2, 9, D(2026, 4, 1), "90"),  # the client's rate is more specific
        (1, 9, D(2026, 4, 30), "90"),  # the project's starts the next day
        (1, 9, D(2026, 5, 1), "100"),  # valid from that very day
        (1, 9, D(2026, 10, 14), "100"),
        (1, 9, D(2026, 10, 15), "110"),  # a new project rate, for hours from that day only
        (1, 7, D(2026, 5, 31), "100"),  # the member's rate is not valid yet
        (1, 7, D(2026, 6, 1), "120"),  # a member on the project beats the project
        (1, 7, D(2026, 12, 1), "120"),
        (2, 7, D(2026, 12, 1), "90"),  # the member's rate is for project 1 only
    ],
)
def test_the_most_specific_level_wins_and_the_latest_valid_rate_in_it(
    project, member, day, expected
):
    assert TABLE.rate_for(project, member, day).rate == Decimal(expected)


def test_no_rate_before_the_first_one():
    assert TABLE.rate_for(2, 9, D(2025, 12, 31)) is None
    assert RateTable([]).rate_for(1, 1, D(2026, 1, 1)) is None


@pytest.mark.django_db
def test_rate_table_loads_every_level_in_one_query(django_assert_num_queries):
    world = World()
    other_client_project = World().project  # another co-op entirely
    world.rate(client=world.client, rate=Decimal("90"), valid_from=D(2026, 2, 1))
    world.rate(project=world.project, rate=Decimal("95"), valid_from=D(2026, 3, 1))
    world.rate(
        project=world.project, member=world.ana, rate=Decimal("130"), valid_from=D(2026, 3, 1)
    )
    with django_assert_num_queries(1):
        table = selectors.rate_table(world.cooperative, world.client)
    assert table.rate_for(world.project.pk, world.ana.pk, D(2026, 10, 1)).rate == Decimal("130")
    assert table.rate_for(world.project.pk, world.bo.pk, D(2026, 10, 1)).rate == Decimal("95")
    assert table.rate_for(world.project.pk, world.bo.pk, D(2026, 1, 5)).rate == Decimal("100")
    assert table.rate_for(other_client_project.pk, world.bo.pk, D(2026, 2, 5)).rate == Decimal("90")
    assert selectors.rate_for(world.project, world.ana, D(2026, 2, 5)).rate == Decimal("90")
