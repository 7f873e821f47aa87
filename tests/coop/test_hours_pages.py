"""The hours pages: the week grid and its cells, quick add, entries, adjustments, import, timer."""

import datetime
import re
from html import unescape as html_unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from coop.hours.services import lock_period, log_time
from coop.models import RunningTimer, TimeEntry
from tests.factories import (
    ClientFactory,
    MemberFactory,
    ProjectFactory,
    TimeEntryFactory,
)
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
TODAY = datetime.date(2026, 12, 9)  # a Wednesday
MONDAY = datetime.date(2026, 12, 7)
TUESDAY = datetime.date(2026, 12, 8)
LOCKED_DAY = datetime.date(2026, 10, 20)


@pytest.fixture(autouse=True)
def today(clock):
    """The pages and the rules both see 9 December 2026 as today, in every time zone."""
    clock.set(TODAY)
    return TODAY


@pytest.fixture
def project(cooperative):
    return ProjectFactory(
        client=ClientFactory(cooperative=cooperative, name="Municipality of Rosario"),
        name="Open data portal",
    )


@pytest.fixture
def october_locked(cooperative):
    lock_period(cooperative=cooperative, month=LOCKED_DAY)


def hours_url(cooperative, name="hours", *args):
    return reverse(name, args=[cooperative.slug, *args])


def entry(member, project, day=TUESDAY, minutes=90, **kwargs):
    return TimeEntryFactory(member=member, project=project, date=day, minutes=minutes, **kwargs)


def save_cell(client, member, project, day, value, subject=None):
    return client.post(
        hours_url(member.cooperative, "hours-cell"),
        {
            "project": project.pk,
            "date": day.isoformat(),
            "value": value,
            "member": (subject or member).pk,
        },
        HTTP_HX_REQUEST="true",
    )


def month_total(html: str) -> str | None:
    match = re.search(r'id="month-total">([^<]*)<', html)
    return match.group(1) if match else None


class TestWeekGrid:
    def test_shows_my_week_with_my_time(self, client, member, project):
        entry(member, project, minutes=90)
        entry(MemberFactory(cooperative=member.cooperative), project, minutes=300)
        page = signed_in(client, member).get(hours_url(member.cooperative)).content.decode()
        assert "My hours" in page
        assert "Dec 7\u2009–\u200913, 2026" in page
        assert f'id="in-{project.pk}-2026-12-08"' in page
        assert re.search(rf'name="cell-{project.pk}-2026-12-08"[^>]*\s+value="1:30"', page)
        assert "5:00" not in page  # a colleague's time is not mine
        assert month_total(page) == "1:30"
        assert f'hx-post="{hours_url(member.cooperative, "hours-cell")}"' in page

    def test_future_days_and_archived_projects_have_no_input(self, client, member, project):
        ProjectFactory(client=project.client, name="Old site", active=False)
        page = signed_in(client, member).get(hours_url(member.cooperative)).content.decode()
        assert "Old site" not in page
        future = re.search(r'<input id="in-\d+-2026-12-10"[^>]*>', page, re.S).group(0)
        assert "disabled" in future

    def test_other_weeks_by_query(self, client, member, project):
        entry(member, project, day=datetime.date(2026, 11, 17), minutes=45)
        page = signed_in(client, member).get(hours_url(member.cooperative) + "?week=2026-11-18")
        html = page.content.decode()
        assert "Nov 16\u2009–\u200922, 2026" in html
        assert month_total(html) == "0:45"

    def test_another_coop_is_404(self, client, member, outsider):
        response = signed_in(client, member).get(hours_url(outsider.cooperative))
        assert response.status_code == 404

    def test_anonymous_visitors_are_sent_to_login(self, client, cooperative):
        response = client.get(hours_url(cooperative))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")

    def test_members_cannot_open_a_colleagues_grid(self, client, member):
        colleague = MemberFactory(cooperative=member.cooperative)
        url = hours_url(member.cooperative) + f"?member={colleague.pk}"
        assert signed_in(client, member).get(url).status_code == 404

    def test_the_treasurer_reads_a_colleagues_grid_without_inputs(
        self, client, treasurer, member, project
    ):
        entry(member, project, minutes=60)
        url = hours_url(member.cooperative) + f"?member={member.pk}"
        page = signed_in(client, treasurer).get(url).content.decode()
        assert f"Hours of {member.display_name}" in page
        assert month_total(page) == "1:00"
        assert "hx-post" not in page

    def test_locked_days_are_marked_and_disabled(self, client, member, project, october_locked):
        page = signed_in(client, member).get(hours_url(member.cooperative) + "?week=2026-10-19")
        html = page.content.decode()
        cell = re.search(
            rf'<td class="cell locked" id="cell-{project.pk}-2026-10-20">.*?</td>', html, re.S
        )
        assert cell and "disabled" in cell.group(0)
        assert "Correct them with an adjustment" in html

    def test_the_nav_marks_hours_as_the_current_section(self, client, member):
        page = signed_in(client, member).get(hours_url(member.cooperative)).content.decode()
        slug = member.cooperative.slug
        assert f'<a href="/c/{slug}/hours/" aria-current="page">Hours</a>' in page
        assert f'<a href="/c/{slug}/money/">Money</a>' in page
        try:
            proposals = reverse("proposals", args=[slug])
        except NoReverseMatch:
            assert ">Proposals<" not in page
        else:
            assert f'href="{proposals}"' in page

    def test_the_nav_marks_the_money_and_dashboard_sections(self, client, member):
        slug = member.cooperative.slug
        signed_in(client, member)
        money = client.get(reverse("money-overview", args=[slug])).content.decode()
        assert f'<a href="/c/{slug}/money/" aria-current="page">Money</a>' in money
        assert f'<a href="/c/{slug}/hours/">Hours</a>' in money
        home = client.get(reverse("coop-home", args=[slug])).content.decode()
        assert f'<a href="/c/{slug}/" aria-current="page">Dashboard</a>' in home

    def test_query_count_does_not_grow_with_projects(
        self, client, member, project, django_assert_max_num_queries
    ):
        signed_in(client, member)
        entry(member, project)
        with CaptureQueriesContext(connection) as few:
            client.get(hours_url(member.cooperative))
        for number in range(6):
            other = ProjectFactory(client__cooperative=member.cooperative)
            entry(member, other, day=MONDAY, minutes=10 + number)
        with django_assert_max_num_queries(len(few)):
            client.get(hours_url(member.cooperative))


