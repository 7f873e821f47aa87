"""The register of members and shares: who reads what, the GenG §30 CSV, the share certificate
(PDF text), the API's buy-in instalments and their refusals, the payslip's instalment."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from payroll import distributing, documents, share_register, shares
from payroll.models import CapitalAccountEntry, DistributionDocument
from payroll.share_models import Subscription
from tests.conftest import as_member
from tests.factories import MemberFactory
from tests.payroll import test_buyin
from tests.payroll.test_buyin import JANUARY, admit_ana, run_month
from tests.web import signed_in

D = Decimal
pytestmark = pytest.mark.django_db
coop_with_buyin = test_buyin.coop_with_buyin  # the fixture: a co-op asking 1,200.00 at 100.00


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def register(coop_with_buyin, treasurer):
    """Ana, entered in January with 300.00 paid; Bo, who left in June."""
    ana = admit_ana(coop_with_buyin)
    ana.legal_name = "Ana María Pérez Soto"
    ana.save()
    Subscription.objects.filter(member=ana).update(
        amount_paid=D("300.00"), address="Calle Mayor 1, 28013 Madrid"
    )
    bo = MemberFactory(cooperative=coop_with_buyin, legal_name="=HYPERLINK(evil)")
    Subscription.objects.create(
        cooperative=coop_with_buyin, member=bo, shares=1, nominal_value=D("1200.00"),
        amount_subscribed=D("1200.00"), amount_paid=D("1200.00"),
        subscribed_on=datetime.date(2026, 2, 1), exited_on=datetime.date(2026, 6, 30),
        exit_reason="Kündigung (§65 GenG)",
    )  # fmt: skip
    return ana, bo


class TestTheRegister:
    def test_the_csv_has_the_columns_of_geng_30(self, register, treasurer):
        ana, _bo = register
        for amount in ("300.00", "150.25"):  # the register gives the account's balance
            CapitalAccountEntry.objects.create(
                cooperative=ana.cooperative, member=ana, kind="adjustment", amount=D(amount),
                date=datetime.date(2026, 3, 31), note="By hand",
            )  # fmt: skip
        rows = share_register.register_rows(share_register.register_for(treasurer))
        table = list(csv.reader(io.StringIO(share_register.register_csv(rows).decode("utf-8-sig"))))
        assert table[0][:5] == [
            "No.",
            "Family and given names",
            "Address",
            "Entry date",
            "Number of shares",
        ]
        assert table[1] == [
            "1", "Ana María Pérez Soto", "Calle Mayor 1, 28013 Madrid", "2026-01-01", "1",
            "1200.00", "1200.00", "300.00", "", "", "EUR", "450.25",
        ]  # fmt: skip
        assert table[2][1] == "'=HYPERLINK(evil)"  # neutralized for spreadsheets
        assert table[2][8:10] == ["2026-06-30", "Kündigung (§65 GenG)"]

    def test_a_member_reads_their_own_entry_only(self, register, api):
        ana, bo = register
        answer = as_member(api, ana).get(f"/api/v1/coops/{ana.cooperative.slug}/shares/")
        assert answer.status_code == 200
        assert [(e["number"], e["name"]) for e in answer.json()] == [(1, "Ana María Pérez Soto")]
        other = api.get(f"/api/v1/coops/{ana.cooperative.slug}/shares/{bo.subscription.pk}/")
        assert other.status_code == 404

    def test_the_treasurer_lists_all_in_fixed_queries(
        self, register, api, treasurer, django_assert_max_num_queries
    ):
        as_member(api, treasurer)
        with django_assert_max_num_queries(12):
            answer = api.get(f"/api/v1/coops/{treasurer.cooperative.slug}/shares/")
        assert [e["amount_paid"] for e in answer.json()] == ["300.00", "1200.00"]

    def test_the_treasurer_records_the_reason_for_leaving(self, register, api, treasurer):
        ana, bo = register
        url = f"/api/v1/coops/{ana.cooperative.slug}/shares/"
        as_member(api, treasurer)
        answer = api.patch(f"{url}{bo.subscription.pk}/", {"exit_reason": "Tod (§77 GenG)"})
        assert answer.status_code == 200 and answer.json()["exit_reason"] == "Tod (§77 GenG)"
        refused = api.patch(f"{url}{ana.subscription.pk}/", {"exit_reason": "Kündigung"})
        assert refused.status_code == 409
        assert "once the member has left" in refused.json()["detail"]
        figures = api.patch(f"{url}{ana.subscription.pk}/", {"amount_paid": "1200.00"})
        assert figures.status_code == 400

    def test_the_treasurer_enters_a_member_admitted_before(self, coop_with_buyin, api, treasurer):
        old_hand = MemberFactory(cooperative=coop_with_buyin)
        as_member(api, treasurer)
        url = f"/api/v1/coops/{coop_with_buyin.slug}/shares/"
        answer = api.post(url, {"member": old_hand.pk})
        assert answer.status_code == 201 and answer.json()["amount_subscribed"] == "1200.00"
        again = api.post(url, {"member": old_hand.pk})
        assert again.status_code == 409 and "subscribed shares already" in again.json()["detail"]

    def test_the_page_and_the_csv_download(self, register, client, treasurer):
        ana, _bo = register
        signed_in(client, treasurer)
        page = client.get(reverse("money-shares", args=[ana.cooperative.slug]))
        assert page.status_code == 200
        assert "Ana María Pérez Soto" in page.content.decode()
        assert "at most €100.00 a month" in page.content.decode()
        download = client.get(reverse("money-shares-csv", args=[ana.cooperative.slug]))
        assert download.status_code == 200 and download["Content-Type"] == "text/csv"

    def test_a_member_gets_no_csv(self, register, client):
        ana, _bo = register
        signed_in(client, ana)
        assert (
            client.get(reverse("money-shares-csv", args=[ana.cooperative.slug])).status_code == 404
        )
        page = client.get(reverse("money-shares", args=[ana.cooperative.slug])).content.decode()
        assert "Ana María Pérez Soto" in page and "HYPERLINK" not in page


class TestTheCertificate:
    def test_the_pdf_says_who_holds_what(self, register, client):
        ana, _bo = register
        signed_in(client, ana)
        url = reverse("money-share-certificate", args=[ana.cooperative.slug, ana.subscription.pk])
        answer = client.get(url)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        text = pdf_text(answer.content)
        assert "Share certificate" in text
        assert "Ana María Pérez Soto" in text
        assert "under number 1" in text
        for figure in ("€1,200.00", "€300.00", "€900.00"):  # subscribed, paid, still to pay
            assert figure in text

    def test_in_the_members_language(self, register, api):
        ana, _bo = register
        ana.language = "de"
        ana.save()
        as_member(api, ana)
        url = f"/api/v1/coops/{ana.cooperative.slug}/shares/{ana.subscription.pk}/certificate/"
        text = pdf_text(api.get(url).content)
        assert "Anteilsbescheinigung" in text

    def test_not_another_members(self, register, client):
        ana, bo = register
        signed_in(client, ana)
        url = reverse("money-share-certificate", args=[ana.cooperative.slug, bo.subscription.pk])
        assert client.get(url).status_code == 404


class TestInstalmentsThroughTheApi:
    @pytest.fixture
    def draft(self, coop_with_buyin, treasurer):
        self.ana = admit_ana(coop_with_buyin)
        run = run_month(coop_with_buyin, treasurer, JANUARY, "1000.00")
        self.url = f"/api/v1/coops/{coop_with_buyin.slug}/distributions/{run.pk}/buyin-instalments/"
        return run

    def test_read_and_change(self, draft, api, treasurer):
        as_member(api, treasurer)
        assert api.get(self.url).json() == [
            {"member": self.ana.pk, "name": "Ana Pérez", "cash_share": "800.00",
             "instalment": "100.00", "paid": "700.00"}
        ]  # fmt: skip
        answer = api.post(self.url, {"member": self.ana.pk, "amount": "40.00"})
        assert answer.status_code == 200
        assert answer.json()[0]["paid"] == "760.00"

    def test_more_than_the_cash_share_is_refused_naming_the_rule(self, draft, api, treasurer):
        as_member(api, treasurer)
        answer = api.post(self.url, {"member": self.ana.pk, "amount": "800.01"})
        assert answer.status_code == 400
        body = answer.json()
        assert body["code"] == "instalment_above_cash_share"
        assert "never exceeds" in body["detail"] and "€800.00" in body["detail"]
        assert api.get(self.url).json()[0]["instalment"] == "100.00"  # nothing written

    def test_a_member_may_not_change_it(self, draft, api):
        answer = as_member(api, self.ana).post(self.url, {"member": self.ana.pk, "amount": "0"})
        assert answer.status_code == 403


def test_the_payslip_shows_the_instalment(
    coop_with_buyin, treasurer, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    ana = admit_ana(coop_with_buyin)
    run = run_month(coop_with_buyin, treasurer, JANUARY, "1000.00")
    shares.set_instalment(actor=treasurer, distribution=run, member=ana, amount=D("75.50"))
    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    payslip = DistributionDocument.objects.get(distribution=run, kind="payslip", member=ana)
    with payslip.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Buy-in instalment deducted (credited to your capital account)" in text
    assert "-€75.50" in text or "−€75.50" in text
    assert "€724.50" in text  # paid: 800.00 − 75.50
    assert "Your buy-in: paid so far, of €1,200.00" in text
    report = DistributionDocument.objects.get(distribution=run, kind="report")
    with report.file.open("rb") as handle:
        report_text = pdf_text(handle.read())
    assert "buy-in instalment" in report_text and "€75.50" in report_text
    lines = list(run.lines.all())
    assert {line.member_id: line.cash for line in documents.sepa_payments(lines)} == {
        ana.pk: D("724.50")
    }


class TestTheDistributionPage:
    @pytest.fixture
    def draft(self, coop_with_buyin, treasurer):
        self.ana = admit_ana(coop_with_buyin)
        return run_month(coop_with_buyin, treasurer, JANUARY, "1000.00")

    def test_the_treasurer_changes_an_instalment(self, draft, client, treasurer):
        signed_in(client, treasurer)
        url = reverse("money-distribution-buyin", args=[draft.cooperative.slug, draft.pk])
        page = client.get(reverse("money-distribution", args=[draft.cooperative.slug, draft.pk]))
        assert "Buy-in instalments" in page.content.decode()
        assert f'action="{url}"' in page.content.decode()
        answer = client.post(url, {"member": self.ana.pk, "amount": "60.00"}, follow=True)
        assert "is now €60.00" in answer.content.decode()
        assert draft.lines.get(kind="buyin").retained == D("60.00")
        refused = client.post(url, {"member": self.ana.pk, "amount": "900"}, follow=True)
        assert "never exceeds it" in refused.content.decode()
        assert draft.lines.get(kind="buyin").retained == D("60.00")

    def test_a_member_sees_their_own_and_may_not_change_it(self, draft, client):
        signed_in(client, self.ana)
        url = reverse("money-distribution-buyin", args=[draft.cooperative.slug, draft.pk])
        page = client.get(reverse("money-distribution", args=[draft.cooperative.slug, draft.pk]))
        assert "Buy-in instalments" in page.content.decode()
        assert f'action="{url}"' not in page.content.decode()
        assert client.post(url, {"member": self.ana.pk, "amount": "0"}).status_code == 403
