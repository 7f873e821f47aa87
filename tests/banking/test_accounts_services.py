"""Bank accounts: add, change, remove, and every refusal naming its field (banking.accounts)."""

import datetime
from decimal import Decimal

import pytest

from banking.accounts import (
    aba_routing_number_is_valid,
    create_account,
    delete_account,
    save_csv_mapping,
    update_account,
)
from banking.models import BankAccount
from banking.selectors import accounts_with_balances
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import AuditEvent
from tests.banking.factories_accounts import BIC, IBAN, bank_account, statement_with
from tests.banking.test_csv_mapping import US_MAPPING

pytestmark = pytest.mark.django_db
JAN = datetime.date(2026, 1, 1)


def _create(cooperative, actor, **kwargs):
    kwargs.setdefault("name", "Current account")
    kwargs.setdefault("currency", "EUR")
    kwargs.setdefault("opening_balance", "1500.25")
    kwargs.setdefault("opening_date", JAN)
    return create_account(cooperative=cooperative, actor=actor, **kwargs)


def test_an_account_with_an_iban_is_stored_compact(cooperative, treasurer):
    account = _create(cooperative, treasurer, iban="de89 3704 0044 0532 0130 00", bic="cobadeff")
    account.refresh_from_db()
    assert account.iban == IBAN
    assert account.bic == "COBADEFF"
    assert account.opening_balance == Decimal("1500.25")
    event = AuditEvent.objects.get(verb="bank_account.created")
    assert event.object_id == str(account.pk)
    assert event.data["iban"] == IBAN


def test_an_account_without_an_iban(cooperative, treasurer):
    us = _create(cooperative, treasurer, currency="USD", other_identifier="021000021/1234567890")
    canadian = _create(
        cooperative, treasurer, name="CA", currency="CAD", other_identifier="000300012/9876543"
    )
    assert (us.iban, us.other_identifier) == ("", "021000021/1234567890")
    assert canadian.other_identifier == "000300012/9876543"


def test_aba_check_digit():
    assert aba_routing_number_is_valid("021000021")
    assert aba_routing_number_is_valid("011000015")
    assert not aba_routing_number_is_valid("021000022")
    assert not aba_routing_number_is_valid("02100002")


def _refusal(callable_, **kwargs) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        callable_(**kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"iban": "DE89370400440532013001"}, "iban", "check digits"),
        ({"iban": "XX89370400440532013000"}, "iban", "XX"),
        ({"iban": "DE8937040044053201300"}, "iban", "22"),
        ({"iban": IBAN, "bic": "COBADE"}, "bic", "8 or 11"),
        ({"iban": IBAN, "bic": "COBAXXFF"}, "bic", "XX"),
        ({"other_identifier": "021000022/123", "currency": "USD"}, "other_identifier", "021000022"),
        ({}, "iban", "IBAN"),
        ({"bic": BIC, "other_identifier": "123"}, "bic", "IBAN"),
        ({"iban": IBAN, "currency": "XYZ"}, "currency", "XYZ"),
        ({"iban": IBAN, "currency": "KWD"}, "currency", "decimals"),
        ({"iban": IBAN, "opening_balance": "1.234"}, "opening_balance", "two decimals"),
        ({"iban": IBAN, "opening_balance": "lots"}, "opening_balance", "number"),
        ({"iban": IBAN, "opening_balance": "1e20"}, "opening_balance", "at most"),
        ({"iban": IBAN, "opening_date": "2026-01-01"}, "opening_date", "2026"),
        ({"iban": IBAN, "name": "  "}, "name", "name"),
        ({"iban": IBAN, "csv_mapping": {"columns": {"amount": 2}}}, "csv_mapping", "booking_date"),
    ],
)
def test_refusals_name_the_field(cooperative, treasurer, kwargs, field, words):
    error = _refusal(_create, cooperative=cooperative, actor=treasurer, **kwargs)
    assert error.field == field
    assert words in error.message
    assert not BankAccount.objects.exists()


