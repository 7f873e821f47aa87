"""The week grid's day view for phones: which day the page marks to show, and its day links."""

import datetime

import pytest
from django.urls import reverse

from tests.web import signed_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 9)  # a Wednesday


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(TODAY)


def grid(client, member, query=""):
    url = reverse("hours", args=[member.cooperative.slug]) + query
    return signed_in(client, member).get(url).content.decode()


@pytest.mark.parametrize(
    ("query", "shown", "previous", "following"),
    [
        ("", "shows-day-2", "?day=2026-12-08", "?day=2026-12-10"),  # today
        ("?day=2026-12-07", "shows-day-0", "?day=2026-12-06", "?day=2026-12-08"),
        ("?week=2026-11-30", "shows-day-0", "?day=2026-11-29", "?day=2026-12-01"),  # Monday
        ("?day=2026-11-29", "shows-day-6", "?day=2026-11-28", "?day=2026-11-30"),  # its week
        ("?day=nonsense", "shows-day-2", "?day=2026-12-08", "?day=2026-12-10"),
    ],
)
def test_the_day_shown_and_its_neighbours(client, member, query, shown, previous, following):
    html = grid(client, member, query)
    assert f'<table class="week-grid {shown}">' in html
    assert f'<a href="{previous}" rel="prev">' in html
    assert f'<a href="{following}" rel="next">' in html


def test_a_colleagues_grid_keeps_the_member_in_the_day_links(client, treasurer, member):
    html = grid(client, treasurer, f"?member={member.pk}")
    assert f'<a href="?day=2026-12-08&member={member.pk}" rel="prev">' in html
