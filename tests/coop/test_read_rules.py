"""One rule, one answer: each read rule lives in one selector, and the pages and the API answer
alike: 404 for what the viewer may not see at all, a translated 409 for what is not published
yet. Each rule is one test, run against both surfaces."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from coop.hours.importing import MAX_IMPORT_BYTES
from coop.models import Member
from coop.models.cooperative import MemberStatus
from governance import services as governance
from payroll import distributing
from payroll.models import DistributionDocument
from tests.governance.fixtures import close_on_time
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db

SURFACES = ["page", "api"]


@pytest.fixture
def run(cooperative, treasurer, books):
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    return distributing.approve_distribution(actor=treasurer, distribution=draft)


@pytest.fixture
def colleague(books):
    return books[1]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def payslip_file(run, member):
    document = DistributionDocument(
        distribution=run, kind="payslip", member=member, sha256="0" * 64
    )
    document.file.save(f"payslip-{member.pk}.pdf", ContentFile(b"%PDF-1.7 payslip"))
    return document


def read(surface, client, api, viewer, page_path, api_path, language="en"):
    """GET as `viewer` on the page (`/c/{slug}/…`) or the API (`/api/v1/coops/{slug}/…`)."""
    slug = viewer.cooperative.slug
    if surface == "page":
        client.force_login(viewer.user)
        return client.get(f"/c/{slug}/{page_path}", HTTP_ACCEPT_LANGUAGE=language)
    api.force_authenticate(viewer.user)
    return api.get(f"/api/v1/coops/{slug}/{api_path}", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("surface", SURFACES)
def test_another_members_payslip_is_not_found(surface, client, api, run, treasurer, colleague):
    payslip_file(run, treasurer)
    path = f"distributions/{run.pk}/payslips/{treasurer.pk}/"
    assert read(surface, client, api, colleague, f"money/{path}", path).status_code == 404
    own = f"distributions/{run.pk}/payslips/{colleague.pk}/"
    payslip_file(run, colleague)
    assert read(surface, client, api, colleague, f"money/{own}", own).status_code == 200
    assert read(surface, client, api, treasurer, f"money/{own}", own).status_code == 200


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("kind", ["csv", "sepa"])
def test_the_payment_files_are_not_found_but_by_the_treasurer(
    surface, kind, client, api, run, colleague
):
    page_path = f"money/distributions/{run.pk}/files/{kind}/"
    response = read(surface, client, api, colleague, page_path, f"distributions/{run.pk}/{kind}/")
    assert response.status_code == 404


@pytest.mark.parametrize("surface", SURFACES)
def test_another_members_capital_account_is_not_found(
    surface, client, api, run, treasurer, colleague
):
    other = read(
        surface, client, api, colleague,
        f"money/capital/{treasurer.pk}/", f"capital-accounts/entries/?member={treasurer.pk}",
    )  # fmt: skip
    assert other.status_code == 404
    own = read(
        surface, client, api, colleague,
        f"money/capital/{colleague.pk}/", f"capital-accounts/entries/?member={colleague.pk}",
    )  # fmt: skip
    assert own.status_code == 200
    everyone = read(
        surface, client, api, treasurer,
        f"money/capital/{colleague.pk}/", f"capital-accounts/entries/?member={colleague.pk}",
    )  # fmt: skip
    assert everyone.status_code == 200


@pytest.fixture
def voting(cooperative, member, secretary, make_proposal):
    return make_proposal(member, title="Paint the office")


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    ("page_file", "api_file", "english", "spanish"),
    [
        ("ballots.json", "ballots/", "Ballots are published when voting closes.",
         "Las papeletas se publican cuando se cierra la votación."),
        ("minutes.pdf", "minutes/", "Minutes are made when voting closes.",
         "El acta se redacta cuando se cierra la votación."),
    ],
)  # fmt: skip
def test_ballots_and_minutes_before_the_close_are_a_translated_conflict(
    surface, page_file, api_file, english, spanish, client, api, member, voting
):
    page_path = f"proposals/{voting.pk}/{page_file}"
    api_path = f"proposals/{voting.pk}/{api_file}"
    response = read(surface, client, api, member, page_path, api_path)
    assert response.status_code == 409
    assert english in response.content.decode()
    spanish_response = read(surface, client, api, member, page_path, api_path, language="es")
    assert spanish_response.status_code == 409
    assert spanish in spanish_response.content.decode()
    if surface == "api":
        assert response.json()["code"] == "not_published"


@pytest.mark.parametrize("surface", SURFACES)
def test_a_payslip_not_made_yet_is_the_same_translated_conflict(
    surface, client, api, run, colleague
):
    """`payroll.document_state.document_missing`: a 409 with the same words on both surfaces
    (the page used to redirect to the distribution with a flash message)."""
    path = f"distributions/{run.pk}/payslips/{colleague.pk}/"
    response = read(surface, client, api, colleague, f"money/{path}", path)
    assert response.status_code == 409
    assert "This file is being generated: try again in a minute." in response.content.decode()
    spanish = read(surface, client, api, colleague, f"money/{path}", path, language="es")
    assert spanish.status_code == 409
    assert "Se está generando este archivo" in spanish.content.decode()
    if surface == "api":
        assert response.json()["code"] == "document_pending"


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("page_file", ["ballots.json", "minutes.pdf", ""])
def test_a_proposal_the_viewer_may_not_see_is_not_found(
    surface, page_file, client, api, member, secretary, make_proposal
):
    """`governance.selectors.visible_proposals`: another member's draft is a 404 on both, for
    its page, its ballot file and its minutes alike."""
    draft = make_proposal(secretary, title="Still a draft", start=False)
    api_file = {"ballots.json": "ballots/", "minutes.pdf": "minutes/", "": ""}[page_file]
    page_path = f"proposals/{draft.pk}/{page_file}"
    response = read(surface, client, api, member, page_path, f"proposals/{draft.pk}/{api_file}")
    assert response.status_code == 404


@pytest.mark.parametrize("surface", SURFACES)
def test_an_import_over_the_limit_is_the_same_413(surface, client, api, member):
    """`coop.hours.importing.check_import_size`: one limit, one status, one sentence."""
    big = SimpleUploadedFile("export.csv", b"x" * (MAX_IMPORT_BYTES + 1), "text/csv")
    slug = member.cooperative.slug
    if surface == "page":
        client.force_login(member.user)
        response = client.post(f"/c/{slug}/hours/import/", {"file": big})
    else:
        api.force_authenticate(member.user)
        response = api.post(
            f"/api/v1/coops/{slug}/time-entries/import/", {"file": big}, format="multipart"
        )
    assert response.status_code == 413
    assert "The file is larger than 5 MB: split it by month." in response.content.decode()
    if surface == "api":
        assert response.json()["code"] == "too_large"
        assert "file" in response.json()["errors"]


# A departed member -----------------------------------------------------------------------------


def depart(member: Member) -> Member:
    Member.objects.filter(pk=member.pk).update(
        status=MemberStatus.DEPARTED, departed_on=datetime.date(2026, 10, 31)
    )
    member.refresh_from_db()
    return member


@pytest.mark.parametrize("surface", SURFACES)
def test_a_departed_member_reads_their_own_money(surface, client, api, run, colleague):
    payslip_file(run, colleague)
    depart(colleague)
    payslip = f"distributions/{run.pk}/payslips/{colleague.pk}/"
    assert read(surface, client, api, colleague, f"money/{payslip}", payslip).status_code == 200
    ledger = read(
        surface, client, api, colleague,
        f"money/capital/{colleague.pk}/", f"capital-accounts/entries/?member={colleague.pk}",
    )  # fmt: skip
    assert ledger.status_code == 200
    if surface == "api":
        assert {entry["member"] for entry in ledger.json()} == {colleague.pk}
        balances = read(surface, client, api, colleague, "", "capital-accounts/").json()
        assert [row["member"] for row in balances] == [colleague.pk]
    else:
        assert read(surface, client, api, colleague, "money/me/", "").status_code == 200
        assert read(surface, client, api, colleague, "my-data.zip", "").status_code == 200


@pytest.mark.parametrize("surface", SURFACES)
def test_a_departed_treasurer_reads_nothing_of_others(
    surface, client, api, run, treasurer, colleague
):
    depart(treasurer)
    other_payslip = f"distributions/{run.pk}/payslips/{colleague.pk}/"
    for page_path, api_path in [
        (f"money/{other_payslip}", other_payslip),
        (f"money/capital/{colleague.pk}/", f"capital-accounts/entries/?member={colleague.pk}"),
        (f"money/distributions/{run.pk}/files/csv/", f"distributions/{run.pk}/csv/"),
        ("money/", "revenue/"),
        ("hours/", "time-entries/"),
        ("members/", "members/"),
    ]:
        response = read(surface, client, api, treasurer, page_path, api_path)
        assert response.status_code == 404, page_path


@pytest.mark.parametrize("surface", SURFACES)
def test_a_departed_member_reads_published_decisions_only(
    surface, client, api, cooperative, member, secretary, make_proposal
):
    closed = make_proposal(member, title="Join the federation")
    governance.cast_vote(actor=member, proposal=closed, ballot={"choice": "agree"})
    close_on_time(closed)
    still_open = make_proposal(secretary, title="Paint the office")
    depart(member)
    for page_path, api_path in [
        (f"proposals/{closed.pk}/", f"proposals/{closed.pk}/"),
        (f"proposals/{closed.pk}/minutes.pdf", f"proposals/{closed.pk}/minutes/"),
        (f"proposals/{closed.pk}/ballots.json", f"proposals/{closed.pk}/ballots/"),
        ("proposals/", "proposals/"),
    ]:
        assert read(surface, client, api, member, page_path, api_path).status_code == 200
    unpublished = read(
        surface, client, api, member, f"proposals/{still_open.pk}/", f"proposals/{still_open.pk}/"
    )
    assert unpublished.status_code == 404
    if surface == "api":
        listed = read(surface, client, api, member, "", "proposals/").json()["results"]
        assert [row["id"] for row in listed] == [closed.pk]
        vote = api.post(
            f"/api/v1/coops/{cooperative.slug}/proposals/{still_open.pk}/vote/",
            {"ballot": {"choice": "agree"}},
            format="json",
        )
        comment = api.post(
            f"/api/v1/coops/{cooperative.slug}/proposals/{closed.pk}/comments/",
            {"body": "Still here"},
            format="json",
        )
    else:
        vote = client.post(f"/c/{cooperative.slug}/proposals/{still_open.pk}/vote/")
        comment = client.post(f"/c/{cooperative.slug}/proposals/{closed.pk}/comments/")
    assert (vote.status_code, comment.status_code) == (404, 404)


def test_a_departed_member_finds_their_pages_from_home(client, cooperative, member):
    depart(member)
    client.force_login(member.user)
    page = client.get("/").content.decode()
    assert "Co-ops you have left" in page
    for path in ["money/me/", "proposals/?state=closed", "my-data.zip"]:
        assert f"/c/{cooperative.slug}/{path}" in page
    assert client.get(f"/c/{cooperative.slug}/").status_code == 404  # the dashboard is not theirs