def test_identifiers_are_unique_per_coop(cooperative, treasurer):
    bank_account(cooperative)
    with pytest.raises(StateConflict) as caught:
        _create(cooperative, treasurer, iban=IBAN.lower())
    assert caught.value.field == "iban"


def test_only_the_treasurer_writes(cooperative, member, admin_member):
    for actor in (member, admin_member):
        with pytest.raises(NotAllowed):
            _create(cooperative, actor, iban=IBAN)
    account = bank_account(cooperative)
    with pytest.raises(NotAllowed):
        update_account(account=account, actor=member, name="Mine")
    with pytest.raises(NotAllowed):
        delete_account(account=account, actor=member)


def test_update_records_what_changed(cooperative, treasurer):
    account = bank_account(cooperative)
    update_account(account=account, actor=treasurer, name="Savings", opening_balance="0")
    account.refresh_from_db()
    assert (account.name, account.opening_balance) == ("Savings", Decimal("0.00"))
    event = AuditEvent.objects.get(verb="bank_account.updated")
    assert event.data["changed"]["name"] == ["Current account", "Savings"]
    update_account(account=account, actor=treasurer, name="Savings")
    assert AuditEvent.objects.filter(verb="bank_account.updated").count() == 1


def test_update_refuses_unknown_fields_and_bad_values(cooperative, treasurer):
    account = bank_account(cooperative)
    assert _refusal(update_account, account=account, actor=treasurer, colour="red").field == (
        "colour"
    )
    error = _refusal(update_account, account=account, actor=treasurer, iban="DE00")
    assert error.field == "iban"


def test_the_currency_of_an_account_with_statements_stays(cooperative, treasurer):
    account = bank_account(cooperative)
    update_account(account=account, actor=treasurer, currency="USD")
    statement_with(account, "10.00")
    with pytest.raises(StateConflict) as caught:
        update_account(account=account, actor=treasurer, currency="EUR")
    assert caught.value.field == "currency"


def test_delete(cooperative, treasurer):
    account = bank_account(cooperative)
    delete_account(account=account, actor=treasurer)
    assert not BankAccount.objects.exists()
    assert AuditEvent.objects.get(verb="bank_account.deleted").data["iban"] == IBAN


def test_an_account_with_statements_is_not_deleted(cooperative, treasurer):
    account = bank_account(cooperative)
    statement_with(account, "10.00")
    with pytest.raises(StateConflict) as caught:
        delete_account(account=account, actor=treasurer)
    assert caught.value.status == 409
    assert "1 imported statements" in caught.value.message
    assert BankAccount.objects.filter(pk=account.pk).exists()


def test_the_csv_mapping_is_saved_and_checked(cooperative, treasurer):
    account = bank_account(cooperative)
    save_csv_mapping(account=account, actor=treasurer, mapping=US_MAPPING)
    account.refresh_from_db()
    assert account.csv_mapping == US_MAPPING
    error = _refusal(save_csv_mapping, account=account, actor=treasurer, mapping={"delimiter": "|"})
    assert error.field == "csv_mapping"
    assert any(problem.startswith("delimiter: ") for problem in error.errors["csv_mapping"])


def test_balances(cooperative, django_assert_max_num_queries):
    account = bank_account(cooperative, opening_balance=Decimal("100.00"))
    statement_with(account, "50.25", "-20.00")
    statement_with(account, "-0.25")
    bank_account(cooperative, name="Empty", iban="", other_identifier="X1")
    with django_assert_max_num_queries(1):
        balances = {a.name: a.balance for a in accounts_with_balances(cooperative)}
    assert balances == {"Current account": Decimal("130.00"), "Empty": Decimal("1000.00")}


def test_a_mapping_problem_is_in_the_readers_language(cooperative, treasurer):
    from django.utils import translation

    account = bank_account(cooperative)
    with translation.override("de"):
        error = _refusal(
            save_csv_mapping, account=account, actor=treasurer, mapping={"columns": {"amount": 2}}
        )
    assert error.errors["csv_mapping"] == [
        "columns.booking_date: die Spalte des Buchungstags wird benötigt."
    ]
