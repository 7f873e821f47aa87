"""The API of bank accounts: every member reads, the treasurer writes; each answer checked
against the committed contract (tests/api/contract.py)."""

import datetime

import pytest

from banking.models import BankAccount
from tests.api.contract import ContractClient
from tests.banking.factories_accounts import IBAN, bank_account, statement_with
from tests.banking.test_csv_mapping import SPARKASSE_MAPPING

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(clock):
    clock.set(datetime.date(2026, 11, 10))
    return ContractClient()


def at(cooperative, path: str = "") -> str:
    return f"/api/v1/coops/{cooperative.slug}/bank-accounts/{path}"


def signed_in(api, member):
    api.force_authenticate(member.user)
    return api


BODY = {
    "name": "GLS current",
    "iban": "de89 3704 0044 0532 0130 00",
    "bic": "GENODEM1GLS",
    "currency": "EUR",
    "opening_balance": "-12.50",
    "opening_date": "2026-01-01",
}


def test_the_treasurer_adds_an_account(api, cooperative, treasurer):
    response = signed_in(api, treasurer).post(at(cooperative), BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["iban"] == IBAN
    assert body["balance"] == "-12.50"
    assert body["statement_count"] == 0
    assert body["csv_mapping"] == {}


def test_every_member_reads_with_balances(api, cooperative, member, django_assert_max_num_queries):
    account = bank_account(cooperative)
    statement_with(account, "10.00", "-2.50")
    bank_account(cooperative, name="US", iban="", other_identifier="021000021/1", currency="USD")
    api = signed_in(api, member)
    with django_assert_max_num_queries(8):
        listed = api.get(at(cooperative)).json()["results"]
    assert [(a["name"], a["balance"]) for a in listed] == [
        ("Current account", "1007.50"),
        ("US", "1000.00"),
    ]
    one = api.get(at(cooperative, f"{account.pk}/")).json()
    assert one["statement_count"] == 1


def test_a_member_may_not_write(api, cooperative, member):
    account = bank_account(cooperative)
    api = signed_in(api, member)
    assert api.post(at(cooperative), BODY, format="json").status_code == 403
    response = api.patch(at(cooperative, f"{account.pk}/"), {"name": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert api.delete(at(cooperative, f"{account.pk}/")).status_code == 403


def test_an_outsider_gets_404(api, cooperative, outsider):
    account = bank_account(cooperative)
    api = signed_in(api, outsider)
    assert api.get(at(cooperative, f"{account.pk}/")).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"iban": "DE89370400440532013001"}, "iban", "check digits"),
        ({"bic": "GENO"}, "bic", "8 or 11"),
        (
            {"iban": "", "other_identifier": "021000022/123", "currency": "USD"},
            "other_identifier",
            "021000022",
        ),
        ({"iban": ""}, "iban", "IBAN"),
        ({"currency": "XYZ"}, "currency", "XYZ"),
        ({"opening_balance": "1.234"}, "opening_balance", ""),
        ({"colour": "red"}, "colour", "not known"),
        ({"csv_mapping": {"columns": {"amount": 2}}}, "csv_mapping", "columns.booking_date: "),
        (
            {"csv_mapping": {"delimiter": "|", "columns": {"booking_date": 1, "amount": 2}}},
            "csv_mapping",
            "delimiter: ",
        ),
    ],
)
def test_errors_name_the_field(api, cooperative, treasurer, changes, field, words):
    response = signed_in(api, treasurer).post(at(cooperative), {**BODY, **changes}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    assert words in " ".join(map(str, body["errors"][field]))
    assert not BankAccount.objects.exists()


def test_the_csv_mapping_is_saved(api, cooperative, treasurer):
    account = bank_account(cooperative)
    response = signed_in(api, treasurer).patch(
        at(cooperative, f"{account.pk}/"), {"csv_mapping": SPARKASSE_MAPPING}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["csv_mapping"] == SPARKASSE_MAPPING
    account.refresh_from_db()
    assert account.csv_mapping == SPARKASSE_MAPPING


def test_delete(api, cooperative, treasurer):
    account = bank_account(cooperative)
    assert signed_in(api, treasurer).delete(at(cooperative, f"{account.pk}/")).status_code == 204
    assert not BankAccount.objects.exists()


def test_an_account_with_statements_is_not_deleted(api, cooperative, treasurer):
    account = bank_account(cooperative)
    statement_with(account, "1.00")
    response = signed_in(api, treasurer).delete(at(cooperative, f"{account.pk}/"))
    assert response.status_code == 409
    assert response.json()["code"] == "account_has_statements"
    assert "stays on record" in response.json()["detail"]


def test_a_duplicate_iban_is_a_conflict(api, cooperative, treasurer):
    bank_account(cooperative)
    response = signed_in(api, treasurer).post(at(cooperative), BODY, format="json")
    assert response.status_code == 409
    assert "iban" in response.json()["errors"]
