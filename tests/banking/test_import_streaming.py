"""A camt statement's entries are streamed from the file, never held in a list: the parser keeps
none, the checks and the writer each read them again; a large file still passes every check
(balance, duplicates, continuity) and is refused with the same messages when it breaks one."""

import datetime
import gc
import hashlib
import io
from collections import Counter
from decimal import Decimal

import pytest

from banking.camt_writer import Entry, Statement, camt053_bytes, closing_balance
from banking.fingerprints import _key, fingerprint_of, fingerprints_of
from banking.importing import import_statement, preview_statement
from banking.models import BankStatement, BankTransaction
from banking.parsing import camt
from banking.parsing.types import ParsedEntry
from banking.statement_plans import DuplicateStatement, StatementRefused
from tests.banking.factories_import import IBAN, OTHER_IBAN, World

DAY = datetime.date(2026, 11, 2)


def entries(first: int, count: int) -> list[Entry]:
    """Entries numbered from `first`, over November; every 97th is a coffee without a
    reference, twice the same one on its day (a key that repeats within the statement)."""
    made = []
    for n in range(first, first + count):
        day = DAY + datetime.timedelta(days=n * 28 // 6000)
        if n % 97 == 0:
            made.append(Entry(Decimal("-3.20"), day, "NONREF", remittance="Coffee"))
        else:
            amount = Decimal(n % 991 + 1) / 100
            made.append(
                Entry(
                    amount if n % 3 else -amount,
                    day,
                    f"REF{n:07d}",
                    counterparty_name=f"Customer {n % 50}",
                    counterparty_iban=OTHER_IBAN,
                    remittance=f"Order {n}",
                )
            )
    return made


def camt_file(
    made: list[Entry], opening: Decimal, *, closing: Decimal | None = None, sid: str = "S1"
) -> bytes:
    statement = Statement(
        statement_id=sid,
        iban=IBAN,
        currency="EUR",
        opening_balance=opening,
        opening_date=min(e.booked for e in made),
        closing_balance=closing_balance(opening, made) if closing is None else closing,
        closing_date=max(e.booked for e in made),
        created=datetime.datetime(2026, 12, 1, 6, tzinfo=datetime.UTC),
    )
    return camt053_bytes(statement, made)


def listed_fingerprints(parsed) -> list[str]:
    """The fingerprints as the importer made them from a list before it streamed."""
    seen: Counter = Counter()
    result = []
    for entry in list(parsed.entries):
        key = _key(entry, "camt")
        seen[key] += 1
        result.append(fingerprint_of(key, seen[key]))
    return result


def alive() -> int:
    """How many ParsedEntry objects exist (other tests' constants included)."""
    gc.collect()
    return sum(type(o) is ParsedEntry for o in gc.get_objects())


def test_a_camt_statement_holds_no_list_of_its_entries():
    data = camt_file(entries(0, 1000), Decimal("0.00"))
    before = alive()
    (statement,) = camt.parse(io.BytesIO(data))
    assert alive() == before
    held = [*vars(statement).values(), *vars(statement.entries).values()]
    assert not any(isinstance(value, list | tuple | set | dict) for value in held)

    first, second = list(statement.entries), list(statement.entries)
    assert len(first) == len(statement.entries) == 1000
    assert first == second
    assert first[0].bank_reference == "NONREF" and first[1].bank_reference == "REF0000001"
    # Two iterations at once over the same file, and an index or a slice, read alike.
    assert all(a == b for a, b in zip(statement.entries, statement.entries, strict=True))
    assert statement.entries[-1] == first[-1]
    assert statement.entries[5:8] == first[5:8]
    assert statement.opening_balance + statement.entries_total == statement.closing_balance
    assert alive() == before + 2000  # the two lists, and nothing else
    del first, second
    assert alive() == before


def test_the_entries_outlive_the_callers_file(tmp_path):
    path = tmp_path / "statement.xml"
    path.write_bytes(camt_file(entries(0, 300), Decimal("0.00")))
    with path.open("rb") as source:
        (statement,) = camt.parse(source)
    assert len(list(statement.entries)) == 300


@pytest.mark.django_db
def test_a_large_file_imports_within_the_checks_and_a_broken_one_is_refused(tmp_path):
    world = World()
    opening = world.account.opening_balance
    made = entries(0, 6000)
    path = tmp_path / "november.xml"
    path.write_bytes(camt_file(made, opening))
    with path.open("rb") as data:
        preview = preview_statement(actor=world.treasurer, cooperative=world.cooperative, data=data)
    assert preview.ok, preview.problems
    (shown,) = preview.statements
    assert (shown.entry_count, shown.added, shown.skipped) == (6000, 6000, 0)
    assert len(shown.first_entries) == 20

    with path.open("rb") as data:
        result = import_statement(
            actor=world.treasurer, cooperative=world.cooperative, data=data, file_name="nov.xml"
        )
    assert (result.added, result.skipped) == (6000, 0)
    (stored,) = result.statements
    assert (stored.first_booking, stored.last_booking) == (made[0].booked, made[-1].booked)
    assert stored.closing_balance == closing_balance(opening, made)
    rows = BankTransaction.objects.filter(statement=stored)
    (parsed,) = camt.parse(io.BytesIO(path.read_bytes()))
    assert set(rows.values_list("fingerprint", flat=True)) == set(listed_fingerprints(parsed))
    assert sum(rows.values_list("amount", flat=True)) == sum(e.amount for e in made)

    # The same file again: a duplicate.
    with pytest.raises(DuplicateStatement, match="not imported twice"):
        import_statement(
            actor=world.treasurer, cooperative=world.cooperative, data=path.read_bytes()
        )

    # An overlapping statement: the last 2,000 entries again and 1,000 new ones.
    before = stored.closing_balance - sum(e.amount for e in made[4000:])
    overlap = made[4000:] + entries(6000, 1000)
    again = import_statement(
        actor=world.treasurer,
        cooperative=world.cooperative,
        data=camt_file(overlap, before, sid="S2"),
    )
    assert (again.added, again.skipped) == (1000, 2000)
    latest = again.statements[0].closing_balance
    assert latest == closing_balance(stored.closing_balance, entries(6000, 1000))

    count = BankTransaction.objects.count()
    later = entries(7000, 3000)
    # Off by a cent: it does not add up.
    broken = camt_file(
        later, latest, closing=closing_balance(latest, later) + Decimal("0.01"), sid="S3"
    )
    with pytest.raises(StatementRefused, match="does not add up") as refused:
        import_statement(actor=world.treasurer, cooperative=world.cooperative, data=broken)
    assert "0.01" in refused.value.message
    # Opening elsewhere than where the account stands: a gap.
    gap = camt_file(later, latest + Decimal("5.00"), sid="S4")
    with pytest.raises(StatementRefused, match="does not continue") as refused:
        import_statement(actor=world.treasurer, cooperative=world.cooperative, data=gap)
    assert "5.00" in refused.value.message
    assert BankTransaction.objects.count() == count
    assert BankStatement.objects.count() == 2


def test_the_fingerprints_of_repeated_keys_are_counted():
    data = camt_file(entries(0, 1000), Decimal("0.00"))
    (statement,) = camt.parse(io.BytesIO(data))
    prints = fingerprints_of(statement)
    assert prints == listed_fingerprints(statement)
    assert len(set(prints)) == 1000
    coffee = hashlib.sha256(
        "\x1f".join(("entry", "2026-11-02", "-3.20", "", "", "Coffee", "1")).encode()
    )
    assert prints[0] == coffee.hexdigest()
