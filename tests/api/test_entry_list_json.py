"""The time entries' list answers byte for byte what TimeEntrySerializer answered, though it
builds its rows from plain values (coop.hours.selectors.listed_values, api listed_entries)."""

import datetime
import re

import pytest
from rest_framework import mixins

from api.views.hours import TimeEntryViewSet
from coop.hours import services
from coop.models import PeriodLock, TimeEntry
from tests.conftest import as_member
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

MAY, JUNE = datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)


@pytest.fixture
def entries(cooperative, member, treasurer, clock):
    """Every field of an entry set, and every form a value takes: a member without a name (the
    address stands in), a name with accents, a locked month, an adjustment (negative minutes),
    an entry not billable, an imported one, time stamps with microseconds."""
    clock.set(datetime.datetime(2026, 6, 20, 9, 30, 15, 123456, tzinfo=datetime.UTC))
    nameless = MemberFactory(cooperative=cooperative, user__full_name="")
    member.user.full_name = "Añé Ørsted-Müller"
    member.user.save()
    first = ProjectFactory(client__cooperative=cooperative, name="Portal «abierto»")
    second = ProjectFactory(client__cooperative=cooperative, client__name="Coop & Co")
    old = TimeEntryFactory(member=member, project=first, date=MAY.replace(day=7), minutes=95)
    PeriodLock.objects.create(cooperative=cooperative, month=MAY)
    services.log_time(
        actor=member, member=member, project=first, date=JUNE.replace(day=3), minutes=-45,
        adjusts=old, description="Corrección de mayo\nsegunda línea",
    )  # fmt: skip
    TimeEntryFactory(
        member=nameless, project=second, date=JUNE.replace(day=3), minutes=1, billable=False,
        source=TimeEntry.Source.TOGGL, source_fingerprint="toggl:1", description="",
    )  # fmt: skip
    for day in (1, 2, 19):
        TimeEntryFactory(member=treasurer, project=second, date=JUNE.replace(day=day), minutes=1440)
    TimeEntryFactory(member=member, project=first, date=JUNE.replace(day=19), minutes=37)


def without_cursor(content: bytes) -> str:
    """A cursor is signed with its time: everything else is compared byte for byte."""
    return re.sub(r"cursor=[^\"&]*", "cursor=…", content.decode())


@pytest.mark.parametrize(
    "query",
    [
        "month=2026-06",
        "month=2026-06&page_size=2",
        "month=2026-05",
        "",
        "ordering=date&page_size=3",
        "ordering=minutes",
        "ordering=-member&page=2&page_size=2",
        "month=2026-06&project={project}",
    ],
)
@pytest.mark.parametrize("who", ["member", "treasurer", "nameless"])
def test_the_list_answers_as_the_serializer_did(
    api, cooperative, member, treasurer, entries, monkeypatch, query, who
):
    viewer = {"member": member, "treasurer": treasurer}.get(who)
    if viewer is None:
        viewer = cooperative.members.get(user__full_name="")
    project = TimeEntry.objects.filter(cooperative=cooperative).first().project_id
    url = f"/api/v1/coops/{cooperative.slug}/time-entries/?{query.format(project=project)}"
    api = as_member(api, viewer)
    fast = api.get(url)
    monkeypatch.setattr(TimeEntryViewSet, "list", mixins.ListModelMixin.list)
    serialized = api.get(url)
    assert fast.status_code == serialized.status_code  # a page past the end: 400 both ways
    assert without_cursor(fast.content) == without_cursor(serialized.content)
    if who == "treasurer":
        assert fast.status_code == 200 and fast.json()["results"], "the list shows something"


def test_every_value_form_is_in_the_fixture(api, cooperative, treasurer, entries):
    """The comparison above covers what it claims: null and set adjustments, locked and open
    months, both billable values, a blank name and a blank description."""
    body = as_member(api, treasurer).get(f"/api/v1/coops/{cooperative.slug}/time-entries/")
    rows = body.json()["results"]
    assert {row["locked"] for row in rows} == {True, False}
    assert {row["billable"] for row in rows} == {True, False}
    assert {row["adjusts"] is None for row in rows} == {True, False}
    assert "" in {row["description"] for row in rows}
    assert any("@" in row["member_name"] for row in rows)
    assert any(row["minutes"] < 0 for row in rows)
