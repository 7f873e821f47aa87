"""A property of reconciliation: whatever the treasurer confirms, splits and undoes, in any
order, no transaction is matched twice and the matched amounts are the amounts paid."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from banking import matching, reconciling
from banking.models import BankMatch, BankTransaction, MatchStatus
from billing.models import Invoice, Payment
from coop.errors import DomainError
from payroll.documents import end_to_end_id
from payroll.models import Distribution, Revenue
from tests.banking.factories_match import approved_distribution, bank_account, bank_transaction
from tests.billing.payment_factories import issued_invoice
from tests.factories import ClientFactory, CooperativeFactory, MemberFactory, ProjectFactory

AMOUNTS = ["600.00", "400.00", "1000.00", "250.00"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("suggest")),
        st.tuples(st.just("confirm"), st.integers(0, 20)),
        st.tuples(st.just("undo"), st.integers(0, 20)),
        st.tuples(
            st.just("split"),
            st.integers(0, 7),
            st.lists(
                st.tuples(st.integers(0, 5), st.sampled_from(AMOUNTS)), min_size=1, max_size=3
            ),
        ),
    ),
    max_size=15,
)


class Rollback(Exception):
    pass


def _world():
    cooperative = CooperativeFactory()
    treasurer = MemberFactory(cooperative=cooperative, is_treasurer=True)
    client = ClientFactory(cooperative=cooperative)
    account = bank_account(cooperative)
    invoices = [
        issued_invoice(client, lines=[(ProjectFactory(client=client), Decimal(net))])
        for net in ("600.00", "400.00", "250.00")
    ]
    distribution = approved_distribution(
        cooperative, [("member", "Ana", "400.00"), ("commons", "Debian", "250.00")]
    )
    lines = list(distribution.lines.order_by("id"))
    transactions = [
        bank_transaction(
            account, "1000.00", remittance_information=f"{invoices[0].number} {invoices[1].number}"
        ),
        bank_transaction(account, "600.00", remittance_information=invoices[0].number),
        bank_transaction(account, "250.00"),
        bank_transaction(account, "400.00", remittance_information=invoices[1].number),
        bank_transaction(account, "-400.00", end_to_end_id=end_to_end_id(lines[0])),
        bank_transaction(account, "-250.00", end_to_end_id=end_to_end_id(lines[1])),
        bank_transaction(account, "-400.00", end_to_end_id=end_to_end_id(lines[0])),
        bank_transaction(account, "1000.00", bank_transaction_code="NINT"),
    ]
    targets = [*invoices, *lines, "interest"]
    return cooperative, treasurer, transactions, targets, distribution


def _check(distribution):
    for bank_tx in BankTransaction.objects.all():
        matched = bank_tx.matches.filter(status=MatchStatus.CONFIRMED).aggregate(
            total=Sum("amount")
        )["total"] or Decimal(0)
        assert matched <= abs(bank_tx.amount), "a transaction matched more than its amount"
    confirmed = BankMatch.objects.filter(status=MatchStatus.CONFIRMED)
    for invoice in Invoice.objects.all():
        paid = Payment.objects.filter(invoice=invoice).aggregate(total=Sum("amount"))["total"]
        matched = confirmed.filter(invoice=invoice).aggregate(total=Sum("amount"))["total"]
        assert (paid or 0) == (matched or 0), "the invoice's payments are not its matches"
        assert (paid or 0) <= invoice.gross_total
    for match in confirmed.filter(invoice__isnull=False):
        assert match.payment is not None and match.payment.amount == match.amount
    assert Payment.objects.count() == confirmed.filter(invoice__isnull=False).count()
    revenue = Revenue.objects.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    interest = confirmed.filter(kind="interest").aggregate(total=Sum("amount"))["total"] or 0
    payments = Payment.objects.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    assert revenue == payments + interest
    lines = distribution.lines.filter(cash__gt=0)
    for line in lines:
        matches = confirmed.filter(distribution_line=line)
        assert matches.count() <= 1
        assert all(m.amount == line.cash for m in matches)
    distribution.refresh_from_db()
    all_paid = all(confirmed.filter(distribution_line=line).exists() for line in lines)
    assert (distribution.status == Distribution.Status.PAID) == all_paid


def _run(step, cooperative, treasurer, transactions, targets):
    if step[0] == "suggest":
        matching.suggest(cooperative=cooperative)
    elif step[0] == "confirm":
        pending = list(BankMatch.objects.filter(status=MatchStatus.SUGGESTED).order_by("id"))
        if pending:
            reconciling.confirm_match(actor=treasurer, match=pending[step[1] % len(pending)])
    elif step[0] == "undo":
        done = list(BankMatch.objects.filter(status=MatchStatus.CONFIRMED).order_by("id"))
        if done:
            reconciling.undo_match(actor=treasurer, match=done[step[1] % len(done)])
    else:
        _name, index, parts = step
        reconciling.split(
            actor=treasurer,
            transaction=transactions[index],
            parts=[(targets[target], Decimal(amount)) for target, amount in parts],
        )


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_no_transaction_is_matched_twice_and_matches_are_payments(clock, steps):
    clock.set(datetime.date(2026, 11, 10))
    try:
        with transaction.atomic():
            cooperative, treasurer, transactions, targets, distribution = _world()
            for step in steps:
                try:
                    _run(step, cooperative, treasurer, transactions, targets)
                    event(f"{step[0]} done")
                except DomainError as refused:
                    event(f"{step[0]} refused: {refused.code}")
                _check(distribution)
            raise Rollback
    except Rollback:
        pass
