"""An import asks for suggestions once it commits: the treasurer finds them waiting."""

import datetime
from decimal import Decimal

import pytest

from banking import importing, tasks
from banking.models import BankMatch, BankTransaction
from billing.issuing import payment_reference
from tests.banking.factories_import import bank_account, entry, statement
from tests.billing.payment_factories import issued_invoice
from tests.factories import ClientFactory, MemberFactory, ProjectFactory


@pytest.fixture
def world(clock, cooperative):
    clock.set(datetime.date(2026, 11, 10))
    client = ClientFactory(cooperative=cooperative)
    invoice = issued_invoice(client, lines=[(ProjectFactory(client=client), Decimal("500.00"))])
    invoice.payment_reference = payment_reference(invoice.number)
    invoice.save()
    treasurer = MemberFactory(cooperative=cooperative, is_treasurer=True)
    return cooperative, treasurer, bank_account(cooperative), invoice


def _import(world, django_capture_on_commit_callbacks, *, execute: bool):
    cooperative, treasurer, account, invoice = world
    paid = entry(str(invoice.gross_total), creditor_reference=invoice.payment_reference)
    with django_capture_on_commit_callbacks(execute=execute) as callbacks:
        importing.import_parsed(
            actor=treasurer,
            cooperative=cooperative,
            statements=[statement([paid, entry("-3.50", n=1)])],
            file_sha256="a" * 64,
            account=account,
        )
    return callbacks


def test_the_suggestions_are_made_after_the_commit(world, django_capture_on_commit_callbacks):
    callbacks = _import(world, django_capture_on_commit_callbacks, execute=True)
    assert len(callbacks) == 1
    [match] = BankMatch.objects.filter(kind="invoice")
    assert match.invoice == world[3]
    assert match.status == "suggested"


def test_nothing_is_suggested_before_the_commit(world, django_capture_on_commit_callbacks):
    _import(world, django_capture_on_commit_callbacks, execute=False)
    assert not BankMatch.objects.exists()


def test_the_task_twice_makes_the_same_suggestions(world, django_capture_on_commit_callbacks):
    _import(world, django_capture_on_commit_callbacks, execute=True)
    first = list(BankMatch.objects.values_list("transaction", "kind", "invoice", "amount"))
    cooperative = world[0]
    statement_ids = list(BankTransaction.objects.values_list("statement", flat=True).distinct())
    tasks.suggest_matches(cooperative.pk, statement_ids)
    again = list(BankMatch.objects.values_list("transaction", "kind", "invoice", "amount"))
    assert sorted(again) == sorted(first)


def test_a_statement_of_another_coop_is_left_alone(world, django_capture_on_commit_callbacks):
    _import(world, django_capture_on_commit_callbacks, execute=False)
    statement_ids = list(BankTransaction.objects.values_list("statement", flat=True).distinct())
    other = MemberFactory().cooperative
    assert tasks.suggest_matches(other.pk, statement_ids) == 0
    assert tasks.suggest_matches(10**9, statement_ids) == 0
    assert not BankMatch.objects.exists()
