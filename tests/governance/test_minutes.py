"""Minutes of a closed proposal and the register of decisions (PDF, through the API)."""

import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from coop.clock import today_in
from coop.locale_formats import format_day, format_medium_day
from governance import services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def members(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(3)]


def url(cooperative, path):
    return f"/api/v1/coops/{cooperative.slug}/proposals/{path}"


def test_minutes_of_an_open_ballot(
    api, cooperative, members, secretary, make_proposal, voting_floor_passed
):
    proposal = make_proposal(members[0], title="Adopt the four-day week", method="consent")
    services.add_comment(actor=members[1], proposal=proposal, body="Fridays off & <b>rested</b>")
    services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
    services.cast_vote(
        actor=members[1],
        proposal=proposal,
        ballot={"choice": "block", "reason": "Clients need Friday support"},
    )
    voting_floor_passed(proposal)
    services.close_proposal(proposal=proposal, actor=secretary)
    api.force_authenticate(members[2].user)
    text = text_of(api.get(url(cooperative, f"{proposal.pk}/minutes/")))
    assert f"Minutes — proposal #{proposal.pk}" in text
    assert "Adopt the four-day week" in text and "consent" in text.lower()
    assert "Outcome" in text and "rejected" in text
    assert "Fridays off & <b>rested</b>" in text  # escaped, printed as typed
    assert members[0].user.email in text and "agree" in text
    assert "block — Clients need Friday support" in text


def test_minutes_of_a_secret_ballot_name_no_voter(
    api, cooperative, members, secretary, make_proposal, voting_floor_passed
):
    proposal = make_proposal(members[0], secret=True, allow_early_close=False)
    receipt = services.cast_vote(actor=members[1], proposal=proposal, ballot={"choice": "agree"})
    voting_floor_passed(proposal)
    services.close_proposal(proposal=proposal, actor=secretary)
    api.force_authenticate(members[1].user)
    text = text_of(api.get(url(cooperative, f"{proposal.pk}/minutes/")))
    assert "Secret ballot" in text
    assert services.receipt_hash(receipt)[:16] in text
    assert all(m.user.email not in text for m in members[1:])


def test_no_minutes_before_close(api, cooperative, members, make_proposal):
    proposal = make_proposal(members[0])
    api.force_authenticate(members[0].user)
    response = api.get(url(cooperative, f"{proposal.pk}/minutes/"))
    assert response.status_code == 409
    assert "when voting closes" in response.json()["detail"]


def test_the_register_lists_the_decisions_of_the_period(
    api, cooperative, members, secretary, make_proposal, voting_floor_passed
):
    for title in ("Buy a new server", "Join the federation"):
        proposal = make_proposal(members[0], title=title)
        services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
        voting_floor_passed(proposal)
        services.close_proposal(proposal=proposal, actor=secretary)
    make_proposal(members[0], title="Still voting")
    api.force_authenticate(members[1].user)
    today = today_in(cooperative)
    response = api.get(url(cooperative, f"register/?from={today.year}-01-01&to={today}"))
    text = text_of(response)
    assert "Register of decisions" in text
    assert "Buy a new server" in text and "Join the federation" in text
    assert "Still voting" not in text
    last_year = today.year - 1
    empty = text_of(
        api.get(url(cooperative, f"register/?from={last_year}-01-01&to={last_year}-12-31"))
    )
    assert "No proposal was decided in this period." in empty


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=yesterday", "from"),
        ("to=2026-13-01", "to"),
        ("from=2026-05-01&to=2026-04-01", "from"),
    ],
)
def test_the_register_names_a_bad_date(api, cooperative, member, query, field):
    api.force_authenticate(member.user)
    response = api.get(url(cooperative, f"register/?{query}"))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_another_coops_minutes_are_not_found(
    api, cooperative, members, secretary, make_proposal, outsider, voting_floor_passed
):
    proposal = make_proposal(members[0])
    services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
    voting_floor_passed(proposal)
    services.close_proposal(proposal=proposal, actor=secretary)
    api.force_authenticate(outsider.user)
    assert api.get(url(cooperative, f"{proposal.pk}/minutes/")).status_code == 404


class TestPages:
    """The same files from the web pages: a link on a closed proposal, a form on the list."""

    def test_the_minutes_link_of_a_closed_proposal(
        self, client, cooperative, members, secretary, make_proposal, voting_floor_passed
    ):
        proposal = make_proposal(members[0], title="Join the federation")
        services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
        base = f"/c/{cooperative.slug}/proposals/{proposal.pk}/"
        client.force_login(members[1].user)
        assert client.get(base + "minutes.pdf").status_code == 409  # not closed yet
        voting_floor_passed(proposal)
        services.close_proposal(proposal=proposal, actor=secretary)
        assert "minutes.pdf" in client.get(base).content.decode()
        assert "Join the federation" in text_of(client.get(base + "minutes.pdf"))

    def test_the_register_form(
        self, client, cooperative, members, secretary, make_proposal, voting_floor_passed
    ):
        proposal = make_proposal(members[0], title="Join the federation")
        services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
        voting_floor_passed(proposal)
        services.close_proposal(proposal=proposal, actor=secretary)
        client.force_login(members[1].user)
        listing = client.get(f"/c/{cooperative.slug}/proposals/").content.decode()
        assert "Register of decisions" in listing and 'name="first"' in listing
        register = f"/c/{cooperative.slug}/proposals/register.pdf"
        assert "Join the federation" in text_of(client.get(register))  # this year by default
        last_year = today_in(cooperative).year - 1
        chosen = client.get(register, {"first": f"{last_year}-01-01", "last": f"{last_year}-12-31"})
        assert "No proposal was decided" in text_of(chosen)
        backwards = client.get(register, {"first": "2026-05-01", "last": "2026-04-01"}, follow=True)
        assert "From: The first day comes after the last." in backwards.content.decode()

    def test_another_coops_register_is_not_found(self, client, cooperative, outsider):
        client.force_login(outsider.user)
        assert client.get(f"/c/{cooperative.slug}/proposals/register.pdf").status_code == 404


