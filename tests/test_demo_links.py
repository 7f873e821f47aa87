"""Every link the demo co-op's pages show leads somewhere: each kind of page reachable from the
start page, for each kind of member and anonymously, in each language, answers, with no error,
no refusal and no half-translated sentence.

A page that links to a page its reader may not open, a template that fails on a value only the
demo's data has, a PDF or CSV that fails to build, a translation whose placeholder is broken:
each is what a member meets by clicking around, and each fails here with the page that linked
to it. Pages of one kind (the same path with other numbers: a day, an entry, a month) are opened
twice at most, so that the day-by-day navigation does not walk back through the years.
"""

import datetime
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from coop.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Same kind of page: its path and query with every number read as N.
NUMBER = re.compile(r"\d+")
OPENED_PER_KIND = 2
# Left out: signing out ends the walk; static files are whitenoise's; the admin is Django's own.
NOT_FOLLOWED = ("/logout/", "/static/", "/admin/")
# What a page never shows, in any language: a placeholder left unfilled by a translation or a
# template ("%(name)s", "{{ value }}", "{% tag %}").
UNFILLED = re.compile(r"%\([a-z_]+\)[sd]|\{\{|\{%")
DEMO_NOW = datetime.datetime(2026, 12, 9, 10, 0, tzinfo=datetime.UTC)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and not href.startswith(("#", "mailto:", "tel:", "javascript:")):
            self.hrefs.append(href)


def kind(url: str) -> str:
    parts = urlsplit(url)
    query = sorted((key, NUMBER.sub("N", value)) for key, value in parse_qsl(parts.query))
    return f"{NUMBER.sub('N', parts.path)}?{query}"


def walk(client: Client) -> tuple[int, list[str]]:
    """Open every link from "/" (following redirects within the site), each kind of page at most
    OPENED_PER_KIND times; the number of pages opened and what went wrong, with the page that
    linked to it."""
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    seen: set[str] = set()
    opened: Counter[str] = Counter()
    problems: list[str] = []
    while queue:
        url, linked_from = queue.popleft()
        if url in seen or opened[kind(url)] >= OPENED_PER_KIND:
            continue
        seen.add(url)
        opened[kind(url)] += 1
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            target = urljoin(url, response["Location"])
            if not urlsplit(target).netloc:
                queue.appendleft((target, linked_from))
            continue
        if response.status_code != 200:
            problems.append(f"{url} answers {response.status_code} (linked from {linked_from})")
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = response.content.decode()
        if unfilled := UNFILLED.search(page):
            problems.append(f"{url} shows {unfilled[0]!r}")
        parser = Links()
        parser.feed(page)
        for href in parser.hrefs:
            target = urlsplit(urljoin(url, href))
            if target.netloc not in ("", "testserver"):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if not path.startswith(NOT_FOLLOWED) and path not in seen:
                queue.append((path, url))
    return len(seen), problems


@pytest.fixture
def demo(clock, django_capture_on_commit_callbacks):
    """The demo co-op, with the files its approvals made (payslips, invoices) in place."""
    clock.set(DEMO_NOW)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet=True)


READERS = [
    ("ana@example.coop", "en"),  # admin and secretary
    ("bruno@example.coop", "en"),  # treasurer
    ("chandra@example.coop", "en"),  # a member
    ("fatima@example.coop", "en"),  # probationary
    ("gil@example.coop", "en"),  # on leave
    ("hana@example.coop", "en"),  # an applicant
    ("bruno@example.coop", "de"),
    ("chandra@example.coop", "de"),
    ("bruno@example.coop", "es"),
    ("chandra@example.coop", "es"),
]


@pytest.mark.parametrize(("email", "language"), READERS)
def test_every_link_a_member_sees_answers(demo, email, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(User.objects.get(email=email))
    opened, problems = walk(client)
    assert opened > 30, f"only {opened} pages reached: is the start page still the dashboard?"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "de", "es"])
def test_every_link_a_visitor_sees_answers(demo, language):
    opened, problems = walk(Client(HTTP_ACCEPT_LANGUAGE=language))
    assert opened >= 2  # the start page sends a visitor to sign in
    assert not problems, "\n".join(problems)
