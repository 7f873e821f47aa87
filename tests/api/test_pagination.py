"""Pagination: exact counts and pages, with the rows counted only when more pages follow."""

import datetime

import pytest

from tests.conftest import as_member
from tests.factories import ProjectFactory, TimeEntryFactory

DAY = datetime.date(2026, 10, 1)


@pytest.fixture
def entries(member):
    project = ProjectFactory(client__cooperative=member.cooperative)
    return [
        TimeEntryFactory(member=member, project=project, date=DAY + datetime.timedelta(days=i))
        for i in range(7)
    ]


def listing(api, member, query):
    return api.get(f"/api/v1/coops/{member.cooperative.slug}/time-entries/?{query}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "count", "ids", "has_next", "has_previous"),
    [
        ("page_size=50", 7, [6, 5, 4, 3, 2, 1, 0], False, False),
        ("page_size=7", 7, [6, 5, 4, 3, 2, 1, 0], False, False),
        ("page_size=3", 7, [6, 5, 4], True, False),
        ("page_size=3&page=2", 7, [3, 2, 1], True, True),
        ("page_size=3&page=3", 7, [0], False, True),
        ("page_size=3&page=last", 7, [0], False, True),
        ("page_size=6&page=2", 7, [0], False, True),
        ("month=2026-11", 0, [], False, False),
    ],
)
def test_pages_and_counts_are_exact(
    api, member, entries, query, count, ids, has_next, has_previous
):
    response = listing(as_member(api, member), member, query)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["count"] == count
    assert [row["id"] for row in body["results"]] == [entries[i].pk for i in ids]
    assert (body["next"] is not None, body["previous"] is not None) == (has_next, has_previous)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["4", "0", "-1", "two", "1.5", "4611686018427387903"])
def test_a_page_that_does_not_exist_is_a_400_naming_page(api, member, entries, page):
    response = listing(as_member(api, member), member, f"page_size=3&page={page}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page"]


@pytest.mark.django_db
def test_a_last_page_is_not_counted_again(
    api, member, entries, django_assert_num_queries, django_assert_max_num_queries
):
    api = as_member(api, member)
    listing(api, member, "page_size=50")  # warm: per-process lookups are not this test's
    with django_assert_max_num_queries(10) as counted:
        listing(api, member, "page_size=3")  # a first page with more after it: counted
    more_pages = len(counted.captured_queries)
    with django_assert_num_queries(more_pages - 1):
        assert listing(api, member, "page_size=50").json()["count"] == 7
