"""The confirmation before what cannot be undone: the shared dialog and the forms that ask it."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import ClientFactory, ProjectFactory, ProposalFactory, TimeEntryFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 9)


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(TODAY)


@pytest.fixture
def entry(member):
    project = ProjectFactory(
        client=ClientFactory(cooperative=member.cooperative, name="Municipality of Rosario"),
        name="Open data portal",
    )
    return TimeEntryFactory(
        member=member, project=project, date=datetime.date(2026, 12, 8), minutes=90
    )


def delete_form(html: str) -> str:
    found = re.search(r'<form[^>]*action="[^"]*/entries/\d+/delete/"[^>]*>', html)
    assert found, "no delete form on the page"
    return found.group(0)


def test_every_page_has_the_dialog_and_its_script(client, member):
    html = signed_in(client, member).get(reverse("coop-home", args=[member.cooperative.slug]))
    html = html.content.decode()
    assert re.search(
        r'<dialog id="confirm-dialog"[^>]*role="alertdialog"[^>]*'
        r'aria-labelledby="confirm-dialog-question"',
        html,
    )
    assert 'id="confirm-dialog-question"' in html
    assert re.search(r'<script src="/static/coop/confirm\.js[^"]*" defer>', html)
    # No inline script: the Content-Security-Policy allows only the site's own files.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_deleting_from_the_entries_list_asks_first(client, member, entry):
    url = reverse("hours-entries", args=[member.cooperative.slug]) + "?month=2026-12"
    form = delete_form(signed_in(client, member).get(url).content.decode())
    assert (
        'data-confirm="Delete the entry of 1:30 on Dec 8, 2026 for Open data portal? '
        'This cannot be undone."' in form
    )
    assert 'data-confirm-action="Delete the entry"' in form


def test_the_edit_page_offers_delete_and_asks_first(client, member, entry):
    url = reverse("hours-entry-edit", args=[member.cooperative.slug, entry.pk])
    form = delete_form(signed_in(client, member).get(url).content.decode())
    assert 'data-confirm="Delete the entry of 1:30' in form


@pytest.mark.parametrize(
    ("language", "question", "cancel"),
    [
        ("es", "¿Borrar el registro de 1:30", "Cancelar"),
        ("de", "Den Eintrag über 1:30", "Abbrechen"),
    ],
)
def test_the_question_and_the_dialog_are_translated(
    client, member, entry, language, question, cancel
):
    client.cookies["django_language"] = language
    url = reverse("hours-entries", args=[member.cooperative.slug]) + "?month=2026-12"
    html = signed_in(client, member).get(url).content.decode()
    assert f'data-confirm="{question}' in delete_form(html)
    assert f">{cancel}</button>" in html


def test_without_javascript_the_form_still_deletes(client, member, entry):
    """The dialog is JavaScript's; the form posts to the same view as before."""
    url = reverse("hours-entry-delete", args=[member.cooperative.slug, entry.pk])
    signed_in(client, member).post(url)
    assert not type(entry).objects.exists()


def _proposal_form(html: str, action: str) -> str:
    found = re.search(rf'<form[^>]*action="[^"]*/proposals/\d+/{action}/"[^>]*>', html)
    assert found, f"no {action} form on the page"
    return found.group(0)


@pytest.mark.parametrize("page", ["proposal", "proposal-edit"])
def test_deleting_a_draft_asks_first(client, member, page):
    proposal = ProposalFactory(author=member, title='The "four-day" week')
    html = signed_in(client, member).get(reverse(page, args=[member.cooperative.slug, proposal.pk]))
    form = _proposal_form(html.content.decode(), "delete")
    assert (
        'data-confirm="Delete the draft “The &quot;four-day&quot; week”? It cannot be undone."'
        in form
    )
    assert 'data-confirm-action="Delete the draft"' in form


def test_withdrawing_asks_first_in_the_reader_s_language(client, member):
    proposal = ProposalFactory(author=member, title="Four-day week", state="voting")
    client.cookies["django_language"] = "de"
    url = reverse("proposal", args=[member.cooperative.slug, proposal.pk])
    form = _proposal_form(signed_in(client, member).get(url).content.decode(), "withdraw")
    assert 'data-confirm="„Four-day week“ zurückziehen?' in form
    assert 'data-confirm-action="Antrag zurückziehen"' in form
