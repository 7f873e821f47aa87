"""The bank statements API: upload (preview or import), list, detail, transactions; the status
codes and messages of each refusal, checked against the committed contract."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banking import importing
from banking.models import BankStatement
from banking.parsing import registry
from tests.api.contract import ContractClient
from tests.banking import fake_parser
from tests.banking.factories_import import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fake_format(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(registry.MODULES, "mt940", "tests.banking.fake_parser")


@pytest.fixture
def world():
    return World()


def client_for(member) -> ContractClient:
    client = ContractClient()
    client.force_authenticate(member.user)
    return client


def url(world, rest="bank-statements/"):
    return f"/api/v1/coops/{world.cooperative.slug}/{rest}"


def upload(data=None, name="nov.sta", **extra):
    return {"file": SimpleUploadedFile(name, data or fake_parser.sample()), **extra}


def test_the_treasurer_imports_and_members_read(world):
    answer = client_for(world.treasurer).post(url(world), upload(), format="multipart")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["added"], body["skipped"]) == (1, 0)
    [statement] = body["statements"]
    assert statement["statement_id"] == "S1" and statement["closing_balance"] == "1050.00"
    reader = client_for(world.member)
    listed = reader.get(url(world)).json()
    assert [s["id"] for s in listed["results"]] == [statement["id"]]
    detail = reader.get(url(world, f"bank-statements/{statement['id']}/")).json()
    assert detail["account_name"] == "Giro"
    transactions = reader.get(
        url(world, "bank-transactions/"),
        {"account": world.account.pk, "booking_date_after": "2026-11-01",
         "booking_date_before": "2026-11-30"},
    ).json()  # fmt: skip
    assert [t["amount"] for t in transactions["results"]] == ["50.00"]
    empty = reader.get(url(world, "bank-transactions/"), {"booking_date_after": "2026-12-01"})
    assert empty.json()["count"] == 0


def test_a_preview_writes_nothing(world):
    answer = client_for(world.treasurer).post(
        url(world) + "?preview=true", upload(), format="multipart"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True and body["added"] == 1
    assert body["statements"][0]["first_entries"][0]["amount"] == "50.00"
    assert not BankStatement.objects.exists()


def test_a_member_may_not_upload(world):
    answer = client_for(world.member).post(url(world), upload(), format="multipart")
    assert answer.status_code == 403


def test_a_broken_file_is_400_naming_the_line(world):
    answer = client_for(world.treasurer).post(
        url(world), upload(fake_parser.sample() + b"BROKEN\n"), format="multipart"
    )
    assert answer.status_code == 400
    body = answer.json()
    assert "line 3" in body["detail"] and body["code"] == "unreadable_file"
    assert "line 3" in body["errors"]["file"][0]


def test_a_gap_is_400_with_the_figures(world):
    answer = client_for(world.treasurer).post(
        url(world), upload(fake_parser.sample(opening="990.00")), format="multipart"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "balance_gap"
    assert "€10.00" in answer.json()["detail"]


def test_another_iban_and_another_currency_are_400(world):
    treasurer = client_for(world.treasurer)
    other = treasurer.post(
        url(world), upload(fake_parser.sample(iban="AT611904300234573201")), format="multipart"
    )
    assert other.status_code == 400 and "AT611904300234573201" in other.json()["detail"]
    dollars = treasurer.post(
        url(world), upload(fake_parser.sample(currency="USD")), format="multipart"
    )
    assert dollars.status_code == 400 and dollars.json()["code"] == "currency_mismatch"


def test_the_same_file_twice_is_409(world):
    treasurer = client_for(world.treasurer)
    assert treasurer.post(url(world), upload(), format="multipart").status_code == 201
    again = treasurer.post(url(world), upload(), format="multipart")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_statement"


def test_a_file_over_the_limit_is_413(world, monkeypatch):
    monkeypatch.setattr(importing, "MAX_IMPORT_BYTES", 10)
    answer = client_for(world.treasurer).post(url(world), upload(), format="multipart")
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"


def test_an_account_of_another_coop_is_400(world):
    stranger = World("stranger")
    answer = client_for(world.treasurer).post(
        url(world), upload(account=stranger.account.pk), format="multipart"
    )
    assert answer.status_code == 400
    assert "account" in answer.json()["errors"]


def test_outsiders_get_404(world):
    stranger = World("stranger")
    answer = client_for(stranger.treasurer).get(url(world))
    assert answer.status_code == 404


def test_the_transactions_list_costs_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    client_for(world.treasurer).post(
        url(world),
        upload(fake_parser.sample(entries=[("2026-11-02", "1.00", f"R{n}") for n in range(30)])),
        format="multipart",
    )
    reader = client_for(world.member)
    with django_assert_max_num_queries(8):
        assert reader.get(url(world, "bank-transactions/")).json()["count"] == 30


@pytest.mark.parametrize("query", ["account=1e30", "statement=-2.5e50", "account=1.5", "account=x"])
def test_a_filter_that_is_not_an_id_is_400(world, query):
    answer = client_for(world.member).get(url(world, "bank-transactions/") + "?" + query)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"


def test_a_preview_of_a_refused_file_lists_its_problems(world):
    treasurer = client_for(world.treasurer)
    other = upload(fake_parser.sample(iban="AT611904300234573201"))
    answer = treasurer.post(url(world) + "?preview=true", other, format="multipart")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is False
    assert body["statements"][0]["account"] is None
    assert "AT611904300234573201" in body["statements"][0]["problems"][0]
    unreadable = treasurer.post(
        url(world) + "?preview=true", upload(b"nothing"), format="multipart"
    )
    assert unreadable.json()["problems"] and unreadable.json()["statements"] == []
