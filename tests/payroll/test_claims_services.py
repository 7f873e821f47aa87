"""Expense claims through their services: filing, withdrawing, the treasurer's decision, the
spending limit, and the approved expense the books count."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coop.errors import InvalidInput, NotAllowed, StateConflict
from payroll import claims
from payroll.claim_selectors import visible_claims
from payroll.models import Expense, ExpenseClaim
from tests.factories import MemberFactory
from tests.payroll.factories_claims import OCTOBER_DAY, file_claim, image_receipt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november(clock, cooperative):
    clock.set(datetime.date(2026, 11, 10))
    cooperative.bylaws = {**cooperative.bylaws, "spending_limit": "500.00"}
    cooperative.save()


def test_a_member_files_a_claim_with_a_receipt_stored_under_a_secret_name(member):
    claim = file_claim(member)
    assert (claim.status, claim.amount, claim.currency) == (
        "submitted", Decimal("42.50"), member.cooperative.currency
    )  # fmt: skip
    name = claim.receipt.name
    assert name.startswith(f"claims/{member.cooperative_id}/") and name.endswith(".pdf")
    assert "receipt" not in name and len(name.rsplit("/", 1)[-1]) > 30
    assert member.cooperative.audit_events.filter(verb="expense_claim.filed").exists()


def test_images_are_claims_too(member):
    assert file_claim(member, receipt=image_receipt("JPEG", "x.jpeg")).receipt.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-3.00")}, "amount"),
        ({"amount": Decimal("1.234")}, "amount"),
        ({"date": datetime.date(2026, 11, 11)}, "date"),
        ({"payee": "  "}, "payee"),
        ({"receipt": None}, "receipt"),
        ({"receipt": SimpleUploadedFile("r.pdf", b"<html></html>", "application/pdf")}, "receipt"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(member, fields, field):
    with pytest.raises(InvalidInput) as error:
        file_claim(member, **fields)
    assert error.value.field == field
    assert not ExpenseClaim.objects.exists()


def test_a_receipt_too_large_is_refused_by_size(member, monkeypatch):
    monkeypatch.setattr(claims, "MAX_RECEIPT_BYTES", 20)
    with pytest.raises(InvalidInput, match="at most") as error:
        file_claim(member)
    assert error.value.field == "receipt"


def test_the_treasurer_approves_and_the_claim_becomes_an_approved_expense(member, treasurer):
    claim = claims.approve_claim(actor=treasurer, claim=file_claim(member))
    expense = Expense.objects.get()
    assert claim.status == "approved" and claim.expense == expense
    assert (expense.status, expense.amount, expense.date, expense.payee, expense.category) == (
        "approved", Decimal("42.50"), OCTOBER_DAY, "Deutsche Bahn", "Travel"
    )  # fmt: skip
    assert expense.receipt.name == claim.receipt.name
    assert expense.recorded_by == member and expense.decided_by == treasurer


def test_a_member_may_not_approve_or_reject(member):
    claim = file_claim(MemberFactory(cooperative=member.cooperative))
    with pytest.raises(NotAllowed):
        claims.approve_claim(actor=member, claim=claim)
    with pytest.raises(NotAllowed):
        claims.reject_claim(actor=member, claim=claim, reason="no")


def test_rejecting_needs_a_reason(member, treasurer):
    claim = file_claim(member)
    with pytest.raises(InvalidInput) as error:
        claims.reject_claim(actor=treasurer, claim=claim, reason=" ")
    assert error.value.field == "reason"
    claim = claims.reject_claim(actor=treasurer, claim=claim, reason="Not a co-op trip")
    assert (claim.status, claim.rejection_reason) == ("rejected", "Not a co-op trip")
    assert not Expense.objects.exists()


def test_deciding_a_decided_or_withdrawn_claim_is_a_conflict(member, treasurer):
    rejected = claims.reject_claim(actor=treasurer, claim=file_claim(member), reason="Private")
    withdrawn = claims.withdraw_claim(actor=member, claim=file_claim(member))
    assert withdrawn.status == "withdrawn"
    for claim in (rejected, withdrawn):
        with pytest.raises(StateConflict, match="already"):
            claims.approve_claim(actor=treasurer, claim=claim)


def test_only_its_member_withdraws_and_only_while_submitted(member, treasurer):
    claim = file_claim(member)
    with pytest.raises(NotAllowed):
        claims.withdraw_claim(actor=treasurer, claim=claim)
    claims.approve_claim(actor=treasurer, claim=claim)
    with pytest.raises(StateConflict):
        claims.withdraw_claim(actor=member, claim=claim)


def test_above_the_spending_limit_the_treasurer_cannot_approve(member, treasurer):
    claim = file_claim(member, amount=Decimal("500.01"))
    with pytest.raises(StateConflict, match="spending limit"):
        claims.approve_claim(actor=treasurer, claim=claim)
    assert (
        claims.approve_claim(
            actor=treasurer, claim=file_claim(member, amount=Decimal("500.00"))
        ).status
        == "approved"
    )


def test_a_claim_of_a_distributed_month_counts_in_the_first_open_one(
    member, treasurer, cooperative
):
    from payroll.models import Distribution, DistributionPolicy

    policy = DistributionPolicy.objects.create(
        cooperative=cooperative, version=1, method="equal", commons_pct=Decimal("0")
    )
    Distribution.objects.create(
        cooperative=cooperative, month=datetime.date(2026, 10, 1), policy=policy,
        status="approved", currency=cooperative.currency,
    )  # fmt: skip
    claim = claims.approve_claim(actor=treasurer, claim=file_claim(member))
    assert claim.expense.date == datetime.date(2026, 11, 10)


def test_members_see_their_own_claims_and_the_treasurer_all(member, treasurer):
    mine = file_claim(member)
    theirs = file_claim(MemberFactory(cooperative=member.cooperative))
    assert list(visible_claims(member)) == [mine]
    assert set(visible_claims(treasurer)) == {mine, theirs}


def test_claims_and_their_receipts_are_in_the_exports(member, treasurer):
    import io
    import json
    import zipfile

    from coop.portability import export_cooperative, export_member

    claim = file_claim(member)
    with zipfile.ZipFile(io.BytesIO(export_cooperative(member.cooperative))) as archive:
        rows = json.loads(archive.read("data/payroll.expenseclaim.json"))
        assert [row["pk"] for row in rows] == [claim.pk]
        assert f"media/{claim.receipt.name}" in archive.namelist()
    with zipfile.ZipFile(io.BytesIO(export_member(member))) as archive:
        assert f"files/{claim.receipt.name}" in archive.namelist()
    with zipfile.ZipFile(io.BytesIO(export_member(treasurer))) as archive:
        assert "data/payroll.expenseclaim.json" not in archive.namelist()


def test_a_departed_member_files_no_claim(cooperative):
    departed = MemberFactory(cooperative=cooperative, status="departed")
    with pytest.raises(NotAllowed):
        file_claim(departed)
