"""Dates in Chromium in Spanish and German: the date picker of an entry shows its day and saves
the day chosen (a localized value such as "04.12.2026" left the picker empty)."""

import datetime

import pytest
from django.utils import translation

from coop.models import TimeEntry
from tests.factories import ClientFactory, ProjectFactory, TimeEntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 12, 9))


@pytest.mark.parametrize("language", ["es", "de"])
def test_editing_an_entry_s_date_in_the_member_s_language(
    live_server, page, log_in, member, language
):
    from playwright.sync_api import expect

    project = ProjectFactory(client=ClientFactory(cooperative=member.cooperative), name="Portal")
    entry = TimeEntryFactory(member=member, project=project, date=datetime.date(2026, 12, 4))
    log_in(page, member)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/c/{member.cooperative.slug}/hours/entries/{entry.pk}/edit/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    with translation.override(language):
        date_label, save = translation.gettext("Date"), translation.gettext("Save")
    picker = page.get_by_label(date_label, exact=True)
    expect(picker).to_have_value("2026-12-04")
    picker.fill("2026-12-03")
    page.get_by_role("button", name=save, exact=True).click()
    page.wait_for_url("**/hours/entries/?month=2026-12")
    entry.refresh_from_db()
    assert entry.date == datetime.date(2026, 12, 3)
    assert TimeEntry.objects.filter(member=member).count() == 1
