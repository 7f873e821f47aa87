"""Two treasurers confirm the same suggestion at once on PostgreSQL: exactly one wins."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection

from banking import matching, reconciling
from banking.models import BankMatch, MatchStatus
from billing.models import Payment
from coop.errors import StateConflict
from payroll.models import Revenue
from tests.banking.factories_match import bank_account, bank_transaction
from tests.billing.payment_factories import issued_invoice
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
    barrier = threading.Barrier(2)
    won: list[int] = []
    lost: list[Exception] = []
    errors: list[Exception] = []

    def confirm(treasurer):
        try:
            barrier.wait()
            reconciling.confirm_match(actor=treasurer, match=suggestion)
            won.append(treasurer.pk)
        except StateConflict as conflict:
            lost.append(conflict)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(t,)) for t in treasurers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(won) == 1 and len(lost) == 1
    assert lost[0].code == "already_matched"
    assert BankMatch.objects.filter(status=MatchStatus.CONFIRMED).count() == 1
    assert Payment.objects.count() == 1
    assert Revenue.objects.count() == 1
