"""A ballot offers what the method counts, and the page shows the terms the method uses."""

import pytest
from django.core.management import call_command

from governance.models import Ballot
from tests.factories import MemberFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(3)]


def detail(proposal):
    return f"/c/{proposal.cooperative.slug}/proposals/{proposal.pk}/"


def terms_of(html):
    start = html.index('<dl class="facts proposal-meta">')
    return html[start : html.index("</dl>", start)]


@pytest.mark.parametrize(
    ("method", "block", "threshold"),
    [
        ("majority", False, False),
        ("supermajority", False, True),
        ("consensus", True, False),
        ("consent", True, False),
    ],
)
def test_block_and_threshold_only_where_they_apply(
    client, member, colleagues, make_proposal, method, block, threshold
):
    proposal = make_proposal(member, method=method, allow_early_close=False)
    html = signed_in(client, colleagues[0]).get(detail(proposal)).content.decode()
    assert ('value="block"' in html) is block
    terms = terms_of(html)
    assert "Quorum" in terms
    assert ("Threshold" in terms) is threshold
    assert "used by supermajority only" not in html
    if threshold:
        assert f"{proposal.threshold} of agree + disagree + block" in terms


def test_seats_only_for_stv(client, member, colleagues, make_proposal):
    stv = make_proposal(member, method="stv", options=["A", "B", "C"], seats=2)
    approval = make_proposal(member, method="approval", options=["A", "B"])
    client = signed_in(client, colleagues[0])
    assert "Seats" in terms_of(client.get(detail(stv)).content.decode())
    approval_terms = terms_of(client.get(detail(approval)).content.decode())
    assert "Seats" not in approval_terms and "Threshold" not in approval_terms


def test_a_block_is_refused_where_it_does_not_veto(client, api, member, colleagues, make_proposal):
    proposal = make_proposal(member, method="majority", allow_early_close=False)
    page = signed_in(client, colleagues[0]).post(detail(proposal) + "vote/", {"choice": "block"})
    assert page.status_code == 400
    api.force_authenticate(colleagues[1].user)
    url = f"/api/v1/coops/{proposal.cooperative.slug}/proposals/{proposal.pk}/vote/"
    answer = api.post(url, {"choice": "block", "reason": "no"}, format="json")
    assert answer.status_code == 400
    assert "only under consent and consensus" in answer.json()["detail"]
    assert not Ballot.objects.filter(proposal=proposal).exists()
    consent = make_proposal(member, method="consent", allow_early_close=False)
    url = f"/api/v1/coops/{consent.cooperative.slug}/proposals/{consent.pk}/vote/"
    assert api.post(url, {"choice": "block", "reason": "no"}, format="json").status_code == 200


def test_old_ballot_files_with_majority_blocks_still_recount(tmp_path, capsys):
    """Refusing new blocks changes no count: a published file keeps recounting the same."""
    path = tmp_path / "ballots.json"
    path.write_text(
        '{"method": "majority", "options": [], "seats": 1, "eligible": 3, "quorum": "1/2",'
        ' "threshold": "1/2", "ballots": [{"choice": "agree"}, {"choice": "block"}]}'
    )
    call_command("recount", str(path))
    assert '"outcome": "rejected"' in capsys.readouterr().out
