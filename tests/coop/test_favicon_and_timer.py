"""The favicon (linked by every page, and /favicon.ico for the rest) and the header timer's
seconds."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from coop.hours import timers
from tests.factories import ClientFactory, ProjectFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db


def test_every_page_links_the_svg_favicon(client, member):
    for response in (
        client.get(reverse("login")),
        signed_in(client, member).get(reverse("coop-home", args=[member.cooperative.slug])),
    ):
        html = response.content.decode()
        assert '<link rel="icon" href="/static/coop/favicon.svg" type="image/svg+xml">' in html


def test_favicon_ico_is_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/coop/favicon.svg"
    icon = finders.find("coop/favicon.svg")
    assert icon is not None
    with open(icon, encoding="utf-8") as svg:
        assert svg.read().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


def test_the_running_timer_shows_seconds(client, member, clock):
    project = ProjectFactory(client=ClientFactory(cooperative=member.cooperative))
    start = clock.set(datetime.datetime(2026, 12, 9, 9, 0, tzinfo=datetime.UTC))
    timers.start_timer(actor=member, project=project)
    clock.set(start + datetime.timedelta(hours=1, minutes=2, seconds=5))
    html = signed_in(client, member).get(reverse("hours", args=[member.cooperative.slug]))
    html = html.content.decode()
    assert 'data-elapsed="3725"' in html
    assert ">1:02:05</time>" in html
