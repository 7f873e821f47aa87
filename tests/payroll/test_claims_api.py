"""The expense claims' API: filing with a receipt, where each stands, the treasurer's decisions,
withdrawing, and the receipt served only to the claim's member and the treasurer."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from payroll import claims
from payroll.models import ExpenseClaim
from tests.conftest import as_member
from tests.factories import MemberFactory
from tests.payroll.factories_claims import PDF, file_claim, image_receipt, pdf_receipt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november(clock, cooperative):
    clock.set(datetime.date(2026, 11, 10))
    cooperative.bylaws = {**cooperative.bylaws, "spending_limit": "500.00"}
    cooperative.save()


def url(cooperative, tail=""):
    return f"/api/v1/coops/{cooperative.slug}/expense-claims/{tail}"


FIELDS = {
    "amount": "42.50", "date": "2026-10-14", "payee": "Deutsche Bahn", "category": "Travel",
    "note": "Workshop",
}  # fmt: skip


def post_claim(api, member, **fields):
    body = {**FIELDS, "receipt": pdf_receipt(), **fields}
    return as_member(api, member).post(url(member.cooperative), body, format="multipart")


def test_a_member_files_a_claim_and_sees_where_it_stands(api, member, cooperative):
    response = post_claim(api, member)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["amount"], body["member"]) == ("submitted", "42.50", member.pk)
    assert body["receipt"].endswith(f"/expense-claims/{body['id']}/receipt/")
    listed = api.get(url(cooperative)).json()["results"]
    assert [claim["id"] for claim in listed] == [body["id"]]
    download = api.get(url(cooperative, f"{body['id']}/receipt/"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"receipt": SimpleUploadedFile("r.pdf", b"<svg></svg>", "application/pdf")}, "receipt"),
        ({"receipt": image_receipt("GIF", "r.png")}, "receipt"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, member, fields, field):
    response = post_claim(api, member, **fields)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ExpenseClaim.objects.exists()


def test_a_receipt_too_large_is_a_400(api, member, monkeypatch):
    monkeypatch.setattr(claims, "MAX_RECEIPT_BYTES", 10)
    response = post_claim(api, member)
    assert response.status_code == 400
    assert "at most" in response.json()["errors"]["receipt"][0]


def test_the_treasurer_approves_and_rejects_members_may_not(api, member, treasurer):
    cooperative = member.cooperative
    first, second = file_claim(member), file_claim(member)
    forbidden = as_member(api, member).post(url(cooperative, f"{first.pk}/approve/"))
    assert forbidden.status_code == 403
    approved = as_member(api, treasurer).post(url(cooperative, f"{first.pk}/approve/"))
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["expense"] is not None
    no_reason = api.post(url(cooperative, f"{second.pk}/reject/"), {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    rejected = api.post(url(cooperative, f"{second.pk}/reject/"), {"reason": "Private trip"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Private trip"
    # Approving a rejected claim: a conflict.
    conflict = api.post(url(cooperative, f"{second.pk}/approve/"))
    assert conflict.status_code == 409
    assert "already rejected" in conflict.json()["detail"]


def test_withdrawing_ones_own_claim(api, member, treasurer):
    cooperative = member.cooperative
    claim = file_claim(member)
    others = as_member(api, MemberFactory(cooperative=cooperative)).post(
        url(cooperative, f"{claim.pk}/withdraw/")
    )
    assert others.status_code == 404  # another member's claim is not found
    withdrawn = as_member(api, member).post(url(cooperative, f"{claim.pk}/withdraw/"))
    assert withdrawn.json()["status"] == "withdrawn"
    approve = as_member(api, treasurer).post(url(cooperative, f"{claim.pk}/approve/"))
    assert approve.status_code == 409


def test_above_the_limit_approving_is_a_409_and_propose_drafts_the_vote(api, member, treasurer):
    cooperative = member.cooperative
    claim = file_claim(member, amount=Decimal("900.00"))
    as_member(api, treasurer)
    refused = api.post(url(cooperative, f"{claim.pk}/approve/"))
    assert refused.status_code == 409 and "spending limit" in refused.json()["detail"]
    proposal = api.post(url(cooperative, f"{claim.pk}/propose/"))
    assert proposal.status_code == 200
    assert proposal.json()["action"] == "approve_expense_claim"


def test_receipts_only_for_the_claims_member_and_the_treasurer(api, member, treasurer, outsider):
    cooperative = member.cooperative
    claim = file_claim(member)
    receipt = url(cooperative, f"{claim.pk}/receipt/")
    assert api.get(receipt).status_code in (401, 403)
    assert as_member(api, outsider).get(receipt).status_code == 404
    other = MemberFactory(cooperative=cooperative)
    assert as_member(api, other).get(receipt).status_code == 404
    assert as_member(api, treasurer).get(receipt).status_code == 200
    assert as_member(api, member).get(receipt).status_code == 200


def test_the_list_costs_a_fixed_number_of_queries(
    api, member, treasurer, django_assert_max_num_queries
):
    for _ in range(3):
        file_claim(MemberFactory(cooperative=member.cooperative))
    as_member(api, treasurer)
    with django_assert_max_num_queries(12) as first:
        api.get(url(member.cooperative))
    for _ in range(5):
        file_claim(MemberFactory(cooperative=member.cooperative))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(api.get(url(member.cooperative)).json()["results"]) == 8
