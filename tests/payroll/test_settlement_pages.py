"""The settlements pages and API: the treasurer drafts and approves; the departed member reads
their own (404 to other members); bad input is refused naming the rule."""

import datetime
from decimal import Decimal

import pytest

from coop.services import change_member_status
from payroll.models import CapitalAccountEntry
from payroll.settlement_models import Settlement
from tests.conftest import as_member
from tests.factories import MemberFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(clock, cooperative, admin_member):
    clock.set(datetime.date(2026, 3, 2))
    cooperative.bylaws = {
        **cooperative.bylaws,
        "settlement": {"refundable_share": "0.70", "instalments": 5, "interest_rate": "0.02"},
    }
    cooperative.save()
    member = MemberFactory(cooperative=cooperative)
    CapitalAccountEntry.objects.create(
        cooperative=cooperative, member=member, kind="allocation",
        amount=Decimal("10000.00"), date=datetime.date(2025, 12, 31),
    )  # fmt: skip
    return change_member_status(
        member=member, actor=admin_member, status="departed", effective_on=datetime.date(2026, 3, 1)
    )


def test_the_treasurer_drafts_a_settlement_for_a_member_who_left_before(
    client, cooperative, treasurer
):
    gone = MemberFactory(
        cooperative=cooperative, status="departed", departed_on=datetime.date(2025, 6, 30)
    )
    signed_in(client, treasurer)
    page = client.get(f"/c/{cooperative.slug}/money/settlements/").content.decode()
    assert "Departed members without a settlement" in page and gone.display_name in page
    response = client.post(
        f"/c/{cooperative.slug}/money/settlements/draft/", {"member": gone.pk}, follow=True
    )
    settlement = Settlement.objects.get(member=gone)
    assert (
        response.redirect_chain[-1][0]
        == f"/c/{cooperative.slug}/money/settlements/{settlement.pk}/"
    )
    assert "is drafted from the bylaws" in response.content.decode()


def test_the_treasurer_approves_on_the_page(client, cooperative, treasurer, leaver):
    settlement = leaver.settlement
    signed_in(client, treasurer)
    address = f"/c/{cooperative.slug}/money/settlements/{settlement.pk}/"
    html = client.get(address).content.decode()
    assert "7,000.00" in html and "3,000.00" in html and "Approve the settlement" in html
    assert "70%" in html and "2% a year" in html
    response = client.post(address + "approve/", follow=True)
    assert "is approved" in response.content.decode()
    settlement.refresh_from_db()
    assert settlement.status == "approved"


def test_the_departed_member_reads_their_own_and_no_one_else_does(
    client, cooperative, member, leaver
):
    settlement = leaver.settlement
    signed_in(client, leaver)
    response = client.get(f"/c/{cooperative.slug}/money/settlements/", follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/settlements/{settlement.pk}/")
    assert "1,400.00" in response.content.decode()
    approve = f"/c/{cooperative.slug}/money/settlements/{settlement.pk}/approve/"
    assert client.post(approve).status_code == 404
    signed_in(client, member)
    assert (
        client.get(f"/c/{cooperative.slug}/money/settlements/{settlement.pk}/").status_code == 404
    )


def test_the_api_lists_drafts_and_approves(api, cooperative, treasurer, leaver):
    as_member(api, treasurer)
    base = f"/api/v1/coops/{cooperative.slug}/settlements/"
    rows = api.get(base).json()["results"]
    assert [(row["member"], row["refundable"], row["retained"]) for row in rows] == [
        (leaver.pk, "7000.00", "3000.00")
    ]
    assert [part["amount"] for part in rows[0]["instalments"]] == ["1400.00"] * 5
    response = api.post(f"{base}{rows[0]['id']}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"


def test_the_api_refuses_a_member_who_has_not_departed(api, cooperative, treasurer, member):
    as_member(api, treasurer)
    response = api.post(
        f"/api/v1/coops/{cooperative.slug}/settlements/", {"member": member.pk}, format="json"
    )
    assert response.status_code == 400
    assert "for a member who has departed" in str(response.json())


def test_the_api_refuses_a_schedule_above_the_balance(api, cooperative, treasurer, leaver):
    as_member(api, treasurer)
    address = f"/api/v1/coops/{cooperative.slug}/settlements/{leaver.settlement.pk}/schedule/"
    response = api.post(
        address,
        {"instalments": [{"due_month": "2027-01-01", "amount": "10000.01"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "more than the balance" in str(response.json())


def test_the_departed_member_reads_it_with_the_api_until_settled(api, cooperative, leaver):
    as_member(api, leaver)
    base = f"/api/v1/coops/{cooperative.slug}/settlements/"
    assert api.get(base).status_code == 200
    Settlement.objects.filter(member=leaver).update(status="settled")
    assert api.get(base).status_code == 404
    assert api.get(f"/api/v1/coops/{cooperative.slug}/capital-accounts/").status_code == 404


def test_the_admin_lists_settlements_and_approves_through_the_service(client, treasurer, leaver):
    treasurer.user.is_staff = treasurer.user.is_superuser = True
    treasurer.user.save()
    settlement = leaver.settlement
    signed_in(client, treasurer)
    listing = client.get("/admin/payroll/settlement/")
    assert listing.status_code == 200 and leaver.display_name in listing.content.decode()
    detail = client.get(f"/admin/payroll/settlement/{settlement.pk}/change/")
    assert detail.status_code == 200 and "1400.00" in detail.content.decode()
    client.post(
        "/admin/payroll/settlement/",
        {"action": "approve_selected", "_selected_action": [settlement.pk]},
    )
    settlement.refresh_from_db()
    assert settlement.status == "approved"


def test_the_list_costs_the_same_for_many_settlements(
    api, cooperative, treasurer, admin_member, leaver, django_assert_max_num_queries
):
    for _n in range(3):
        other = MemberFactory(cooperative=cooperative)
        change_member_status(member=other, actor=admin_member, status="departed")
    as_member(api, treasurer)
    with django_assert_max_num_queries(3):
        rows = api.get(f"/api/v1/coops/{cooperative.slug}/settlements/").json()["results"]
    assert len(rows) == 4
