"""The expense claims page: a member files a claim and follows it; the treasurer decides with the
confirm dialog; receipts only to the claim's member and the treasurer."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import Proposal
from payroll.models import ExpenseClaim
from tests.factories import MemberFactory
from tests.payroll.factories_claims import file_claim, pdf_receipt
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november(clock, cooperative):
    clock.set(datetime.date(2026, 11, 10))
    cooperative.bylaws = {**cooperative.bylaws, "spending_limit": "500.00"}
    cooperative.save()


def page(cooperative, tail=""):
    return f"/c/{cooperative.slug}/money/claims/{tail}"


def test_a_member_files_a_claim_and_sees_it_waiting(client, member, cooperative):
    signed_in(client, member)
    html = client.get(page(cooperative)).content.decode()
    assert "File a claim" in html and "No expense claims yet." in html
    response = client.post(
        page(cooperative),
        {
            "claim-amount": "42.50", "claim-date": "2026-10-14", "claim-payee": "Deutsche Bahn",
            "claim-category": "Travel", "claim-note": "", "claim-receipt": pdf_receipt(),
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert any("is filed" in message for message in flashes(response))
    claim = ExpenseClaim.objects.get()
    html = client.get(page(cooperative)).content.decode()
    assert "Deutsche Bahn" in html and "status-submitted" in html
    assert f'action="{page(cooperative, f"{claim.pk}/withdraw/")}"' in html
    assert "/approve/" not in html  # no deciding for a member


def test_bad_input_is_shown_on_the_form(client, member, cooperative):
    signed_in(client, member)
    response = client.post(
        page(cooperative),
        {
            "claim-amount": "0", "claim-date": "2026-10-14", "claim-payee": "DB",
            "claim-category": "Travel", "claim-receipt": pdf_receipt("x.pdf"),
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert 'id="id_claim-amount_error"' in response.content.decode()
    bad_file = client.post(
        page(cooperative),
        {
            "claim-amount": "10", "claim-date": "2026-10-14", "claim-payee": "DB",
            "claim-category": "Travel",
            "claim-receipt": SimpleUploadedFile("x.pdf", b"<html>", "application/pdf"),
        },
    )  # fmt: skip
    assert bad_file.status_code == 400
    assert "none of them" in bad_file.content.decode()
    assert not ExpenseClaim.objects.exists()


def test_the_treasurer_sees_all_and_decides_with_a_confirm_dialog(
    client, member, treasurer, cooperative
):
    small = file_claim(member)
    big = file_claim(member, amount=Decimal("900.00"), payee="Framework")
    signed_in(client, treasurer)
    html = client.get(page(cooperative)).content.decode()
    assert member.display_name in html
    assert f'action="{page(cooperative, f"{small.pk}/approve/")}"' in html
    assert "data-confirm=" in html
    assert f'action="{page(cooperative, f"{big.pk}/approve/")}"' not in html
    assert f'action="{page(cooperative, f"{big.pk}/propose/")}"' in html
    approved = client.post(page(cooperative, f"{small.pk}/approve/"))
    assert any("is approved" in message for message in flashes(approved))
    refused = client.post(page(cooperative, f"{big.pk}/reject/"), {"reason": ""})
    assert any("Say why" in message for message in flashes(refused))
    proposed = client.post(page(cooperative, f"{big.pk}/propose/"))
    proposal = Proposal.objects.get()
    assert proposed["Location"] == f"/c/{cooperative.slug}/proposals/{proposal.pk}/"
    small.refresh_from_db()
    assert small.status == "approved"


def test_a_member_may_not_decide(client, member, cooperative):
    claim = file_claim(MemberFactory(cooperative=cooperative))
    signed_in(client, member)
    assert client.post(page(cooperative, f"{claim.pk}/approve/")).status_code == 403
    assert client.post(page(cooperative, f"{claim.pk}/withdraw/")).status_code == 404


def test_receipts_only_to_the_claims_member_and_the_treasurer(
    client, member, treasurer, outsider, cooperative
):
    claim = file_claim(member)
    receipt = page(cooperative, f"{claim.pk}/receipt/")
    assert client.get(receipt).status_code == 302  # to the sign-in page
    for reader, status in (
        (outsider, 404),
        (MemberFactory(cooperative=cooperative), 404),
        (member, 200),
        (treasurer, 200),
    ):
        signed_in(client, reader)
        response = client.get(receipt)
        assert response.status_code == status, reader
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    # Not served from MEDIA_URL either.
    assert client.get(f"/media/{claim.receipt.name}").status_code == 404


def test_the_admin_lists_claims_and_approves_through_the_service(client, member, treasurer):
    treasurer.user.is_staff = treasurer.user.is_superuser = True
    treasurer.user.save()
    claim = file_claim(member)
    signed_in(client, treasurer)
    listing = client.get("/admin/payroll/expenseclaim/")
    assert listing.status_code == 200 and "Deutsche Bahn" in listing.content.decode()
    assert client.get(f"/admin/payroll/expenseclaim/{claim.pk}/change/").status_code == 200
    client.post(
        "/admin/payroll/expenseclaim/",
        {"action": "approve_selected", "_selected_action": [claim.pk]},
    )
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.expense.status == "approved"
