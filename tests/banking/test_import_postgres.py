"""Two imports of overlapping files of the same account at once, on PostgreSQL: the account's
row lock makes the second wait for the first and skip what it added, so that each transaction
is added once and the balances stay continuous."""

import threading

import pytest
from django.db import connection

from banking.importing import import_parsed
from banking.models import BankStatement, BankTransaction
from tests.banking.factories_import import World, entry, statement

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
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def run(number):
        try:
            barrier.wait()
            results.append(
                import_parsed(
                    actor=world.treasurer,
                    cooperative=world.cooperative,
                    statements=[files[number]],
                    file_sha256=f"{number:064d}",
                )
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted((r.added, r.skipped) for r in results) == [(0, 51), (51, 0)]
    assert BankTransaction.objects.count() == 51
    assert BankStatement.objects.count() == 2
