"""A CSV export with the closing balance the treasurer reads off the bank, given at upload: on
the page (as the page's language writes numbers), through preview and confirm, and in the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from banking.accounts import save_csv_mapping
from banking.models import BankStatement
from tests.api.contract import ContractClient
from tests.banking.factories_accounts import bank_account
from tests.banking.test_csv_mapping import SPARKASSE_HEADER, SPARKASSE_MAPPING, SPARKASSE_ROWS
from tests.factories import MemberFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def account(cooperative, treasurer):
    account = bank_account(
        cooperative, opening_balance=Decimal("20000.00"), opening_date=datetime.date(2026, 11, 1)
    )
    return save_csv_mapping(account=account, actor=treasurer, mapping=SPARKASSE_MAPPING)


def _file() -> SimpleUploadedFile:
    data = "\r\n".join([SPARKASSE_HEADER, *SPARKASSE_ROWS]).encode("cp1252")
    return SimpleUploadedFile("umsaetze.csv", data, content_type="text/csv")


def _upload(client, cooperative, account, closing: str):
    url = reverse("bank-statement-upload", kwargs={"coop_slug": cooperative.slug})
    fields = {"file": _file(), "format": "csv", "account": account.pk, "closing_balance": closing}
    return client.post(url, fields, HTTP_ACCEPT_LANGUAGE="de")


def test_the_page_takes_the_balance_as_german_writes_it(client, cooperative, treasurer, account):
    signed_in(client, treasurer)
    with translation.override("de"):
        preview = _upload(client, cooperative, account, "9.185,77")
        assert preview.status_code == 200, preview.context["preview"].problems
        confirm = reverse("bank-statement-confirm", kwargs={"coop_slug": cooperative.slug})
        done = client.post(confirm, {"kept": preview.context["token"]})
    assert done.status_code == 302
    statement = BankStatement.objects.get()
    assert statement.closing_balance == Decimal("9185.77")


def test_the_page_shows_a_balance_the_entries_miss(client, cooperative, treasurer, account):
    signed_in(client, treasurer)
    with translation.override("de"):
        preview = _upload(client, cooperative, account, "9.185,78")
    assert preview.status_code == 400
    assert not preview.context["token"]
    assert not BankStatement.objects.exists()


def test_the_api_names_the_field(cooperative, treasurer, account):
    api = ContractClient()
    api.force_authenticate(treasurer.user)
    url = f"/api/v1/coops/{cooperative.slug}/bank-statements/"
    fields = {"file": _file(), "format": "csv", "account": account.pk, "closing_balance": "9185.77"}
    assert api.post(url, fields, format="multipart").status_code == 201
    other = bank_account(cooperative, iban="AT611904300234573201")
    wrong = {"file": _file(), "format": "ofx", "account": other.pk, "closing_balance": "1.00"}
    answer = api.post(url, wrong, format="multipart")
    assert answer.status_code == 400
    assert "closing_balance" in answer.json()["errors"]
    bad = {"file": _file(), "format": "csv", "account": account.pk, "closing_balance": "lots"}
    answer = api.post(url, bad, format="multipart")
    assert answer.status_code == 400
    assert "closing_balance" in answer.json()["errors"]


def test_members_cannot_upload(client, cooperative, account):
    signed_in(client, MemberFactory(cooperative=cooperative))
    assert _upload(client, cooperative, account, "1,00").status_code == 403