LABELS = {
    "en": ("Kind", "general", "Ballots cast", "The proposal", "Method"),
    "es": ("Tipo", "general", "Papeletas emitidas", "La propuesta", "Método"),
    "de": ("Art", "allgemein", "Abgegebene Stimmzettel", "Der Antrag", "Verfahren"),
}
AGREE = {"en": "agree", "es": "a favor", "de": "Ja"}


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_minutes_render_the_markdown_with_labels_in_the_language_of_the_download(
    client, cooperative, members, secretary, make_proposal, voting_floor_passed, language
):
    body = (
        "## Plan\n\nWe need a **checklist** and *care*:\n\n- tests\n- docs & <b>notes</b>\n\n"
        "1. first\n2. second\n\nSee [the wiki](https://example.org/wiki?a=1&b=2).\n\n"
        "<script>alert(1)</script>"
    )
    proposal = make_proposal(members[0], body=body, allow_early_close=False)
    services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
    voting_floor_passed(proposal)
    services.close_proposal(proposal=proposal, actor=secretary)
    client.force_login(members[1].user)
    response = client.get(
        f"/c/{cooperative.slug}/proposals/{proposal.pk}/minutes.pdf",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    text = " ".join(text_of(response).split())
    kind, general, cast, the_proposal, method = LABELS[language]
    assert f"{kind} {general}" in text  # "Art allgemein", not "Kind allgemein"
    assert cast in text and the_proposal in text and method in text
    # the answers, in the result and on each ballot, in the reader's words
    assert f"{members[0].user.email} {AGREE[language]}" in text
    assert f"{AGREE[language]} 1" in text
    if language != "en":
        assert "Kind " not in text and "Ballots cast" not in text
        assert "agree" not in text and "disagree" not in text
    assert "**" not in text and "- tests" not in text and "## " not in text
    assert "checklist" in text and "• tests" in text and "1. first" in text
    assert "docs &" in text  # escaped, the raw HTML dropped by the sanitizer
    assert "alert(1)" not in text
    reader = PdfReader(io.BytesIO(response.content))
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert "https://example.org/wiki?a=1&b=2" in links


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_no_day_or_count_of_the_register_wraps(
    client, cooperative, members, secretary, make_proposal, voting_floor_passed, language
):
    """The day a proposal closed, its number and its votes stay whole on the first line of its
    row, in the reader's notation; a long title wraps between its words."""
    title = "Adopt the four-day week for every team, reviewing client support after six months"
    proposal = make_proposal(members[0], title=title)
    services.cast_vote(actor=members[0], proposal=proposal, ballot={"choice": "agree"})
    voting_floor_passed(proposal)
    services.close_proposal(proposal=proposal, actor=secretary)
    proposal.refresh_from_db()
    today = today_in(cooperative)
    first = today.replace(month=1, day=1)
    client.force_login(members[1].user)
    response = client.get(
        f"/c/{cooperative.slug}/proposals/register.pdf",
        {"first": f"{first}", "last": f"{today}"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    reader = PdfReader(io.BytesIO(response.content))
    layout = "\n".join(sheet.extract_text(extraction_mode="layout") for sheet in reader.pages)
    rows = [" ".join(row.replace("\xa0", " ").split()) for row in layout.splitlines()]
    closed = timezone.localtime(proposal.closed_at, ZoneInfo(cooperative.time_zone)).date()
    day = format_medium_day(closed, language).replace("\xa0", " ")  # "Dec 6, 2026", "6 dic 2026"
    votes = f"1 / {proposal.eligible_count}"
    assert any(
        row.startswith(f"{day} {proposal.pk} Adopt the") and row.endswith(votes) for row in rows
    ), rows
    assert not any(row.endswith("after six months") and row.startswith(day) for row in rows)
    assert f"{closed:%Y-%m-%d}" not in layout  # no ISO day left in a German or Spanish register
    flat = " ".join(" ".join(sheet.extract_text().split()) for sheet in reader.pages)
    assert title in flat  # wrapped between words only
    assert format_day(first, language).replace("\xa0", " ") in flat.replace("\xa0", " ")
    if language == "de":
        assert "nicht beschlussfähig" in flat  # the result too is cut between words only
