"""The files of an approved distribution (payslips, report, CSV, SEPA) and the payroll tasks."""

import csv
import datetime
import hashlib
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from payroll import distributing, documents, tasks
from payroll.models import Distribution, DistributionDocument
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db

IBANS = ["DE89370400440532013000", "FR1420041010050500013M02606", "ES9121000418450200051332"]
PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def banked(cooperative, books):
    cooperative.legal_name = "Rosario Software Coop"
    cooperative.iban = "DE02 1203 0000 0000 2020 51"
    cooperative.bic = "byladem1001"
    cooperative.save()
    for member, iban in zip(books, IBANS, strict=True):
        member.iban = iban
        member.legal_name = f"Zoë Łukasiewicz-{member.pk}"
        member.save()
    return books


def _approve(treasurer, cooperative, django_capture_on_commit_callbacks):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        distributing.approve_distribution(actor=treasurer, distribution=run)
    return Distribution.objects.get(pk=run.pk)


def _text(document: DistributionDocument) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_approval_makes_every_file_once_and_mails_each_member_once(
    cooperative, treasurer, banked, django_capture_on_commit_callbacks
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    kinds = sorted(run.documents.values_list("kind", flat=True))
    assert kinds == ["csv", "payslip", "payslip", "payslip", "report", "sepa"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in banked)
    # The Message-ID names the payslip: a resend after a kill is the same message.
    payslips = {d.member_id: d.pk for d in run.documents.filter(kind="payslip")}
    by_email = {m.user.email: payslips[m.pk] for m in banked}
    for message in mail.outbox:
        assert (
            message.extra_headers["Message-ID"] == f"<payslip-{by_email[message.to[0]]}@127.0.0.1>"
        )
    # Redelivered messages (acks_late) and a second worker change nothing and mail no one again.
    assert tasks.generate_documents(run.pk) == {"payslips": 0, "files": 0}
    assert tasks.generate_payslip(run.pk, banked[1].pk) is False
    assert run.documents.count() == 6 and len(mail.outbox) == 3
    for document in run.documents.all():
        with document.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == document.sha256


def test_the_payslip_explains_the_share(
    cooperative, treasurer, banked, django_capture_on_commit_callbacks
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    second = banked[1]
    text = _text(run.documents.get(kind="payslip", member=second))
    assert f"Zoë Łukasiewicz-{second.pk}" in text  # non-Latin-1 letters survive
    assert "Payslip — September 2026" in text
    assert "80:00" in text  # 4,800 minutes
    for figure in ("€2,100.00", "€1,680.00", "€420.00", "€10,500.00"):
        assert figure in text
    assert "FR14 … 2606" in text and IBANS[1] not in text  # the IBAN is masked
    # Year to date: September is the only approved month of 2026 so far.
    assert "Year to date (2026, approved months)" in text
    assert text.count("€2,100.00") == 2 and text.count("€420.00") >= 3


def test_the_report_adds_up(cooperative, treasurer, banked, django_capture_on_commit_callbacks):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    text = _text(run.documents.get(kind="report"))
    assert "Distribution report — September 2026" in text
    assert "Free Software Foundation Europe" in text and "€1,575.00" in text
    assert "add up to €10,500.00, equal to the surplus" in text
    # The commons recipients have no IBAN: the report says they are paid by hand.
    assert "to be paid by hand: Free Software Foundation Europe, Django Software" in text


def test_the_payments_csv(cooperative, treasurer, banked, django_capture_on_commit_callbacks):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    with run.documents.get(kind="csv").file.open("rb") as handle:
        raw = handle.read()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, for spreadsheets
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == documents.CSV_HEADER
    assert sum(Decimal(row["share"]) for row in rows) == run.surplus
    mine = next(row for row in rows if row["member_id"] == str(banked[0].pk))
    assert (mine["iban"], mine["cash"], mine["retained"]) == (IBANS[0], "3360.00", "840.00")
    assert mine["reference"] == f"{cooperative.name} 2026-09 member share"


def test_the_sepa_file_pays_the_cash_to_known_ibans(
    cooperative, treasurer, banked, django_capture_on_commit_callbacks
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    with run.documents.get(kind="sepa").file.open("rb") as handle:
        root = ET.fromstring(handle.read())  # noqa: S314 (a file we generated)
    header = root.find(f"{PAIN}CstmrCdtTrfInitn/{PAIN}GrpHdr")
    assert header.findtext(f"{PAIN}NbOfTxs") == "3"  # members only: commons have no IBAN
    assert header.findtext(f"{PAIN}CtrlSum") == "5880.00"  # 3,360 + 1,680 + 840
    debtor = root.find(f".//{PAIN}DbtrAcct/{PAIN}Id/{PAIN}IBAN")
    assert debtor.text == "DE02120300000000202051"
    assert root.find(f".//{PAIN}DbtrAgt//{PAIN}BIC").text == "BYLADEM1001"
    creditors = [e.text for e in root.iter(f"{PAIN}IBAN")][1:]
    assert sorted(creditors) == sorted(IBANS)
    amounts = sorted(Decimal(e.text) for e in root.iter(f"{PAIN}InstdAmt"))
    assert amounts == [Decimal("840.00"), Decimal("1680.00"), Decimal("3360.00")]


def test_no_sepa_file_without_the_coops_account(
    api,
    cooperative,
    treasurer,
    books,
    django_capture_on_commit_callbacks,
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    assert "sepa" not in run.documents.values_list("kind", flat=True)
    assert run.documents.count() == 5  # three payslips, report, CSV
    api.force_authenticate(treasurer.user)
    response = api.get(f"/api/v1/coops/{cooperative.slug}/distributions/{run.pk}/sepa/")
    assert response.status_code == 409
    assert "IBAN" in response.json()["detail"]


def test_the_sweep_remakes_what_is_missing(
    cooperative, treasurer, banked, django_capture_on_commit_callbacks
):
    run = _approve(treasurer, cooperative, django_capture_on_commit_callbacks)
    assert tasks.sweep_documents() == 0
    run.documents.filter(kind="payslip", member=banked[2]).delete()
    run.documents.filter(kind="report").delete()
    mail.outbox.clear()
    assert tasks.sweep_documents() == 1
    assert run.documents.count() == 6
    assert [m.to for m in mail.outbox] == [[banked[2].user.email]]


def test_drafts_are_not_documented(cooperative, treasurer, books):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    assert tasks.generate_documents(run.pk) == {"payslips": 0, "files": 0}
    assert tasks.generate_payslip(run.pk, treasurer.pk) is False
    assert not run.documents.exists()


class TestMonthlyDrafts:
    @pytest.fixture
    def october(self, monkeypatch):
        """Pretend it is 2 October 2026 in every co-op."""
        monkeypatch.setattr(tasks, "today_in", lambda cooperative: datetime.date(2026, 10, 2))

    def test_drafts_last_month_once_and_tells_the_treasurers(
        self,
        cooperative,
        treasurer,
        books,
        october,
    ):
        assert tasks.create_monthly_drafts() == {"drafted": 1, "skipped": 0}
        run = Distribution.objects.get(cooperative=cooperative)
        assert (run.month, run.status, run.surplus) == (
            SEPTEMBER, "draft", Decimal("10500.00")
        )  # fmt: skip
        assert [m.to for m in mail.outbox] == [[treasurer.user.email]]
        assert "draft distribution of September 2026" in mail.outbox[0].subject
        assert tasks.create_monthly_drafts() == {"drafted": 0, "skipped": 0}
        assert len(mail.outbox) == 1

    def test_each_treasurer_is_told_in_their_language(self, cooperative, treasurer, books, october):
        treasurer.language = "de"
        treasurer.save(update_fields=["language"])
        tasks.create_monthly_drafts()
        (message,) = mail.outbox
        assert "Der Entwurf der Ausschüttung für September 2026 ist fertig" in message.subject
        assert "10.500,00" in message.body and "September 2026" in message.body
        assert "draft" not in message.body

    def test_a_voided_month_is_not_drafted_again(
        self,
        cooperative,
        treasurer,
        books,
        october,
    ):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        distributing.void_draft(actor=treasurer, distribution=run)
        assert tasks.create_monthly_drafts() == {"drafted": 0, "skipped": 0}

    def test_a_quiet_month_or_a_coop_without_policy_gets_no_draft(
        self, cooperative, treasurer, october
    ):
        assert tasks.create_monthly_drafts() == {"drafted": 0, "skipped": 0}
        assert not Distribution.objects.exists()