class TestCells:
    def test_creates_updates_and_empties_an_entry(self, client, member, project):
        signed_in(client, member)
        response = save_cell(client, member, project, TUESDAY, "1:30")
        html = response.content.decode()
        saved = TimeEntry.objects.get(member=member)
        assert (saved.project, saved.date, saved.minutes) == (project, TUESDAY, 90)
        assert f'id="cell-{project.pk}-2026-12-08"' in html
        assert 'value="1:30"' in html and "saved" in html
        assert month_total(html) == "1:30"
        assert '<strong id="week-total" hx-swap-oob="true">1:30</strong>' in html
        assert f'<span id="row-total-{project.pk}" hx-swap-oob="true">1:30</span>' in html

        html = save_cell(client, member, project, TUESDAY, "2.5").content.decode()
        assert TimeEntry.objects.get(pk=saved.pk).minutes == 150
        assert month_total(html) == "2:30"

        html = save_cell(client, member, project, TUESDAY, "").content.decode()
        assert not TimeEntry.objects.exists()
        assert "Nothing logged this month yet." in html

    def test_a_bad_duration_names_the_cell_and_writes_nothing(self, client, member, project):
        signed_in(client, member)
        html = save_cell(client, member, project, TUESDAY, "abc").content.decode()
        assert not TimeEntry.objects.exists()
        cell = f"{project.pk}-2026-12-08"
        assert f'<td class="cell" id="cell-{cell}">' in html
        assert "Open data portal on Tue, Dec 8" in html
        assert f'aria-invalid="true" aria-describedby="msg-{cell}"' in html
        error = re.search(rf'id="msg-{cell}"[^>]*>([^<]*)<', html).group(1)
        assert error == "“abc” is not a duration: write it as 1:30, 1.5h, 1,5 or 90m."
        assert 'value="abc"' in html  # what was typed stays, to be corrected

    def test_a_locked_month_refuses_the_cell(self, client, member, project, october_locked):
        signed_in(client, member)
        html = save_cell(client, member, project, LOCKED_DAY, "1:00").content.decode()
        assert not TimeEntry.objects.exists()
        assert "October 2026 is locked" in html

    def test_a_rule_of_the_service_is_shown_in_the_cell(self, client, member, project):
        signed_in(client, member)
        html = save_cell(client, member, project, TUESDAY, "1:00").content.decode()
        entry(member, ProjectFactory(client=project.client), day=MONDAY, minutes=23 * 60 + 30)
        html = save_cell(client, member, project, MONDAY, "1:00").content.decode()
        assert "This makes 24:30 on December 7, 2026 for you; a day has at most 24:00." in html
        assert TimeEntry.objects.filter(project=project).count() == 1

    @pytest.mark.parametrize(
        ("language", "typed", "message"),
        [
            ("en", "25", "25 hours is more than a day: a day has 24 hours at most."),
            ("en", "24,5", "24.5 hours is more than a day: a day has 24 hours at most."),
            ("en", "-1", "“-1”: a time worked cannot be negative."),
            ("es", "25", "25 horas son más que un día: un día tiene como mucho 24 horas."),
            ("es", "24,5", "24,5 horas son más que un día: un día tiene como mucho 24 horas."),
            ("es", "-1", "“-1”: el tiempo trabajado no puede ser negativo."),
            ("de", "25", "25 Stunden sind mehr als ein Tag: Ein Tag hat höchstens 24 Stunden."),
            ("de", "-0:30", "„-0:30“: Eine Arbeitszeit kann nicht negativ sein."),
        ],
    )
    def test_a_cell_speaks_in_hours(self, client, member, project, language, typed, message):
        client.cookies["django_language"] = language
        signed_in(client, member)
        html = save_cell(client, member, project, TUESDAY, typed).content.decode()
        status = re.search(r'class="cell-status error"[^>]*>([^<]*)<', html)[1]
        assert html_unescape(status) == message
        assert not TimeEntry.objects.exists()

    @pytest.mark.parametrize(
        ("language", "message"),
        [("es", "Esto suma 24:30 el 7 de diciembre de 2026 para ti"),
         ("de", "Das ergibt 24:30 am 7. Dezember 2026 für Sie")],
    )  # fmt: skip
    def test_a_full_day_says_you_in_the_language(self, client, member, project, language, message):
        entry(member, ProjectFactory(client=project.client), day=MONDAY, minutes=23 * 60 + 30)
        client.cookies["django_language"] = language
        signed_in(client, member)
        html = save_cell(client, member, project, MONDAY, "1:00").content.decode()
        assert message in html

    def test_without_htmx_the_cell_redirects_with_a_message(self, client, member, project):
        signed_in(client, member)
        response = client.post(
            hours_url(member.cooperative, "hours-cell"),
            {"project": project.pk, "date": "2026-12-08", "value": "abc", "member": member.pk},
        )
        assert response.status_code == 302
        assert response["Location"].endswith("?week=2026-12-07")
        assert "is not a duration" in flashes(response)[0]

    def test_unknown_project_or_date_is_404(self, client, member, project, outsider):
        signed_in(client, member)
        foreign = ProjectFactory(client__cooperative=outsider.cooperative)
        assert save_cell(client, member, foreign, TUESDAY, "1").status_code == 404
        url = hours_url(member.cooperative, "hours-cell")
        response = client.post(url, {"project": project.pk, "date": "tuesday", "value": "1"})
        assert response.status_code == 404

    def test_a_member_cannot_fill_a_colleagues_cell(self, client, member, project):
        colleague = MemberFactory(cooperative=member.cooperative)
        signed_in(client, member)
        assert (
            save_cell(client, member, project, TUESDAY, "1", subject=colleague).status_code == 404
        )
        assert not TimeEntry.objects.exists()

    def test_an_admin_fills_a_members_cell(self, client, admin_member, member, project):
        signed_in(client, admin_member)
        html = save_cell(
            client, admin_member, project, TUESDAY, "1", subject=member
        ).content.decode()
        assert TimeEntry.objects.get().member == member
        assert month_total(html) == "1:00"

    def test_save_week_saves_changed_cells(self, client, member, project):
        other = ProjectFactory(client=project.client, name="Budget app")
        kept = entry(member, project, day=MONDAY, minutes=60)
        signed_in(client, member)
        response = client.post(
            hours_url(member.cooperative, "hours-week"),
            {
                "member": member.pk,
                "week": "2026-12-07",
                f"cell-{project.pk}-2026-12-07": "1:00",
                f"orig-{project.pk}-2026-12-07": "1:00",
                f"cell-{project.pk}-2026-12-08": "1:30",
                f"orig-{project.pk}-2026-12-08": "",
                f"cell-{other.pk}-2026-12-09": "45m",
                f"orig-{other.pk}-2026-12-09": "",
                f"cell-{other.pk}-2026-12-08": "lots",
                f"orig-{other.pk}-2026-12-08": "",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == hours_url(member.cooperative) + "?week=2026-12-07"
        minutes = dict(TimeEntry.objects.values_list("date", "minutes"))
        assert minutes == {MONDAY: 60, TUESDAY: 90, TODAY: 45}
        assert TimeEntry.objects.get(date=MONDAY).pk == kept.pk
        messages = flashes(response)
        assert "Saved 2 cells." in messages
        assert any(
            m.startswith("Budget app, Tue, Dec 8: “lots” is not a duration") for m in messages
        )


class TestCellsWithSeveralEntries:
    def test_the_cell_is_marked_and_links_to_its_entries(self, client, member, project):
        first = entry(member, project, day=TUESDAY, minutes=60, description="Morning")
        second = entry(member, project, day=TUESDAY, minutes=30, description="Evening")
        other = entry(member, project, day=MONDAY, minutes=45, description="Monday")
        signed_in(client, member)
        page = client.get(hours_url(member.cooperative)).content.decode()
        marker = re.search(
            rf'<a class="cell-several" id="several-{project.pk}-2026-12-08" href="([^"]+)"'
            r' title="([^"]+)"><span aria-hidden="true">×2</span>'
            r'<span class="visually-hidden">([^<]+)</span></a>',
            page,
        )
        assert marker, "the cell of two entries is marked"
        assert marker[2] == marker[3] == "2 entries: see them in the list"
        cell_input = re.search(rf'<input id="in-{project.pk}-2026-12-08"[^>]*>', page)[0]
        assert f"several-{project.pk}-2026-12-08" in cell_input  # read with the input
        assert f'id="several-{project.pk}-2026-12-07"' not in page  # one entry: no marker
        listing = client.get(marker[1].replace("&amp;", "&")).content.decode()
        assert "Morning" in listing and "Evening" in listing and "Monday" not in listing
        assert "Only the entries of Tuesday, December 8, 2026 on Open data portal." in listing
        assert f"entry-{first.pk}" in listing and f"entry-{second.pk}" in listing
        assert f"entry-{other.pk}" not in listing

    def test_a_saved_cell_keeps_its_marker(self, client, member, project):
        entry(member, project, day=TUESDAY, minutes=60)
        entry(member, project, day=TUESDAY, minutes=30)
        signed_in(client, member)
        html = save_cell(client, member, project, TUESDAY, "2:00").content.decode()
        assert "entries on" in html  # the refusal: change them one by one
        assert 'class="cell-several"' in html

    def test_the_marker_is_translated(self, client, member, project):
        entry(member, project, day=TUESDAY, minutes=60)
        entry(member, project, day=TUESDAY, minutes=30)
        client.cookies["django_language"] = "es"
        page = signed_in(client, member).get(hours_url(member.cooperative)).content.decode()
        assert "2 registros: míralos en la lista" in page


class TestQuickAdd:
    def test_logs_an_entry(self, client, member, project):
        response = signed_in(client, member).post(
            hours_url(member.cooperative, "hours-add"),
            {
                "project": project.pk,
                "date": "2026-12-01",
                "duration": "1h 15m",
                "description": "Budget datasets",
                "member": member.pk,
            },
        )
        logged = TimeEntry.objects.get()
        assert (logged.minutes, logged.description) == (75, "Budget datasets")
        assert response["Location"].endswith("?week=2026-11-30")
        assert flashes(response) == ["Logged 1:15 on Open data portal."]

    def test_bad_input_is_explained_and_kept(self, client, member, project):
        response = signed_in(client, member).post(
            hours_url(member.cooperative, "hours-add"),
            {"project": project.pk, "date": "2026-12-01", "duration": "soon",
             "description": "Budget datasets"},
        )  # fmt: skip
        assert not TimeEntry.objects.exists()
        assert response.status_code == 400
        page = response.content.decode()
        assert "“soon” is not a duration: write it as 1:30, 1.5h, 1,5 or 90m." in page
        assert 'name="duration" value="soon"' in page
        assert 'name="date" value="2026-12-01"' in page
        assert 'value="Budget datasets"' in page
        assert re.search(rf'<option value="{project.pk}" selected>', page)

    def test_a_future_day_is_refused_and_kept(self, client, member, project):
        response = signed_in(client, member).post(
            hours_url(member.cooperative, "hours-add"),
            {"project": project.pk, "date": "2026-12-24", "duration": "1:45"},
        )
        assert not TimeEntry.objects.exists()
        assert response.status_code == 400
        page = response.content.decode()
        assert "is in the future" in page
        assert re.search(r'id="id_date_error"><li>[^<]*is in the future', page)
        assert 'name="date" value="2026-12-24"' in page and 'value="1:45"' in page

    def test_a_refusal_in_spanish_keeps_the_iso_date(self, client, member, project):
        client.cookies["django_language"] = "es"
        response = signed_in(client, member).post(
            hours_url(member.cooperative, "hours-add"),
            {"project": project.pk, "date": "2026-12-24", "duration": "90m"},
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert 'name="date" value="2026-12-24"' in page and 'value="90m"' in page


class TestEntries:
    def test_lists_the_month_with_its_total(self, client, member, project):
        entry(member, project, day=TUESDAY, minutes=90, description="December work")
        entry(member, project, day=MONDAY, minutes=30, description="More December work")
        entry(member, project, day=datetime.date(2026, 11, 3), description="November work")
        entry(MemberFactory(cooperative=member.cooperative), project, description="Not mine")
        signed_in(client, member)
        page = client.get(hours_url(member.cooperative, "hours-entries")).content.decode()
        assert "My entries, December 2026" in page
        assert "December work" in page and "November work" not in page and "Not mine" not in page
        assert '<td class="num" id="entries-total"><strong>2:00</strong></td>' in page
        november = client.get(hours_url(member.cooperative, "hours-entries") + "?month=2026-11")
        html = november.content.decode()
        assert "November work" in html and "December work" not in html
        assert "Edit<" in html and "Delete<" in html

    def test_a_bad_month_falls_back_to_this_month(self, client, member, project):
        response = signed_in(client, member).get(
            hours_url(member.cooperative, "hours-entries") + "?month=someday"
        )
        assert response.status_code == 200
        assert "December 2026" in response.content.decode()
        assert flashes(response)

    def test_a_locked_month_offers_only_adjust(self, client, member, project, october_locked):
        old = entry(member, project, day=LOCKED_DAY)
        page = (
            signed_in(client, member)
            .get(hours_url(member.cooperative, "hours-entries") + "?month=2026-10")
            .content.decode()
        )
        assert "October 2026 is locked" in page
        assert hours_url(member.cooperative, "hours-entry-adjust", old.pk) in page
        assert hours_url(member.cooperative, "hours-entry-edit", old.pk) not in page
        assert hours_url(member.cooperative, "hours-entry-delete", old.pk) not in page

    def test_the_treasurer_sees_everyone_and_filters_by_member(
        self, client, treasurer, member, project
    ):
        theirs = entry(member, project, description="Work of the member")
        entry(treasurer, project, day=MONDAY, description="Work of the treasurer")
        signed_in(client, treasurer)
        page = client.get(hours_url(member.cooperative, "hours-entries")).content.decode()
        assert "Everyone's entries" in page
        assert "Work of the member" in page and "Work of the treasurer" in page
        filtered = client.get(
            hours_url(member.cooperative, "hours-entries") + f"?member={member.pk}"
        ).content.decode()
        assert "Work of the member" in filtered and "Work of the treasurer" not in filtered
        # The treasurer reads everyone's hours but changes only their own.
        assert hours_url(member.cooperative, "hours-entry-edit", theirs.pk) not in filtered
        assert hours_url(member.cooperative, "hours-entry-delete", theirs.pk) not in filtered


class TestEditAndDelete:
    def test_edit_an_entry(self, client, member, project):
        mine = entry(member, project, minutes=90, description="Draft")
        url = hours_url(member.cooperative, "hours-entry-edit", mine.pk)
        signed_in(client, member)
        form = client.get(url).content.decode()
        assert 'value="1:30"' in form and 'value="Draft"' in form
        response = client.post(
            url,
            {
                "project": project.pk,
                "date": "2026-12-07",
                "duration": "2,25",
                "description": "Done",
            },
        )
        assert (
            response["Location"]
            == hours_url(member.cooperative, "hours-entries") + "?month=2026-12"
        )
        mine.refresh_from_db()
        assert (mine.minutes, mine.date, mine.description) == (135, MONDAY, "Done")

    def test_edit_errors_are_shown_on_the_form(self, client, member, project):
        mine = entry(member, project)
        url = hours_url(member.cooperative, "hours-entry-edit", mine.pk)
        response = signed_in(client, member).post(
            url, {"project": project.pk, "date": "2026-12-25", "duration": "1"}
        )
        assert response.status_code == 200
        assert "December 25, 2026 is in the future" in response.content.decode()
        assert TimeEntry.objects.get().date == TUESDAY

    def test_delete_an_entry(self, client, member, project):
        mine = entry(member, project)
        url = hours_url(member.cooperative, "hours-entry-delete", mine.pk)
        signed_in(client, member)
        assert client.get(url).status_code == 405
        response = client.post(url)
        assert not TimeEntry.objects.exists()
        assert flashes(response) == ["The entry was deleted."]

    def test_a_locked_entry_cannot_be_edited_or_deleted(
        self, client, member, project, october_locked
    ):
        old = entry(member, project, day=LOCKED_DAY)
        signed_in(client, member)
        response = client.post(
            hours_url(member.cooperative, "hours-entry-edit", old.pk),
            {"project": project.pk, "date": "2026-10-20", "duration": "3"},
        )
        assert "October 2026 is locked" in response.content.decode()
        response = client.post(hours_url(member.cooperative, "hours-entry-delete", old.pk))
        assert "October 2026 is locked" in flashes(response)[0]
        assert TimeEntry.objects.get().minutes == 90

    def test_a_member_cannot_touch_a_colleagues_entry(self, client, member, project):
        theirs = entry(MemberFactory(cooperative=member.cooperative), project)
        signed_in(client, member)
        for name in ("hours-entry-edit", "hours-entry-delete", "hours-entry-adjust"):
            url = hours_url(member.cooperative, name, theirs.pk)
            assert client.post(url, {"duration": "1"}).status_code == 404
        assert TimeEntry.objects.get().minutes == 90

    def test_the_treasurer_cannot_change_a_members_entry(self, client, treasurer, member, project):
        theirs = entry(member, project)
        response = signed_in(client, treasurer).post(
            hours_url(member.cooperative, "hours-entry-edit", theirs.pk),
            {"project": project.pk, "date": "2026-12-08", "duration": "3"},
        )
        assert "You may only log and change your own hours" in response.content.decode()
        assert TimeEntry.objects.get().minutes == 90

    def test_an_admin_changes_a_members_entry(self, client, admin_member, member, project):
        theirs = entry(member, project)
        signed_in(client, admin_member).post(
            hours_url(member.cooperative, "hours-entry-edit", theirs.pk),
            {"project": project.pk, "date": "2026-12-08", "duration": "3"},
        )
        assert TimeEntry.objects.get().minutes == 180


class TestAdjust:
    def test_adjusting_a_locked_entry_logs_a_correction_that_refers_to_it(
        self, client, member, project, october_locked
    ):
        old = entry(member, project, day=LOCKED_DAY, minutes=90)
        url = hours_url(member.cooperative, "hours-entry-adjust", old.pk)
        signed_in(client, member)
        form = client.get(url).content.decode()
        assert "October 2026 is locked" in form
        assert f"#{old.pk}" in form
        response = client.post(
            url, {"date": "2026-12-09", "duration": "-0:30", "description": "Counted lunch twice"}
        )
        assert response["Location"] == hours_url(member.cooperative, "hours-entries")
        correction = TimeEntry.objects.get(adjusts=old)
        assert (correction.minutes, correction.date, correction.project) == (-30, TODAY, project)
        assert correction.description == "Counted lunch twice"
        again = client.get(url).content.decode()
        assert "Earlier adjustments" in again and "-0:30" in again

    def test_a_negative_adjustment_is_edited_with_its_sign(
        self, client, member, project, october_locked
    ):
        old = entry(member, project, day=LOCKED_DAY, minutes=90)
        signed_in(client, member).post(
            hours_url(member.cooperative, "hours-entry-adjust", old.pk),
            {"date": "2026-12-09", "duration": "-0:30", "description": "Counted lunch twice"},
        )
        correction = TimeEntry.objects.get(adjusts=old)
        url = hours_url(member.cooperative, "hours-entry-edit", correction.pk)
        assert 'value="-0:30"' in client.get(url).content.decode()
        client.post(
            url,
            {"project": project.pk, "date": "2026-12-09", "duration": "-0:45", "description": "x"},
        )
        correction.refresh_from_db()
        assert correction.minutes == -45

    def test_an_adjustment_needs_a_reason_and_an_open_month(
        self, client, member, project, october_locked
    ):
        old = entry(member, project, day=LOCKED_DAY, minutes=90)
        url = hours_url(member.cooperative, "hours-entry-adjust", old.pk)
        signed_in(client, member)
        html = client.post(url, {"date": "2026-12-09", "duration": "0:30"}).content.decode()
        assert "This field is required." in html
        html = client.post(
            url, {"date": "2026-10-21", "duration": "0:30", "description": "More"}
        ).content.decode()
        assert "October 2026 is locked" in html
        html = client.post(
            url, {"date": "2026-12-09", "duration": "-2:00", "description": "Less"}
        ).content.decode()
        assert f"Entry #{old.pk} has 1:30 left to correct" in html
        assert TimeEntry.objects.count() == 1

    def test_an_open_entry_is_changed_directly(self, client, member, project):
        mine = entry(member, project)
        html = (
            signed_in(client, member)
            .post(
                hours_url(member.cooperative, "hours-entry-adjust", mine.pk),
                {"date": "2026-12-09", "duration": "0:30", "description": "More"},
            )
            .content.decode()
        )
        assert "is in an open month: change it directly instead" in html


@pytest.fixture
def tejido(cooperative):
    """The people and projects of the sample exports, in the test co-op."""
    people = {
        "ana": MemberFactory(
            cooperative=cooperative, user__email="ana@example.coop", user__full_name="Ana Souza"
        ),
        "bruno": MemberFactory(
            cooperative=cooperative,
            user__email="bruno.diaz@example.coop",
            user__full_name="Bruno Díaz",
            is_admin=True,
        ),
        "carla": MemberFactory(
            cooperative=cooperative,
            user__email="carla@example.coop",
            user__full_name="Carla Pereira",
        ),
    }
    for client_name, project_name in (
        ("Municipality of Rosario", "Open data portal"),
        ("Food Co-op Network", "Member app"),
        ("Tejido (internal)", "Internal"),
    ):
        ProjectFactory(
            client=ClientFactory(cooperative=cooperative, name=client_name), name=project_name
        )
    return people


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type="text/csv")


class TestImport:
    def test_dry_run_then_import(self, client, cooperative, tejido):
        url = hours_url(cooperative, "hours-import")
        signed_in(client, tejido["bruno"])
        form = client.get(url).content.decode()
        assert 'enctype="multipart/form-data"' in form
        assert "Create clients and projects" in form  # an admin may create them

        preview = client.post(url, {"file": upload("toggl_detailed.csv"), "dry_run": "on"})
        html = preview.content.decode()
        assert "Dry run: what the import would do" in html
        assert "Dry run: nothing was written." in html
        assert re.search(r"Entries that would be imported</dt><dd>5<", html)
        assert not TimeEntry.objects.exists()

        done = client.post(url, {"file": upload("toggl_detailed.csv")}).content.decode()
        assert "5 entries were imported." in done
        assert TimeEntry.objects.filter(source="toggl").count() == 5

        again = client.post(url, {"file": upload("toggl_detailed.csv")}).content.decode()
        assert "5 rows were imported before and were skipped." in again
        assert TimeEntry.objects.count() == 5

    def test_rejected_rows_are_listed_by_line_and_nothing_is_written(
        self, client, cooperative, tejido
    ):
        url = hours_url(cooperative, "hours-import")
        signed_in(client, tejido["ana"])
        html = client.post(url, {"file": upload("toggl_detailed.csv")}).content.decode()
        assert "Nothing was imported" in html
        assert "Create clients and projects" not in html  # members may not
        rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td></tr>', html)
        assert [line for line, _ in rows] == ["6", "7", "8"]
        assert all("you may import only your own hours" in reason for _, reason in rows)
        assert not TimeEntry.objects.exists()

        html = client.post(
            url, {"file": upload("toggl_detailed.csv"), "skip_invalid": "on"}
        ).content.decode()
        assert "2 entries were imported. 3 rows were rejected." in html
        assert set(TimeEntry.objects.values_list("member", flat=True)) == {tejido["ana"].pk}

    def test_a_file_of_no_known_tracker_is_an_error_on_the_field(self, client, cooperative, tejido):
        url = hours_url(cooperative, "hours-import")
        bad = SimpleUploadedFile("notes.csv", b"when,what\n2026-12-01,stuff\n")
        html = signed_in(client, tejido["ana"]).post(url, {"file": bad}).content.decode()
        assert "errorlist" in html
        assert not TimeEntry.objects.exists()


class TestTimer:
    def test_start_then_stop_from_the_header(self, client, member, project, clock):
        ProjectFactory(client=project.client, name="Archived thing", active=False)
        signed_in(client, member)
        page = client.get(hours_url(member.cooperative)).content.decode()
        start = hours_url(member.cooperative, "hours-timer-start")
        assert f'action="{start}"' in page
        header = page.split("<main", 1)[0]
        assert f'<option value="{project.pk}">Open data portal</option>' in header
        assert "Archived thing" not in header

        back = hours_url(member.cooperative, "hours-entries")
        response = client.post(start, {"project": project.pk, "next": back})
        assert response["Location"] == back
        timer = RunningTimer.objects.get(member=member)
        assert timer.project == project

        stop = hours_url(member.cooperative, "hours-timer-stop")
        page = client.get(back).content.decode()
        header = page.split("<main", 1)[0]
        assert f'action="{stop}"' in header and "Open data portal" in header
        assert 'id="timer-elapsed"' in header and ">Stop<" in header

        # 90 minutes later, in the co-op's afternoon of today.
        now = datetime.datetime(2026, 12, 9, 14, 0, tzinfo=datetime.UTC)
        RunningTimer.objects.filter(pk=timer.pk).update(
            started_at=now - datetime.timedelta(minutes=90)
        )
        clock.set(now)
        response = client.post(stop, {"next": "https://elsewhere.example/"})
        assert response["Location"] == hours_url(member.cooperative)  # no open redirects
        logged = TimeEntry.objects.get()
        assert (logged.minutes, logged.date, logged.source) == (90, TODAY, "timer")
        assert not RunningTimer.objects.exists()
        assert flashes(response) == ["Logged 1:30 on Open data portal."]

    def test_start_needs_a_project(self, client, member):
        response = signed_in(client, member).post(
            hours_url(member.cooperative, "hours-timer-start")
        )
        assert flashes(response) == ["Choose a project to start the timer."]
        assert not RunningTimer.objects.exists()

    def test_discard(self, client, member, project):
        signed_in(client, member)
        client.post(hours_url(member.cooperative, "hours-timer-start"), {"project": project.pk})
        response = client.post(hours_url(member.cooperative, "hours-timer-discard"))
        assert flashes(response)[-1] == "The timer was discarded."
        assert not RunningTimer.objects.exists() and not TimeEntry.objects.exists()

    def test_stop_without_a_timer_is_explained(self, client, member):
        response = signed_in(client, member).post(hours_url(member.cooperative, "hours-timer-stop"))
        assert flashes(response) == ["No timer is running."]


def test_log_time_is_what_the_grid_shows(client, member, project):
    """The grid reads what the service wrote, whichever way it was logged."""
    log_time(actor=member, member=member, project=project, date=MONDAY, minutes=20)
    log_time(actor=member, member=member, project=project, date=MONDAY, minutes=25)
    page = signed_in(client, member).get(hours_url(member.cooperative)).content.decode()
    assert month_total(page) == "0:45"
    html = save_cell(client, member, project, MONDAY, "1").content.decode()
    assert "has 2 entries" in html
    assert TimeEntry.objects.count() == 2
