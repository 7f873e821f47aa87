"""The Django admin of bank matches: listed and filtered, read-only (they change only through
reconciling, which records what each confirm and undo did)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from banking import matching, reconciling
from banking.models import BankMatch
from tests.banking.factories_match import bank_account, bank_transaction
from tests.billing.payment_factories import issued_invoice
from tests.factories import ClientFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def url(view, *args):
    return reverse(f"admin:banking_bankmatch_{view}", args=args)


@pytest.fixture
def staff(client, treasurer):
    treasurer.user.is_staff = treasurer.user.is_superuser = True
    treasurer.user.save()
    client.force_login(treasurer.user)
    return client


@pytest.fixture
def confirmed(clock, cooperative, treasurer):
    clock.set(datetime.date(2026, 11, 10))
    buyer = ClientFactory(cooperative=cooperative)
    invoice = issued_invoice(buyer, lines=[(ProjectFactory(client=buyer), Decimal("80.00"))])
    bank_tx = bank_transaction(
        bank_account(cooperative), "80.00", remittance_information=invoice.number,
        counterparty_name="Acme GmbH",
    )  # fmt: skip
    matching.suggest(cooperative=cooperative)
    match = BankMatch.objects.get(transaction=bank_tx)
    return reconciling.confirm_match(actor=treasurer, match=match)


def test_the_list_filters_and_reads(staff, cooperative, confirmed):
    listed = staff.get(url("changelist"))
    assert listed.status_code == 200
    assert "Acme GmbH" in listed.content.decode()
    filtered = staff.get(url("changelist"), {"status": "suggested"})
    assert filtered.status_code == 200
    assert "Acme GmbH" not in filtered.content.decode()
    by_coop = staff.get(url("changelist"), {"transaction__account__cooperative__id__exact":
                                            cooperative.pk})  # fmt: skip
    assert "Acme GmbH" in by_coop.content.decode()
    shown = staff.get(url("change", confirmed.pk))
    assert shown.status_code == 200
    assert 'name="amount"' not in shown.content.decode()  # nothing to edit


def test_nothing_is_added_changed_or_deleted(staff, confirmed):
    assert staff.get(url("add")).status_code == 403
    assert staff.post(url("change", confirmed.pk), {"amount": "1.00"}).status_code == 403
    assert staff.post(url("delete", confirmed.pk), {"post": "yes"}).status_code == 403
    confirmed.refresh_from_db()
    assert (confirmed.amount, confirmed.status) == (Decimal("80.00"), "confirmed")
