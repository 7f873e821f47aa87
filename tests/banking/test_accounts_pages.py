"""The bank account pages: every member reads the accounts and their CSV columns; the
treasurer adds, changes and removes them (403 for others, 404 outside the co-op)."""

import datetime
from decimal import Decimal

import pytest

from banking.models import BankAccount
from tests.banking.factories_accounts import IBAN, bank_account, statement_with
from tests.web import flashes, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(clock):
    clock.set(datetime.date(2026, 11, 10))


def bank(cooperative, path=""):
    return f"/c/{cooperative.slug}/bank/{path}"


NEW = {
    "name": "GLS current",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "",
    "other_identifier": "",
    "currency": "EUR",
    "opening_balance": "1,234.50",
    "opening_date": "2026-01-01",
}


def test_a_member_reads_the_list_with_balances(client, cooperative, member):
    account = bank_account(cooperative, opening_balance=Decimal("100.00"))
    statement_with(account, "50.00", "-20.25")
    signed_in(client, member)
    page = client.get(bank(cooperative, "accounts/")).content.decode()
    assert IBAN in page
    assert "€129.75" in page
    assert "data-confirm=" not in page
    assert f'href="/c/{cooperative.slug}/bank/accounts/"' in page  # the main navigation
    assert client.get(bank(cooperative, "accounts/new/")).status_code == 403
    assert client.get(bank(cooperative, f"accounts/{account.pk}/")).status_code == 403
    assert client.post(bank(cooperative, f"accounts/{account.pk}/delete/")).status_code == 403
    assert client.get(bank(cooperative, f"accounts/{account.pk}/csv/")).status_code == 200
    assert client.post(bank(cooperative, f"accounts/{account.pk}/csv/"), {}).status_code == 403


def test_an_outsider_gets_404(client, cooperative, outsider):
    account = bank_account(cooperative)
    signed_in(client, outsider)
    assert client.get(bank(cooperative, "accounts/")).status_code == 404
    other = f"/c/{outsider.cooperative.slug}/bank/accounts/{account.pk}/csv/"
    assert client.get(other).status_code == 404


def test_the_treasurer_adds_an_account(client, cooperative, treasurer):
    signed_in(client, treasurer)
    assert client.get(bank(cooperative, "accounts/new/")).status_code == 200
    response = client.post(bank(cooperative, "accounts/new/"), NEW)
    assert response.status_code == 302
    account = BankAccount.objects.get()
    assert (account.iban, account.opening_balance) == (IBAN, Decimal("1234.50"))
    assert "GLS current" in " ".join(flashes(client.get(response.url)))


def test_a_refusal_is_shown_next_to_its_field(client, cooperative, treasurer):
    signed_in(client, treasurer)
    response = client.post(
        bank(cooperative, "accounts/new/"), {**NEW, "iban": "DE89370400440532013001"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "check digits" in form.errors["iban"][0]
    assert not BankAccount.objects.exists()


def test_the_treasurer_changes_and_removes_an_account(client, cooperative, treasurer):
    account = bank_account(cooperative)
    signed_in(client, treasurer)
    page = client.get(bank(cooperative, f"accounts/{account.pk}/")).content.decode()
    assert IBAN in page
    response = client.post(bank(cooperative, f"accounts/{account.pk}/"), {**NEW, "name": "Renamed"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "Renamed"
    client.post(bank(cooperative, f"accounts/{account.pk}/delete/"))
    assert not BankAccount.objects.exists()


def test_an_account_with_statements_is_not_removed(client, cooperative, treasurer):
    account = bank_account(cooperative)
    statement_with(account, "1.00")
    signed_in(client, treasurer)
    response = client.post(bank(cooperative, f"accounts/{account.pk}/delete/"))
    assert response.status_code == 302
    assert "stays on record" in " ".join(flashes(client.get(response.url)))
    assert BankAccount.objects.filter(pk=account.pk).exists()


CSV_FORM = {
    "encoding": "cp1252",
    "delimiter": ";",
    "skip_rows": "0",
    "header": "on",
    "date_style": "day-first",
    "date_pattern": "",
    "decimal_separator": ",",
    "thousands_separator": ".",
    "debit_marks": "",
    "credit_marks": "",
    "column_booking_date": "Buchungstag",
    "column_amount": "Betrag",
    "column_remittance": "Verwendungszweck\n5",
}


def test_the_treasurer_saves_the_csv_columns(client, cooperative, treasurer):
    account = bank_account(cooperative)
    signed_in(client, treasurer)
    url = bank(cooperative, f"accounts/{account.pk}/csv/")
    assert client.post(url, CSV_FORM).status_code == 302
    account.refresh_from_db()
    assert account.csv_mapping["columns"] == {
        "booking_date": "Buchungstag",
        "amount": "Betrag",
        "remittance": ["Verwendungszweck", 5],
    }
    assert account.csv_mapping["thousands_separator"] == "."
    page = client.get(url).content.decode()
    assert "Buchungstag" in page


def test_a_bad_mapping_is_shown_on_its_field(client, cooperative, treasurer):
    account = bank_account(cooperative)
    signed_in(client, treasurer)
    url = bank(cooperative, f"accounts/{account.pk}/csv/")
    response = client.post(url, {**CSV_FORM, "column_amount": "", "date_style": "other"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["column_amount"][0].startswith("columns.amount: ")
    assert errors["date_pattern"][0].startswith("date_format: ")
    account.refresh_from_db()
    assert account.csv_mapping == {}
