"""An expense above the spending limit: a button drafts the spending proposal that approves it,
with the approve_expense action filled in and the bylaws floors met, and takes the treasurer
there."""

import datetime
from decimal import Decimal

import pytest

from governance import services as governance
from governance.floors import floors_for
from governance.models import Proposal
from payroll.models import Expense
from payroll.services import spending
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_expense(cooperative, treasurer):
    cooperative.bylaws = {**cooperative.bylaws, "spending_limit": "2000.00"}
    cooperative.save()
    return spending.record_expense(
        actor=treasurer, cooperative=cooperative, category="Hardware",
        amount=Decimal("4800.00"), date=datetime.date(2026, 11, 20), payee="Framework",
    )  # fmt: skip


def test_the_button_drafts_the_proposal_and_takes_the_treasurer_to_it(
    client, cooperative, treasurer, big_expense
):
    signed_in(client, treasurer)
    overview = client.get(f"/c/{cooperative.slug}/money/?month=2026-11").content.decode()
    action = f"/c/{cooperative.slug}/money/expenses/{big_expense.pk}/propose/"
    assert f'action="{action}"' in overview and "Draft the spending proposal" in overview
    response = client.post(action)
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/{cooperative.slug}/proposals/{proposal.pk}/"
    assert any("spending proposal is drafted" in message for message in flashes(response))
    assert (proposal.kind, proposal.action, proposal.action_payload, proposal.state) == (
        "spending", "approve_expense", {"expense": big_expense.pk}, "draft"
    )  # fmt: skip
    assert proposal.title == "Approve the expense of €4,800.00 to Framework"
    assert "above the spending limit of €2,000.00" in proposal.body
    floors = floors_for(cooperative, "spending")
    assert proposal.closes_at - proposal.opens_at >= floors.voting
    # Asked again: the same proposal, not a second one.
    client.post(action)
    assert Proposal.objects.count() == 1
    # It meets the floors: it opens.
    opened = governance.open_proposal(actor=treasurer, proposal=proposal)
    assert opened.state in ("discussion", "voting")


def test_within_the_limit_or_by_a_member_it_is_refused(
    client, cooperative, treasurer, member, big_expense
):
    small = spending.record_expense(
        actor=treasurer, cooperative=cooperative, category="Hosting",
        amount=Decimal("20.00"), date=datetime.date(2026, 11, 21), payee="Hetzner",
    )  # fmt: skip
    signed_in(client, treasurer)
    refused = client.post(f"/c/{cooperative.slug}/money/expenses/{small.pk}/propose/")
    assert any("within the spending limit" in message for message in flashes(refused))
    signed_in(client, member)
    forbidden = client.post(f"/c/{cooperative.slug}/money/expenses/{big_expense.pk}/propose/")
    assert forbidden.status_code == 403
    assert not Proposal.objects.exists()
    assert Expense.objects.get(pk=big_expense.pk).status == "submitted"
