"""An expense's receipt downloads through the API, for the expense's co-op only."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from payroll.models import Expense
from tests.api.contract import ContractClient
from tests.factories import ExpenseFactory, MemberFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(member, path):
    return f"/api/v1/coops/{member.cooperative.slug}/{path}"


def as_member(member) -> ContractClient:
    client = ContractClient()
    client.force_authenticate(member.user)
    return client


@pytest.fixture
def expense_with_receipt(treasurer):
    upload = SimpleUploadedFile("hetzner-october.pdf", PDF, content_type="application/pdf")
    fields = {"category": "Hosting", "amount": "40.00", "date": "2026-10-02", "payee": "H",
              "receipt": upload}  # fmt: skip
    created = as_member(treasurer).post(url(treasurer, "expenses/"), fields, format="multipart")
    assert created.status_code == 201, created.json()
    return created.json()


@pytest.mark.django_db
class TestReceiptDownload:
    def test_the_serializer_links_to_the_download_route(self, expense_with_receipt, member):
        link = expense_with_receipt["receipt"]
        assert link == (
            f"http://testserver{url(member, 'expenses/')}{expense_with_receipt['id']}/receipt/"
        )
        listed = as_member(member).get(url(member, "expenses/")).json()["results"]
        assert listed[0]["receipt"] == link

    def test_every_member_of_the_coop_downloads_it(self, expense_with_receipt, member):
        answer = as_member(member).get(
            expense_with_receipt["receipt"].removeprefix("http://testserver")
        )
        assert answer.status_code == 200
        assert answer["Content-Type"] == "application/pdf"
        assert answer["Content-Disposition"].startswith("attachment;")
        assert 'filename="hetzner-october' in answer["Content-Disposition"]
        assert b"".join(answer.streaming_content) == PDF

    def test_another_coop_gets_404(self, expense_with_receipt):
        outsider = MemberFactory()
        path = f"expenses/{expense_with_receipt['id']}/receipt/"
        assert as_member(outsider).get(url(outsider, path)).status_code == 404
        # nor through its own co-op's address
        treasurer_coop = Expense.objects.get().cooperative
        answer = as_member(outsider).get(f"/api/v1/coops/{treasurer_coop.slug}/{path}")
        assert answer.status_code == 404

    def test_an_expense_without_a_receipt_is_404(self, treasurer):
        fields = {"category": "Hosting", "amount": "40.00", "date": "2026-10-02", "payee": "H"}
        created = as_member(treasurer).post(url(treasurer, "expenses/"), fields, format="json")
        assert created.json()["receipt"] is None
        answer = as_member(treasurer).get(
            url(treasurer, f"expenses/{created.json()['id']}/receipt/")
        )
        assert answer.status_code == 404

    def test_a_stored_file_of_another_type_is_served_as_bytes(self, treasurer):
        expense = ExpenseFactory(cooperative=treasurer.cooperative)
        expense.receipt.save("page.html", ContentFile(b"<script>alert(1)</script>"))
        answer = as_member(treasurer).get(url(treasurer, f"expenses/{expense.pk}/receipt/"))
        assert answer.status_code == 200
        assert answer["Content-Type"] == "application/octet-stream"
        assert answer["Content-Disposition"].startswith("attachment;")
