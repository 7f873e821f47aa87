"""The time entries' pages by position: every row once, the count taken once, cursors checked."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import as_member
from tests.factories import ProjectFactory, TimeEntryFactory

DAY = datetime.date(2026, 10, 1)


@pytest.fixture
def entries(member):
    """Eleven entries over four days: several share a day, so the id breaks the ties."""
    project = ProjectFactory(client__cooperative=member.cooperative)
    days = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3]
    return [
        TimeEntryFactory(member=member, project=project, date=DAY + datetime.timedelta(days=d))
        for d in days
    ]


def get(api, member, query):
    response = api.get(f"/api/v1/coops/{member.cooperative.slug}/time-entries/?{query}")
    return response


def path_of(link):
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def newest_first(entries):
    return [e.pk for e in sorted(entries, key=lambda e: (e.date, e.pk), reverse=True)]


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["", "&ordering=-date", "&ordering=date"])
def test_following_next_reads_every_row_once_in_order(api, member, entries, ordering):
    api = as_member(api, member)
    body = get(api, member, f"page_size=3{ordering}").json()
    seen, counts = [row["id"] for row in body["results"]], {body["count"]}
    while body["next"]:
        assert "cursor=" in body["next"] and "page=" not in body["next"]
        body = api.get(path_of(body["next"])).json()
        seen += [row["id"] for row in body["results"]]
        counts.add(body["count"])
    expected = newest_first(entries)
    assert seen == (expected[::-1] if ordering == "&ordering=date" else expected)
    assert counts == {11}


@pytest.mark.django_db
def test_previous_walks_back_to_the_first_page(api, member, entries):
    api = as_member(api, member)
    pages = [get(api, member, "page_size=4").json()]
    while pages[-1]["next"]:
        pages.append(api.get(path_of(pages[-1]["next"])).json())
    assert [len(p["results"]) for p in pages] == [4, 4, 3]
    assert pages[0]["previous"] is None
    back = api.get(path_of(pages[2]["previous"])).json()
    assert back["results"] == pages[1]["results"]
    first = api.get(path_of(back["previous"])).json()
    assert first["results"] == pages[0]["results"]
    assert first["previous"] is None and first["next"] is not None


@pytest.mark.django_db
def test_a_page_after_the_first_is_not_counted_again(
    api, member, entries, django_assert_max_num_queries
):
    """The cursor carries the count: a later page reads its rows and no COUNT."""
    api = as_member(api, member)
    first = get(api, member, "page_size=3").json()
    with django_assert_max_num_queries(20) as queries:
        later = api.get(path_of(first["next"])).json()
    assert later["count"] == 11
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    # An entry logged since the list was first shown does not change its count.
    TimeEntryFactory(member=member, project=entries[0].project, date=DAY)
    assert api.get(path_of(first["next"])).json()["count"] == 11
    assert get(api, member, "page_size=3").json()["count"] == 12


@pytest.mark.django_db
def test_page_numbers_still_work(api, member, entries):
    api = as_member(api, member)
    body = get(api, member, "page_size=3&page=2").json()
    assert [row["id"] for row in body["results"]] == newest_first(entries)[3:6]
    assert "page=3" in body["next"] and "cursor" not in body["next"]


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["x", "", "eyJhIjoxfQ:1abc:def", "1" * 500])
def test_a_cursor_changed_by_hand_is_a_400_naming_cursor(api, member, entries, cursor):
    response = get(as_member(api, member), member, f"page_size=3&cursor={cursor}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.django_db
def test_a_cursor_of_another_query_is_a_400_naming_cursor(api, member, entries):
    api = as_member(api, member)
    link = get(api, member, "page_size=3&month=2026-10").json()["next"]
    cursor = parse_qs(urlsplit(link).query)["cursor"][0]
    assert get(api, member, f"page_size=3&month=2026-10&cursor={cursor}").status_code == 200
    response = get(api, member, f"page_size=3&month=2026-09&cursor={cursor}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["cursor"]


@pytest.mark.django_db
def test_a_cursor_shows_only_what_its_reader_may_see(api, member, entries):
    """A member who obtains another member's cursor reads their own rows through it, no more."""
    from tests.factories import MemberFactory

    colleague = MemberFactory(cooperative=member.cooperative)
    link = get(as_member(api, member), member, "page_size=3").json()["next"]
    response = as_member(api, colleague).get(path_of(link))
    assert response.status_code == 200
    assert response.json()["results"] == []
