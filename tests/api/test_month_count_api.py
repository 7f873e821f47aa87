"""The first page of a co-op's whole month takes its count from the kept count (coop 0014)
instead of COUNT(*), and only that list: any narrower one is counted."""

import datetime
import re

import pytest

from api.views.hours import TimeEntryViewSet
from coop.models import TimeEntryMonthCount
from tests.conftest import as_member
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2026, 6, 1)


@pytest.fixture
def month(cooperative, member, treasurer):
    """Seven entries of June (five of `member`, two of the treasurer) on two projects, one
    of May, and entries of another co-op in June."""
    first, second = (ProjectFactory(client__cooperative=cooperative) for _ in range(2))
    for day in range(5):
        TimeEntryFactory(member=member, project=first, date=JUNE + datetime.timedelta(days=day))
    for project in (first, second):
        TimeEntryFactory(member=treasurer, project=project, date=JUNE.replace(day=20))
    TimeEntryFactory(member=member, project=first, date=JUNE.replace(month=5))
    TimeEntryFactory.create_batch(3, member=MemberFactory(), date=JUNE)
    return {"first": first, "second": second}


def listed(api, viewer, query):
    api = as_member(api, viewer)
    url = f"/api/v1/coops/{viewer.cooperative.slug}/time-entries/?{query}"
    response = api.get(url)
    assert response.status_code == 200, response.content
    return response


def without_cursor(content: bytes) -> str:
    """A cursor is signed with its time: the rest of the answer is compared byte for byte."""
    return re.sub(r"cursor=[^\"&]*", "cursor=…", content.decode())


def test_the_whole_month_reads_the_kept_count_and_answers_the_same(
    api, treasurer, month, monkeypatch, django_assert_max_num_queries
):
    for query in ("month=2026-06&page_size=2", "month=2026-06&page_size=2&page=2"):
        with django_assert_max_num_queries(10) as queries:
            kept = listed(api, treasurer, query)
        assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
        assert kept.json()["count"] == 7
        monkeypatch.setattr(TimeEntryViewSet, "whole_month_count", lambda view: None)
        counted = listed(api, treasurer, query)
        monkeypatch.undo()
        assert without_cursor(kept.content) == without_cursor(counted.content)


@pytest.mark.parametrize(
    ("who", "query", "count"),
    [
        ("member", "month=2026-06", 5),  # a member's own month
        ("treasurer", "month=2026-06&member={member}", 5),
        ("treasurer", "month=2026-06&project={second}", 1),
        ("treasurer", "month=2026-06&client={second_client}", 1),
        ("treasurer", "month=2026-06&date_after=2026-06-03", 5),
        ("treasurer", "month=2026-06&date_before=2026-06-02", 2),
        ("treasurer", "month=2026-06&unknown=1", 7),  # a parameter it does not know: counted
        ("treasurer", "month=", 8),  # every month
        ("treasurer", "", 8),
        ("treasurer", "month=2026-06&page=1&member={member}", 5),
        ("treasurer", "month=2026-06&ordering=minutes&member={member}", 5),
    ],
)
def test_any_other_list_is_counted(api, member, treasurer, month, who, query, count):
    """The kept count is made wrong on purpose: only the co-op's whole month may show it."""
    TimeEntryMonthCount.objects.update(entries=999)
    viewer = {"member": member, "treasurer": treasurer}[who]
    query = query.format(
        member=member.pk, second=month["second"].pk, second_client=month["second"].client_id
    )
    assert listed(api, viewer, f"{query}&page_size=2").json()["count"] == count
    whole = listed(api, treasurer, "month=2026-06&page_size=2&ordering=date").json()
    assert whole["count"] == 999  # (the whole month does read it)


def test_a_month_without_a_kept_count_is_counted(api, treasurer, month):
    TimeEntryMonthCount.objects.all().delete()
    assert listed(api, treasurer, "month=2026-06&page_size=2").json()["count"] == 7


def test_a_month_of_one_page_needs_no_count_at_all(
    api, treasurer, month, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10) as queries:
        body = listed(api, treasurer, "month=2026-06").json()
    assert body["count"] == 7 and body["next"] is None
    assert not [q for q in queries.captured_queries if "timeentrymonthcount" in q["sql"]]
