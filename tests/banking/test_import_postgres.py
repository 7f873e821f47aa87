"""Two imports of overlapping files of the same account at once, on PostgreSQL: the account's
row lock makes the second wait for the first and skip what it added, so that each transaction
is added once and the balances stay continuous."""

import functools

import pytest

from banking.importing import import_parsed
from banking.models import BankStatement, BankTransaction
from tests.banking.factories_import import World, entry, statement
from tests.concurrency import at_once

THREADS = 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_imports_add_each_transaction_once():
    world = World()
    shared = [entry("10.00", day=2, n=n) for n in range(50)]
    files = [
        statement([*shared, entry("5.00", day=3, n=100)], statement_id="A", last_day=3),
        statement([*shared, entry("5.00", day=3, n=100)], statement_id="B", last_day=3),
    ]

    def run(number):
        return import_parsed(
            actor=world.treasurer,
            cooperative=world.cooperative,
            statements=[files[number]],
            file_sha256=f"{number:064d}",
        )

    outcomes = at_once(*(functools.partial(run, number) for number in range(THREADS)))
    results = [outcome.value for outcome in outcomes]
    assert sorted((r.added, r.skipped) for r in results) == [(0, 51), (51, 0)]
    assert BankTransaction.objects.count() == 51
    assert BankStatement.objects.count() == 2
