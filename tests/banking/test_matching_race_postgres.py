"""Two treasurers confirm the same suggestion at once on PostgreSQL: exactly one wins."""

import datetime
import functools
from decimal import Decimal

import pytest

from banking import matching, reconciling
from banking.models import BankMatch, MatchStatus
from billing.models import Payment
from coop.errors import StateConflict
from payroll.models import Revenue
from tests.banking.factories_match import bank_account, bank_transaction
from tests.billing.payment_factories import issued_invoice
from tests.concurrency import at_once
from tests.factories import ClientFactory, CooperativeFactory, MemberFactory, ProjectFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_treasurers_confirm_the_same_suggestion(clock):
    clock.set(datetime.date(2026, 11, 10))
    cooperative = CooperativeFactory()
    treasurers = MemberFactory.create_batch(2, cooperative=cooperative, is_treasurer=True)
    client = ClientFactory(cooperative=cooperative)
    invoice = issued_invoice(client, lines=[(ProjectFactory(client=client), Decimal("500.00"))])
    bank_tx = bank_transaction(
        bank_account(cooperative), "500.00", remittance_information=invoice.number
    )
    matching.suggest(cooperative=cooperative)
    suggestion = BankMatch.objects.get(transaction=bank_tx)
    confirms = [
        functools.partial(reconciling.confirm_match, actor=treasurer, match=suggestion)
        for treasurer in treasurers
    ]
    outcomes = at_once(*confirms, expected=StateConflict)
    assert sorted(outcome.code for outcome in outcomes) == ["already_matched", "ok"]
    assert BankMatch.objects.filter(status=MatchStatus.CONFIRMED).count() == 1
    assert Payment.objects.count() == 1
    assert Revenue.objects.count() == 1
