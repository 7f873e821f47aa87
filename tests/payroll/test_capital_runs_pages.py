"""The capital accounts page: the interest, losses and collective account sections."""

import datetime
from decimal import Decimal

import pytest

from coop.bylaws import validate_bylaws
from payroll import capital
from payroll.capital_models import CapitalInterestRun, CapitalLoss
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory

D = Decimal


def page(cooperative, what=""):
    return f"/c/{cooperative.slug}/money/capital/{what}"


@pytest.fixture
def world(clock, cooperative, treasurer):
    clock.set(datetime.date(2027, 1, 20))
    cooperative.bylaws = {
        **cooperative.bylaws,
        "capital_interest_rate_cap_pct": "6",
        "capital_interest_rate_pct": "5",
    }
    validate_bylaws(cooperative.bylaws)
    cooperative.save()
    ana = MemberFactory(cooperative=cooperative, user__full_name="Ana")
    capital.record_capital_entry(
        actor=treasurer, member=ana, kind="adjustment", amount=D("1000.00"),
        date=datetime.date(2025, 12, 31), note="opening",
    )  # fmt: skip
    capital.record_capital_entry(
        actor=treasurer, member=ana, kind="adjustment", amount=D("-200.00"),
        date=datetime.date(2026, 2, 1), note="to the reserve",
    )  # fmt: skip
    TimeEntryFactory(
        member=ana, project=ProjectFactory(client__cooperative=cooperative),
        date=datetime.date(2026, 3, 2), minutes=480,
    )  # fmt: skip
    return ana


def test_the_treasurer_reads_the_sections(client, cooperative, treasurer, world):
    client.force_login(treasurer.user)
    text = client.get(page(cooperative)).content.decode()
    assert "Collective account" in text and "Adjustment of Ana: to the reserve" in text
    assert "The bylaws pay 5 % a year (at most 6 %) on each day" in text
    assert "to the collective account up to its balance" in text


def test_the_treasurer_credits_interest_and_is_refused_a_second_time(
    client, cooperative, treasurer, world
):
    client.force_login(treasurer.user)
    response = client.post(page(cooperative, "interest/"), {"interest-period": "2026"})
    assert response.status_code == 302
    # 1,000.00 for 31 days, 800.00 for 334 days, at 5 %: 4.2465… + 36.6027… = 40.8493… → 40.85
    assert CapitalInterestRun.objects.get().total == D("40.85")
    followed = client.get(page(cooperative)).content.decode()
    assert "Credited €40.85 of interest for 2026." in followed
    again = client.post(page(cooperative, "interest/"), {"interest-period": "2026"})
    assert again.status_code == 409
    assert "Interest for 2026 was credited already" in again.content.decode()


def test_the_member_reads_the_interest_explained(client, cooperative, treasurer, world):
    client.force_login(treasurer.user)
    client.post(page(cooperative, "interest/"), {"interest-period": "2026"})
    client.force_login(world.user)
    text = client.get(page(cooperative, f"{world.pk}/")).content.decode()
    assert "31 days at €1,000.00" in text and "334 days at €800.00" in text
    assert "× 5 % ÷ 365 days = 40.849315, rounded once to €40.85" in text


def test_the_treasurer_charges_a_loss(client, cooperative, treasurer, world):
    client.force_login(treasurer.user)
    response = client.post(
        page(cooperative, "losses/"),
        {
            "loss-period_start": "2026-01-01",
            "loss-period_end": "2026-12-31",
            "loss-amount": "250.00",
        },
    )
    assert response.status_code == 302
    loss = CapitalLoss.objects.get()
    assert (loss.from_reserve, loss.shares.get().amount) == (D("0.00"), D("250.00"))
    # The collective account was -800.00 (the opening adjustment moved 1,000.00 out of it).
    client.force_login(world.user)
    text = client.get(page(cooperative, f"{world.pk}/")).content.decode()
    assert "The loss was €250.00; the collective reserve bore €0.00." in text


def test_a_refused_loss_is_shown_on_the_form(client, cooperative, treasurer, world):
    client.force_login(treasurer.user)
    response = client.post(
        page(cooperative, "losses/"),
        {
            "loss-period_start": "2026-01-01",
            "loss-period_end": "2026-12-31",
            "loss-amount": "900.00",
        },
    )
    assert response.status_code == 409
    assert "Ana (balance €800.00, part €900.00)" in response.content.decode()
    assert not CapitalLoss.objects.exists()


def test_members_may_not_run_interest_or_charge_losses(client, cooperative, world):
    client.force_login(world.user)
    assert client.post(page(cooperative, "interest/"), {}).status_code == 403
    assert client.post(page(cooperative, "losses/"), {}).status_code == 403
    assert not CapitalInterestRun.objects.exists()
