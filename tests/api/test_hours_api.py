"""The hours API: time entries, filters, locking, the timer, summaries and CSV export."""

import csv
import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta

from coop.clock import today_in
from coop.hours.services import lock_period
from coop.locale_formats import format_day
from coop.models import RunningTimer, TimeEntry
from tests.conftest import as_member
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory


@pytest.fixture
def project(cooperative):
    return ProjectFactory(client__cooperative=cooperative, client__name="Food Co-op Network")


@pytest.fixture
def today(cooperative):
    return today_in(cooperative)


def url(member, path=""):
    return f"/api/v1/coops/{member.cooperative.slug}/{path}"


@pytest.mark.django_db
class TestTimeEntries:
    def test_log_list_update_delete(self, api, member, project, today):
        api = as_member(api, member)
        created = api.post(
            url(member, "time-entries/"),
            {"project": project.pk, "date": today.isoformat(), "minutes": 100, "description": "x"},
            format="json",
        )
        assert created.status_code == 201, created.json()
        body = created.json()
        assert (body["member"], body["hours"], body["client_name"], body["locked"]) == (
            member.pk, "1.67", "Food Co-op Network", False
        )  # fmt: skip
        entry_url = url(member, f"time-entries/{body['id']}/")
        assert api.patch(entry_url, {"minutes": 120}, format="json").json()["minutes"] == 120
        assert api.get(url(member, "time-entries/")).json()["count"] == 1
        assert api.delete(entry_url).status_code == 204
        assert not TimeEntry.objects.exists()

    @pytest.mark.parametrize(
        ("payload", "field", "status", "fragment"),
        [
            ({"minutes": 0}, "minutes", 400, "greater than or equal to -1440"),
            ({"minutes": 1441}, "minutes", 400, "less than or equal to 1440"),
            ({"minutes": "abc"}, "minutes", 400, "valid integer"),
            ({"date": "2026-13-01"}, "date", 400, "wrong format"),
            ({"project": 999999}, "project", 400, "does not exist"),
            ({"date": "2999-01-01"}, "date", 400, "is in the future"),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(
        self, api, member, project, today, payload, field, status, fragment
    ):
        data = {"project": project.pk, "date": today.isoformat(), "minutes": 60, **payload}
        response = as_member(api, member).post(url(member, "time-entries/"), data, format="json")
        if payload == {"minutes": 0}:  # the serializer allows adjustments' range; the rule refuses
            assert response.status_code == 400
            assert response.json()["errors"]["minutes"] == [
                "Minutes must be between 1 and 1440 (24 hours)."
            ]
            return
        assert response.status_code == status, response.json()
        assert fragment in response.json()["errors"][field][0]

    def test_day_total_error_names_the_day(self, api, member, project, today):
        TimeEntryFactory(member=member, project=project, date=today, minutes=1400)
        response = as_member(api, member).post(
            url(member, "time-entries/"),
            {"project": project.pk, "date": today.isoformat(), "minutes": 60},
            format="json",
        )
        assert response.status_code == 400
        message = response.json()["errors"]["minutes"][0]
        assert f"on {format_day(today, 'en')} for you" in message

    def test_locked_month_is_409_with_the_explanation(self, api, member, project, today):
        month = (today - relativedelta(months=1)).replace(day=1)
        entry = TimeEntryFactory(member=member, project=project, date=month, minutes=60)
        lock_period(cooperative=member.cooperative, month=month)
        api = as_member(api, member)
        for response in [
            api.post(
                url(member, "time-entries/"),
                {"project": project.pk, "date": month.isoformat(), "minutes": 30},
                format="json",
            ),
            api.patch(url(member, f"time-entries/{entry.pk}/"), {"minutes": 5}, format="json"),
            api.delete(url(member, f"time-entries/{entry.pk}/")),
        ]:
            assert response.status_code == 409
            assert response.json()["code"] == "period_locked"
            assert f"{month:%B %Y} is locked" in response.json()["detail"]
            assert "adjustment" in response.json()["detail"]
        assert api.get(url(member, f"time-entries/{entry.pk}/")).json()["locked"] is True
        adjustment = api.post(
            url(member, "time-entries/"),
            {"project": project.pk, "date": today.isoformat(), "minutes": -30, "adjusts": entry.pk},
            format="json",
        )
        assert adjustment.status_code == 201, adjustment.json()
        assert adjustment.json()["adjusts"] == entry.pk

    def test_members_see_and_change_only_their_own(self, api, member, admin_member, project, today):
        colleague = MemberFactory(cooperative=member.cooperative)
        theirs = TimeEntryFactory(member=colleague, project=project, date=today)
        mine = TimeEntryFactory(member=member, project=project, date=today)
        api = as_member(api, member)
        listed = [e["id"] for e in api.get(url(member, "time-entries/")).json()["results"]]
        assert listed == [mine.pk]
        assert api.get(url(member, f"time-entries/{theirs.pk}/")).status_code == 404
        response = api.post(
            url(member, "time-entries/"),
            {
                "project": project.pk,
                "date": today.isoformat(),
                "minutes": 5,
                "member": colleague.pk,
            },
            format="json",
        )
        assert response.status_code == 403
        admin = as_member(api, admin_member)
        assert admin.get(url(member, "time-entries/")).json()["count"] == 2
        response = admin.patch(url(member, f"time-entries/{theirs.pk}/"), {"minutes": 7})
        assert response.status_code == 200

    def test_treasurer_sees_all_but_cannot_edit_others(
        self, api, member, treasurer, project, today
    ):
        entry = TimeEntryFactory(member=member, project=project, date=today)
        api = as_member(api, treasurer)
        assert api.get(url(member, "time-entries/")).json()["count"] == 1
        assert (
            api.patch(url(member, f"time-entries/{entry.pk}/"), {"minutes": 7}).status_code == 403
        )

    def test_another_coops_entries_are_404(self, api, member, outsider):
        entry = TimeEntryFactory(member=outsider)
        api = as_member(api, member)
        assert api.get(url(outsider, "time-entries/")).status_code == 404
        assert api.get(url(member, f"time-entries/{entry.pk}/")).status_code == 404

    def test_filters_and_ordering(self, api, admin_member, project, today):
        other_project = ProjectFactory(client__cooperative=admin_member.cooperative)
        last_month = today - relativedelta(months=1)
        a = TimeEntryFactory(member=admin_member, project=project, date=today, minutes=10)
        b = TimeEntryFactory(member=admin_member, project=other_project, date=today, minutes=20)
        c = TimeEntryFactory(member=admin_member, project=project, date=last_month, minutes=30)
        api = as_member(api, admin_member)

        def ids(query):
            response = api.get(url(admin_member, f"time-entries/?{query}"))
            assert response.status_code == 200, response.json()
            return [e["id"] for e in response.json()["results"]]

        assert set(ids(f"project={project.pk}")) == {a.pk, c.pk}
        assert ids(f"client={other_project.client_id}") == [b.pk]
        assert set(ids(f"month={today:%Y-%m}")) == {a.pk, b.pk}
        assert ids(f"date_before={last_month.isoformat()}") == [c.pk]
        assert ids(f"date_after={today.isoformat()}&ordering=minutes") == [a.pk, b.pk]
        assert ids(f"member={admin_member.pk}&ordering=-minutes") == [c.pk, b.pk, a.pk]
        bad = api.get(url(admin_member, "time-entries/?month=2026-13"))
        assert bad.status_code == 400
        assert "YYYY-MM" in bad.json()["errors"]["month"][0]

    def test_list_costs_fixed_queries(
        self, api, admin_member, project, today, django_assert_max_num_queries
    ):
        for i in range(40):
            member = MemberFactory(cooperative=admin_member.cooperative)
            TimeEntryFactory(member=member, project=project, date=today, minutes=10 + i)
        api = as_member(api, admin_member)
        with django_assert_max_num_queries(7):
            response = api.get(url(admin_member, "time-entries/"))
        assert response.json()["count"] == 40


@pytest.mark.django_db
class TestTimer:
    def test_start_state_stop(self, api, clock, member, project):
        # In the co-op's afternoon: 42 minutes that started before midnight would be two entries.
        clock.set(datetime.datetime(2026, 12, 9, 14, 0, tzinfo=datetime.UTC))
        api = as_member(api, member)
        assert api.get(url(member, "timer/")).json() == {
            "running": False, "project": None, "project_name": None, "description": None,
            "started_at": None, "elapsed_seconds": None,
        }  # fmt: skip
        started = api.post(url(member, "timer/start/"), {"project": project.pk}, format="json")
        assert started.status_code == 201
        assert started.json()["running"] is True
        assert started.json()["project_name"] == project.name
        RunningTimer.objects.update(started_at=RunningTimer.objects.get().started_at
                                    - datetime.timedelta(minutes=42))  # fmt: skip
        stopped = api.post(url(member, "timer/stop/"))
        assert stopped.status_code == 200
        assert [e["minutes"] for e in stopped.json()["entries"]] == [42]
        again = api.post(url(member, "timer/stop/"))
        assert again.status_code == 409
        assert again.json()["detail"] == "No timer is running."

    def test_start_needs_a_project_of_the_coop(self, api, member):
        response = as_member(api, member).post(url(member, "timer/start/"), {}, format="json")
        assert response.status_code == 400
        assert "project" in response.json()["errors"]
        foreign = ProjectFactory()
        response = as_member(api, member).post(
            url(member, "timer/start/"), {"project": foreign.pk}, format="json"
        )
        assert response.status_code == 400
        assert "does not exist" in response.json()["errors"]["project"][0]


@pytest.mark.django_db
class TestSummary:
    @pytest.fixture
    def entries(self, admin_member, project):
        month = datetime.date(2026, 9, 1)
        admin_member.user.full_name = "Ana"
        admin_member.user.save()
        other = MemberFactory(cooperative=admin_member.cooperative, user__full_name="Zoe")
        TimeEntryFactory(member=admin_member, project=project, date=month, minutes=60)
        TimeEntryFactory(
            member=admin_member, project=project, date=month.replace(day=14), minutes=30
        )
        TimeEntryFactory(member=other, project=project, date=month.replace(day=30), minutes=100)
        TimeEntryFactory(member=other, project=project, date=datetime.date(2026, 10, 1), minutes=5)
        return month

    def test_group_by_member_project_client_week(self, api, admin_member, project, entries):
        api = as_member(api, admin_member)
        by_member = api.get(url(admin_member, "hours/summary/?month=2026-09")).json()
        assert by_member["group_by"] == "member"
        assert [(r["minutes"], r["hours"]) for r in by_member["rows"]] == [
            (90, "1.50"), (100, "1.67")
        ]  # fmt: skip
        assert (by_member["minutes"], by_member["hours"]) == (190, "3.17")
        by_client = api.get(url(admin_member, "hours/summary/?month=2026-09&group_by=client"))
        assert by_client.json()["rows"] == [
            {"key": str(project.client_id), "label": "Food Co-op Network", "minutes": 190,
             "hours": "3.17"}
        ]  # fmt: skip
        by_week = api.get(url(admin_member, "hours/summary/?month=2026-09&group_by=week")).json()
        assert [(r["key"], r["minutes"]) for r in by_week["rows"]] == [
            ("2026-W36", 60), ("2026-W38", 30), ("2026-W40", 100)
        ]  # fmt: skip

    def test_members_summarize_only_their_own(self, api, member, project, entries):
        TimeEntryFactory(member=member, project=project, date=entries, minutes=15)
        body = as_member(api, member).get(url(member, "hours/summary/?month=2026-09")).json()
        assert body["minutes"] == 15

    @pytest.mark.parametrize(
        ("query", "field"),
        [("", "month"), ("month=09-2026", "month"), ("month=2026-09&group_by=day", "group_by")],
    )
    def test_bad_queries_are_400(self, api, member, query, field):
        response = as_member(api, member).get(url(member, f"hours/summary/?{query}"))
        assert response.status_code == 400
        assert field in response.json()["errors"]


@pytest.mark.django_db
def test_exports_are_csv_files_with_names(api, admin_member, project):
    TimeEntryFactory(
        member=admin_member, project=project, date=datetime.date(2026, 9, 3), minutes=75,
        description='Commas, "quotes"\nand lines',
    )  # fmt: skip
    api = as_member(api, admin_member)
    response = api.get(url(admin_member, "time-entries/export/?month=2026-09"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    slug = admin_member.cooperative.slug
    assert response["Content-Disposition"] == (
        f'attachment; filename="cooperage-hours-{slug}-2026-09.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["minutes"] == "75" and rows[0]["hours"] == "1.25"
    assert rows[0]["description"] == 'Commas, "quotes"\nand lines'
    summary = api.get(url(admin_member, "hours/summary/export/?month=2026-09"))
    assert summary["Content-Disposition"] == (
        f'attachment; filename="cooperage-summary-{slug}-2026-09.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(summary.content.decode())))
    assert [(r["project"], r["minutes"], r["hours"]) for r in rows] == [
        (project.name, "75", "1.25")
    ]
