"""A draft whose month changed since it was computed says what changed, old → new, everywhere:
its page, the treasurer's dashboard, the API, and the refusal to approve it."""

import datetime
from decimal import Decimal

import pytest

from coop.errors import StateConflict
from payroll import distributing
from payroll.draft_lines import InputChange, stale_inputs
from payroll.services import money_in, policies
from tests.conftest import as_member
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory
from tests.payroll.books import POLICY, SEPTEMBER
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(cooperative, treasurer, books):
    return distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)


def _late_entries(cooperative, treasurer):
    """A late revenue of 500.00 and two hours by a member new to the month."""
    money_in.record_revenue(
        actor=treasurer, cooperative=cooperative, client=ClientFactory(cooperative=cooperative),
        amount=Decimal("500.00"), received_on=datetime.date(2026, 9, 28),
    )  # fmt: skip
    TimeEntryFactory(
        member=MemberFactory(cooperative=cooperative),
        project=ProjectFactory(client__cooperative=cooperative),
        date=datetime.date(2026, 9, 28),
        minutes=120,
    )


def test_a_current_draft_has_no_stale_inputs(draft):
    assert stale_inputs(draft) == []


def test_every_changed_input_is_named_with_old_and_new(cooperative, treasurer, draft):
    _late_entries(cooperative, treasurer)
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    assert stale_inputs(draft) == [
        InputChange("revenue", Decimal("12000.00"), Decimal("12500.00")),
        InputChange("hours", 16800, 16920),
        InputChange("members", 3, 4),
        InputChange("policy", 1, 2),
    ]


def test_approving_names_every_changed_input(cooperative, treasurer, draft):
    _late_entries(cooperative, treasurer)
    with pytest.raises(StateConflict) as refused:
        distributing.approve_distribution(actor=treasurer, distribution=draft)
    assert (
        "(revenue €12,000.00 → €12,500.00; hours 280:00 → 282:00; members 3 → 4)"
        in refused.value.message
    )


def test_the_draft_page_and_the_dashboard_say_what_changed_and_offer_recompute(
    client, cooperative, treasurer, draft
):
    _late_entries(cooperative, treasurer)
    signed_in(client, treasurer)
    recompute = f'action="/c/{cooperative.slug}/money/distributions/{draft.pk}/recompute/"'
    for path in (f"money/distributions/{draft.pk}/", ""):
        html = client.get(f"/c/{cooperative.slug}/{path}").content.decode()
        assert "changed since this draft was computed" in html, path
        assert "revenue: €12,000.00 → €12,500.00" in html, path
        assert "hours: 280:00 → 282:00" in html and "members: 3 → 4" in html, path
        assert recompute in html, path
    client.post(f"/c/{cooperative.slug}/money/distributions/{draft.pk}/recompute/")
    for path in (f"money/distributions/{draft.pk}/", ""):
        html = client.get(f"/c/{cooperative.slug}/{path}").content.decode()
        assert "changed since this draft was computed" not in html, path


def test_the_draft_page_speaks_the_readers_language(client, cooperative, treasurer, draft):
    _late_entries(cooperative, treasurer)
    treasurer.user.language = "de"
    treasurer.user.save()
    signed_in(client, treasurer)
    html = client.get(
        f"/c/{cooperative.slug}/money/distributions/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "12.000,00\xa0€ → 12.500,00\xa0€" in html


def test_the_api_lists_stale_inputs_of_a_draft(api, cooperative, treasurer, member, draft):
    path = f"/api/v1/coops/{cooperative.slug}/distributions/{draft.pk}/"
    assert as_member(api, member).get(path).json()["stale_inputs"] == []
    _late_entries(cooperative, treasurer)
    assert as_member(api, member).get(path).json()["stale_inputs"] == [
        {"input": "revenue", "old": "12000.00", "new": "12500.00"},
        {"input": "hours", "old": "16800", "new": "16920"},
        {"input": "members", "old": "3", "new": "4"},
    ]


def test_approving_and_paying_ask_for_confirmation(client, cooperative, treasurer, draft):
    signed_in(client, treasurer)
    page = f"/c/{cooperative.slug}/money/distributions/{draft.pk}/"
    html = client.get(page).content.decode()
    assert (
        'data-confirm="Approve the distribution of September 2026? The month&#x27;s hours, '
        'revenue and expenses are then locked for good." data-confirm-action="Approve"'
    ) in html
    distributing.approve_distribution(actor=treasurer, distribution=draft)
    html = client.get(page).content.decode()
    assert (
        'data-confirm="Mark the distribution of September 2026 as paid? Do it once the bank '
        'transfers are made: it cannot be undone." data-confirm-action="Mark as paid"'
    ) in html
