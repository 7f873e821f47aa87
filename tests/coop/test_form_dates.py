"""Date inputs carry ISO values whatever the page's language: `<input type="date">` shows
nothing for "04/12/2026" or "04.12.2026", and the form then refuses an empty field."""

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from coop.hours.forms import AdjustmentForm, EntryForm
from coop.hours.services import lock_period
from coop.member_forms import StatusForm
from coop.models import Member, TimeEntry
from governance.forms import ProposalForm, RegisterForm
from governance.models import Proposal
from payroll.forms import CapitalEntryForm, ExpenseForm, RevenueForm
from payroll.models import CapitalAccountEntry, Expense, Revenue
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db

LANGUAGES = ("es", "de")
DAY = datetime.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def december(clock, cooperative):
    clock.set(datetime.datetime(2026, 12, 9, 12, tzinfo=datetime.UTC), tick=True)
    cooperative.founded_on = datetime.date(2020, 1, 1)
    cooperative.save()


@pytest.fixture
def project(cooperative):
    return ProjectFactory(client=ClientFactory(cooperative=cooperative), name="Portal")


def speaking(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def date_values(html: str) -> dict[str, str]:
    """The value of every date and datetime-local input of a page, by name."""
    found = {}
    for tag in re.findall(r'<input[^>]*type="(?:date|datetime-local)"[^>]*>', html):
        name = re.search(r'name="([^"]+)"', tag)[1]
        value = re.search(r'value="([^"]*)"', tag)
        found[name] = value[1] if value else ""
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_dated_form_renders_iso_values(cooperative, language):
    moment = datetime.datetime(2026, 12, 4, 10, 30)
    forms = [
        (EntryForm(cooperative=cooperative, initial={"date": DAY}), {"date": "2026-12-04"}),
        (AdjustmentForm(initial={"date": DAY}), {"date": "2026-12-04"}),
        (StatusForm(initial={"effective_on": DAY}), {"effective_on": "2026-12-04"}),
        (RevenueForm(cooperative=cooperative, initial={"received_on": DAY}),
         {"revenue-received_on": "2026-12-04"}),
        (ExpenseForm(initial={"date": DAY}), {"expense-date": "2026-12-04"}),
        (CapitalEntryForm(cooperative=cooperative, initial={"date": DAY}),
         {"capital-date": "2026-12-04"}),
        (RegisterForm(cooperative=cooperative, initial={"first": DAY, "last": DAY}),
         {"first": "2026-12-04", "last": "2026-12-04"}),
        (ProposalForm(initial={"opens_at": moment, "closes_at": moment,
                               "discussion_starts_at": moment}),
         {"opens_at": "2026-12-04T10:30", "closes_at": "2026-12-04T10:30",
          "discussion_starts_at": "2026-12-04T10:30"}),
    ]  # fmt: skip
    with translation.override(language):
        for form, expected in forms:
            assert date_values(str(form)) == expected, type(form).__name__


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_date_field_reads_iso_and_the_language_s_own_format(language):
    typed = {"es": "04/12/2026", "de": "04.12.2026"}[language]
    with translation.override(language):
        for text in ("2026-12-04", typed):
            form = AdjustmentForm({"date": text, "duration": "1:00", "description": "x"})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["date"] == DAY


@pytest.mark.parametrize("language", LANGUAGES)
class TestPagesSaveIsoDates:
    def test_editing_an_entry(self, client, member, project, language):
        entry = TimeEntryFactory(member=member, project=project, date=DAY, minutes=60)
        url = f"/c/{member.cooperative.slug}/hours/entries/{entry.pk}/edit/"
        speaking(signed_in(client, member), language)
        page = client.get(url).content.decode()
        assert date_values(page) == {"date": "2026-12-04"}
        response = client.post(
            url, {"project": project.pk, "date": "2026-12-03", "duration": "2:00"}
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert (entry.date, entry.minutes) == (datetime.date(2026, 12, 3), 120)

    def test_quick_add(self, client, member, project, language):
        speaking(signed_in(client, member), language)
        page = client.get(f"/c/{member.cooperative.slug}/hours/").content.decode()
        assert date_values(page)["date"] == "2026-12-09"
        response = client.post(
            f"/c/{member.cooperative.slug}/hours/add/",
            {"project": project.pk, "date": "2026-12-04", "duration": "1:30"},
        )
        assert response.status_code == 302
        assert TimeEntry.objects.get(member=member).date == DAY

    def test_adjusting_an_entry(self, client, member, project, language):
        entry = TimeEntryFactory(
            member=member, project=project, date=datetime.date(2026, 11, 3), minutes=60
        )
        lock_period(cooperative=member.cooperative, month=datetime.date(2026, 11, 1))
        url = f"/c/{member.cooperative.slug}/hours/entries/{entry.pk}/adjust/"
        speaking(signed_in(client, member), language)
        assert date_values(client.get(url).content.decode()) == {"date": "2026-12-09"}
        response = client.post(url, {"date": "2026-12-08", "duration": "0:30", "description": "x"})
        assert response.status_code == 302
        assert TimeEntry.objects.get(adjusts=entry).date == datetime.date(2026, 12, 8)

    def test_revenue_expense_and_capital(self, client, cooperative, treasurer, project, language):
        colleague = MemberFactory(cooperative=cooperative, joined_on=datetime.date(2020, 1, 1))
        money = f"/c/{cooperative.slug}/money/"
        speaking(signed_in(client, treasurer), language)
        overview = date_values(client.get(money + "?month=2026-12").content.decode())
        assert overview["revenue-received_on"] == overview["expense-date"] == "2026-12-09"
        client.post(money + "revenue/", {
            "month": "2026-12", "revenue-client": project.client.pk, "revenue-amount": "10",
            "revenue-received_on": "2026-12-04"})  # fmt: skip
        assert Revenue.objects.get().received_on == DAY
        client.post(money + "expenses/", {
            "month": "2026-12", "expense-category": "Hosting", "expense-amount": "5",
            "expense-date": "2026-12-04", "expense-payee": "Hetzner"})  # fmt: skip
        assert Expense.objects.get().date == DAY
        capital_dates = date_values(client.get(money + "capital/").content.decode())
        assert capital_dates.pop("capital-date") == "2026-12-09"
        assert set(capital_dates.values()) <= {""}  # the loss form's period starts empty
        client.post(money + "capital/", {
            "capital-member": colleague.pk, "capital-kind": "adjustment",
            "capital-amount": "20", "capital-date": "2026-12-04", "capital-note": "x"})  # fmt: skip
        assert CapitalAccountEntry.objects.get(member=colleague).amount == Decimal("20")
        assert CapitalAccountEntry.objects.get(member=colleague).date == DAY

    def test_proposal_dates(self, client, member, language):
        url = f"/c/{member.cooperative.slug}/proposals/new/"
        speaking(signed_in(client, member), language)
        values = date_values(client.get(url).content.decode())
        assert all(
            re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", values[name])
            for name in ("opens_at", "closes_at")
        ), values
        response = client.post(url, {
            "title": "Join", "kind": "general", "method": "majority", "seats": "1",
            "quorum": "1/2", "threshold": "1/2", "opens_at": "2026-12-20T10:00",
            "closes_at": "2026-12-27T18:00", "save": "draft"})  # fmt: skip
        assert response.status_code == 302
        proposal = Proposal.objects.get()
        assert proposal.opens_at.date() == datetime.date(2026, 12, 20)
        edit = client.get(f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/edit/")
        assert date_values(edit.content.decode())["closes_at"].startswith("2026-12-27T")

    def test_member_status_from_a_day(self, client, admin_member, language):
        other = MemberFactory(cooperative=admin_member.cooperative)
        speaking(signed_in(client, admin_member), language)
        response = client.post(
            f"/c/{admin_member.cooperative.slug}/members/{other.pk}/status/",
            {"status": "on_leave", "effective_on": "2026-12-04"},
        )
        assert response.status_code == 302
        other.refresh_from_db()
        assert (other.status, other.status_since) == (Member.Status.ON_LEAVE, DAY)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_day_on_the_members_page_is_named_by_its_label(client, admin_member, language):
    """Not by the form's field name ("effective_on: …")."""
    other = MemberFactory(cooperative=admin_member.cooperative)
    speaking(signed_in(client, admin_member), language)
    response = client.post(
        f"/c/{admin_member.cooperative.slug}/members/{other.pk}/status/",
        {"status": "on_leave", "effective_on": "someday"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    with translation.override(language):
        label, invalid = translation.gettext("From"), translation.gettext("Enter a valid date.")
    assert f'role="alert">{label}: {invalid}</p>' in html
    assert "effective_on" not in html.split('role="alert">')[1].split("</p>")[0]


def test_a_day_before_the_current_status_is_refused_with_the_day_in_words(client, admin_member):
    other = MemberFactory(cooperative=admin_member.cooperative, status_since=DAY)
    speaking(signed_in(client, admin_member), "es")
    response = client.post(
        f"/c/{admin_member.cooperative.slug}/members/{other.pk}/status/",
        {"status": "on_leave", "effective_on": "2026-12-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "4 de diciembre de 2026" in html and "2026-12-04" not in html.split('role="alert">')[1]
