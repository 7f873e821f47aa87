"""The Django admin of bank accounts: through the services (checks, audit), statements read-only."""

import pytest
from django.urls import reverse

from banking.models import BankAccount, BankStatement
from coop.models import AuditEvent
from tests.banking.factories_accounts import IBAN, bank_account, statement_with

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff(client, treasurer):
    treasurer.user.is_staff = treasurer.user.is_superuser = True
    treasurer.user.save()
    client.force_login(treasurer.user)
    return client


FORM = {
    "name": "Savings",
    "iban": "DE89 3704 0044 0532 0130 00",
    "bic": "",
    "other_identifier": "",
    "currency": "EUR",
    "opening_balance": "10.00",
    "opening_date": "2026-01-01",
    "csv_mapping": "{}",
}


def test_every_page_loads(staff, cooperative):
    account = bank_account(cooperative)
    statement = statement_with(account, "1.00")
    for page in (
        url(BankAccount, "changelist"),
        url(BankAccount, "add"),
        url(BankAccount, "change", account.pk),
        url(BankStatement, "changelist"),
        url(BankStatement, "change", statement.pk),
    ):
        assert staff.get(page).status_code == 200, page


def test_adding_goes_through_the_service(staff, cooperative):
    response = staff.post(url(BankAccount, "add"), {**FORM, "cooperative": cooperative.pk})
    assert response.status_code == 302
    assert BankAccount.objects.get().iban == IBAN
    assert AuditEvent.objects.filter(verb="bank_account.created").count() == 1


def test_a_refusal_is_shown_on_its_field(staff, cooperative):
    response = staff.post(
        url(BankAccount, "add"),
        {**FORM, "cooperative": cooperative.pk, "iban": "DE89370400440532013001"},
    )
    assert response.status_code == 200
    assert "check digits" in str(response.context["adminform"].form.errors["iban"])
    assert not BankAccount.objects.exists()


def test_an_account_with_statements_cannot_be_deleted(staff, cooperative):
    account = bank_account(cooperative)
    statement_with(account, "1.00")
    assert staff.get(url(BankAccount, "delete", account.pk)).status_code == 403
