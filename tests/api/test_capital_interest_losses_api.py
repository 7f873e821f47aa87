"""The API of interest runs, losses and the collective account: status codes and messages."""

import datetime
from decimal import Decimal

import pytest

from coop.bylaws import validate_bylaws
from payroll import capital
from payroll.capital_models import CapitalInterestRun, CapitalLoss
from tests.conftest import as_member
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory

D = Decimal


def url(cooperative, what):
    return f"/api/v1/coops/{cooperative.slug}/capital-accounts/{what}/"


@pytest.fixture
def world(clock, cooperative, treasurer):
    """A 5 % co-op (cap 6 %) in January 2027; Ana holds 1,000.00 all of 2026 and worked in it."""
    clock.set(datetime.date(2027, 1, 20))
    cooperative.bylaws = {
        **cooperative.bylaws,
        "capital_interest_rate_cap_pct": "6",
        "capital_interest_rate_pct": "5",
        "loss_allocation": "patronage",
    }
    validate_bylaws(cooperative.bylaws)
    cooperative.save()
    ana = MemberFactory(cooperative=cooperative, user__full_name="Ana")
    capital.record_capital_entry(
        actor=treasurer, member=ana, kind="adjustment", amount=D("1000.00"),
        date=datetime.date(2025, 12, 31), note="opening",
    )  # fmt: skip
    project = ProjectFactory(client__cooperative=cooperative)
    TimeEntryFactory(member=ana, project=project, date=datetime.date(2026, 3, 2), minutes=480)
    return ana


def test_the_treasurer_runs_interest_once(api, cooperative, treasurer, world):
    as_member(api, treasurer)
    response = api.post(url(cooperative, "interest"), {"period": "2026"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["period_start"], body["period_end"], body["rate"], body["total"]) == (
        "2026-01-01", "2026-12-31", "5.0000", "50.00",
    )  # fmt: skip
    assert body["lines"][0]["member"] == world.pk
    assert body["lines"][0]["amount"] == "50.00"
    assert body["lines"][0]["explanation"]["segments"][0]["days"] == 365
    again = api.post(url(cooperative, "interest"), {"period": "2026"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "interest_already_run"
    assert "2026 was credited already" in again.json()["detail"]
    listed = api.get(url(cooperative, "interest"))
    assert listed.status_code == 200 and [run["total"] for run in listed.json()] == ["50.00"]


def test_interest_without_a_period_runs_the_last_one_ended(api, cooperative, treasurer, world):
    response = as_member(api, treasurer).post(url(cooperative, "interest"), {}, format="json")
    assert response.status_code == 201
    assert response.json()["period_start"] == "2026-01-01"


def test_a_badly_written_period_is_a_400_naming_the_field(api, cooperative, treasurer, world):
    response = as_member(api, treasurer).post(
        url(cooperative, "interest"), {"period": "2026-02"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"period": [response.json()["detail"]]}
    assert "yearly" in response.json()["detail"]
    assert not CapitalInterestRun.objects.exists()


def test_members_may_not_run_interest_nor_read_the_runs(api, cooperative, world):
    as_member(api, world)
    assert api.post(url(cooperative, "interest"), {}, format="json").status_code == 403
    assert api.get(url(cooperative, "interest")).status_code == 404
    assert api.get(url(cooperative, "losses")).status_code == 404
    assert api.get(url(cooperative, "collective")).status_code == 404


def test_the_treasurer_charges_a_loss(api, cooperative, treasurer, world):
    as_member(api, treasurer)
    body = {"period_start": "2026-01-01", "period_end": "2026-12-31", "amount": "12.34"}
    response = api.post(url(cooperative, "losses"), body, format="json")
    assert response.status_code == 201, response.json()
    loss = response.json()
    assert (loss["method"], loss["from_reserve"], loss["amount"]) == ("patronage", "0.00", "12.34")
    assert loss["shares"] == [
        {"member": world.pk, "entry": loss["shares"][0]["entry"], "minutes": 480, "amount": "12.34"}
    ]
    again = api.post(url(cooperative, "losses"), body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "loss_already_charged"
    assert [row["amount"] for row in api.get(url(cooperative, "losses")).json()] == ["12.34"]


def test_a_loss_beyond_a_balance_is_a_409_naming_the_member(api, cooperative, treasurer, world):
    body = {"period_start": "2026-01-01", "period_end": "2026-12-31", "amount": "1000.01"}
    response = as_member(api, treasurer).post(url(cooperative, "losses"), body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "negative_capital_balance"
    assert "Ana (balance €1,000.00, part €1,000.01)" in response.json()["detail"]
    assert not CapitalLoss.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_start": "2026-01-01", "period_end": "2026-12-31", "amount": "0"}, "amount"),
        ({"period_start": "2026-01-01", "period_end": "2026-12-31"}, "amount"),
        ({"period_start": "2026-12-31", "period_end": "2026-01-01", "amount": "5"}, "period_end"),
        ({"period_end": "2026-12-31", "amount": "5"}, "period_start"),
    ],
)
def test_bad_losses_are_a_400_naming_the_field(api, cooperative, treasurer, world, body, field):
    response = as_member(api, treasurer).post(url(cooperative, "losses"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not CapitalLoss.objects.exists()


def test_the_collective_account(api, cooperative, treasurer, world):
    capital.record_capital_entry(
        actor=treasurer, member=world, kind="adjustment", amount=D("-100.00"),
        date=datetime.date(2026, 6, 1), note="to the reserve",
    )  # fmt: skip
    response = as_member(api, treasurer).get(url(cooperative, "collective"))
    assert response.status_code == 200
    body = response.json()
    assert body["balance"] == "-900.00"
    assert [(e["date"], e["kind"], e["amount"], e["balance"]) for e in body["entries"]] == [
        ("2025-12-31", "adjustment", "-1000.00", "-1000.00"),
        ("2026-06-01", "adjustment", "100.00", "-900.00"),
    ]
    assert body["entries"][1]["note"] == "Adjustment of Ana: to the reserve"


def test_the_lists_cost_a_fixed_number_of_queries(
    api, cooperative, treasurer, world, django_assert_max_num_queries
):
    """Twelve monthly runs and a loss with its shares: each list in a handful of queries."""
    cooperative.bylaws = {**cooperative.bylaws, "capital_interest_period": "monthly"}
    cooperative.save()
    as_member(api, treasurer)
    for month in range(1, 13):
        api.post(url(cooperative, "interest"), {"period": f"2026-{month:02d}"}, format="json")
    body = {"period_start": "2026-01-01", "period_end": "2026-12-31", "amount": "5.00"}
    assert api.post(url(cooperative, "losses"), body, format="json").status_code == 201
    assert CapitalInterestRun.objects.count() == 12
    for what in ("interest", "losses", "collective"):
        with django_assert_max_num_queries(8):
            assert api.get(url(cooperative, what)).status_code == 200
