"""Dates written the reader's way with CLDR's patterns (Babel), in one module used by the
template filters, the month labels and the messages of the services."""

import datetime
import pathlib
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from coop import locale_formats
from coop.errors import PeriodLocked
from coop.hours.services import lock_period, log_time
from coop.months import month_label
from tests.factories import ClientFactory, ProjectFactory
from tests.web import signed_in

DAY = datetime.date(2026, 12, 4)
MONDAY = datetime.date(2026, 11, 30)
OCTOBER = datetime.date(2026, 10, 1)

EXPECTED = {
    "en": {"day": "December 4, 2026", "month": "October 2026", "short": "Mon, Nov 30",
           "weekday_day": "Friday, December 4, 2026", "medium": "Dec 4, 2026"},
    "es": {"day": "4 de diciembre de 2026", "month": "octubre de 2026", "short": "lun, 30 nov",
           "weekday_day": "viernes, 4 de diciembre de 2026", "medium": "4 dic 2026"},
    "de": {"day": "4. Dezember 2026", "month": "Oktober 2026", "short": "Mo., 30. Nov.",
           "weekday_day": "Freitag, 4. Dezember 2026", "medium": "4. Dez. 2026"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_days_and_months_follow_cldr(language):
    expected = EXPECTED[language]
    assert locale_formats.format_day(DAY, language) == expected["day"]
    assert locale_formats.format_month(OCTOBER, language) == expected["month"]
    assert locale_formats.format_short_day(MONDAY, language) == expected["short"]
    assert locale_formats.format_weekday_day(DAY, language) == expected["weekday_day"]
    assert locale_formats.format_medium_day(DAY, language) == expected["medium"]
    with translation.override(language):  # the active language when none is given
        assert locale_formats.format_day(DAY) == expected["day"]
        assert month_label(OCTOBER) == expected["month"]


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_template_filters_write_the_same(language):
    template = Template(
        "{% load locale_dates %}{{ d|long_day }}|{{ m|month_label }}|{{ monday|short_day }}"
    )
    with translation.override(language):
        text = template.render(Context({"d": DAY, "m": OCTOBER, "monday": MONDAY}))
    expected = EXPECTED[language]
    assert text == f"{expected['day']}|{expected['month']}|{expected['short']}"


def test_a_sentence_that_starts_with_a_month_starts_with_a_capital():
    assert locale_formats.sentence_start("octubre de 2026 está cerrado") == (
        "Octubre de 2026 está cerrado"
    )


@pytest.mark.django_db
def test_a_locked_month_is_named_at_the_start_of_the_sentence(clock, cooperative, member):
    clock.set(datetime.datetime(2026, 12, 9, 12, tzinfo=datetime.UTC))
    cooperative.founded_on = datetime.date(2020, 1, 1)
    cooperative.save()
    member.joined_on = datetime.date(2020, 1, 1)
    member.save()
    project = ProjectFactory(client=ClientFactory(cooperative=cooperative))
    lock_period(cooperative=cooperative, month=OCTOBER)
    with translation.override("es"), pytest.raises(PeriodLocked) as refused:
        log_time(actor=member, member=member, project=project, date=OCTOBER, minutes=60)
    assert refused.value.message.startswith("Octubre de 2026 ")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "founded"),
    [("en", "December 4, 2023"), ("es", "4 de diciembre de 2023"), ("de", "4. Dezember 2023")],
)
def test_the_founding_date_is_written_like_the_other_dates(client, member, language, founded):
    member.cooperative.founded_on = datetime.date(2023, 12, 4)
    member.cooperative.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = signed_in(client, member).get(f"/c/{member.cooperative.slug}/").content.decode()
    assert f"<dd>{founded}</dd>" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Portal on Mon, Nov 30"), ("es", "Portal el lun, 30 nov"),
     ("de", "Portal am Mo., 30. Nov.")],
)  # fmt: skip
def test_the_week_grid_names_each_cell_s_day_the_language_s_way(
    client, clock, member, language, label
):
    clock.set(datetime.datetime(2026, 12, 2, 12, tzinfo=datetime.UTC))
    ProjectFactory(client=ClientFactory(cooperative=member.cooperative), name="Portal")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = signed_in(client, member).get(f"/c/{member.cooperative.slug}/hours/").content.decode()
    assert f">{label}</label>" in page


# Formats that machines read (an ISO day or month for a link or a picker, `c` for <time
# datetime>) and a time zone's abbreviation; a day or a moment a person reads goes through
# the filters of coop/templatetags/locale_dates.py instead.
MACHINE_FORMATS = {"c", "Y-m", "Y-m-d", "T"}
TEMPLATE_FOLDERS = ["coop", "governance", "payroll", "api", "cooperage"]


def test_no_template_writes_a_day_with_a_format_of_its_own():
    root = pathlib.Path(settings.BASE_DIR)
    written = []
    for folder in TEMPLATE_FOLDERS:
        for template in sorted((root / folder).rglob("templates/**/*.*")):
            for found in re.finditer(r"\|date:[\"']([^\"']*)[\"']", template.read_text()):
                if found.group(1) not in MACHINE_FORMATS:
                    written.append(f"{template.relative_to(root)}: {found.group(0)}")
    assert written == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "closes", "previous_month"),
    [
        ("en", "Jul 1, 2027, 6:30\u202fPM CEST", "← October 2026"),
        ("es", "1 jul 2027, 18:30 CEST", "← octubre de 2026"),
        ("de", "1. Juli 2027, 18:30 MESZ", "← Oktober 2026"),
    ],
)
def test_the_proposal_and_money_pages_write_moments_and_months_the_cldr_way(
    client, clock, cooperative, treasurer, language, closes, previous_month
):
    from governance.services import create_proposal

    clock.set(datetime.date(2026, 12, 9))
    proposal = create_proposal(
        actor=treasurer,
        title="Four-day week",
        opens_at=datetime.datetime(2027, 6, 20, 10, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2027, 7, 1, 16, 30, tzinfo=datetime.UTC),
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    signed_in(client, treasurer)
    page = client.get(f"/c/{cooperative.slug}/proposals/{proposal.pk}/").content.decode()
    assert f">{closes}</time>" in page
    money = client.get(f"/c/{cooperative.slug}/money/?month=2026-11").content.decode()
    assert f">{previous_month}</a>" in money
