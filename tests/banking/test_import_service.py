"""Importing statements: whole or not at all, integrity, gaps, duplicates and overlaps."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banking import statement_writing
from banking.fingerprints import fingerprints_of
from banking.importing import import_parsed, import_statement, preview_parsed
from banking.models import BankAccount, BankStatement, BankTransaction
from banking.parsing import registry
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import AuditEvent
from tests.banking import fake_parser
from tests.banking.factories_import import IBAN, World, entry, many_entries, statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


@pytest.fixture
def fake_format(monkeypatch):
    monkeypatch.setitem(registry.MODULES, "mt940", "tests.banking.fake_parser")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def run(world, statements, digest="a", **kwargs):
    return import_parsed(
        actor=world.treasurer,
        cooperative=world.cooperative,
        statements=statements,
        file_sha256=sha(digest),
        file_name="nov.xml",
        format="camt.053",
        **kwargs,
    )


def test_it_imports_a_statement(world):
    result = run(world, [statement([entry("250.00", n=0), entry("-40.50", n=1)])])
    assert (result.added, result.skipped) == (2, 0)
    [stored] = result.statements
    assert stored.account == world.account
    assert stored.opening_balance == Decimal("1000.00")
    assert stored.closing_balance == Decimal("1209.50")
    assert stored.transaction_count == 2
    assert stored.imported_by == world.treasurer
    amounts = sorted(BankTransaction.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("-40.50"), Decimal("250.00")]
    event = AuditEvent.objects.get(verb="bank_statements.imported")
    assert event.data["added"] == 2


def test_figures_that_do_not_add_up_say_by_how_much_and_where(world):
    bad = statement([entry("250.00")], closing="1200.00", statement_id="NOV-7")
    with pytest.raises(InvalidInput) as refused:
        run(world, [bad])
    message = refused.value.message
    assert "NOV-7" in message and "Stmt[NOV-7]" in message
    assert "€50.00" in message and "€1,250.00" in message and "€1,200.00" in message
    assert refused.value.code == "unbalanced"
    assert not BankStatement.objects.exists()


def test_a_gap_with_the_previous_statement_is_refused_with_its_amount_and_dates(world):
    run(world, [statement([entry("250.00")], statement_id="NOV")])
    december = statement([entry("10.00", n=5)], opening="1300.00", statement_id="DEC", first_day=2)
    with pytest.raises(InvalidInput) as refused:
        run(world, [december], digest="b")
    message = refused.value.message
    assert refused.value.code == "balance_gap"
    assert "NOV" in message and "DEC" in message
    assert "November 30, 2026" in message and "November 2, 2026" in message
    assert "€50.00" in message  # 1,300 where 1,250 was expected
    assert BankStatement.objects.count() == 1


def test_the_first_statement_continues_the_accounts_opening_balance(world):
    with pytest.raises(InvalidInput) as refused:
        run(world, [statement([entry("5.00")], opening="900.00")])
    assert "opening balance" in refused.value.message
    assert "€100.00" in refused.value.message


def test_statements_continue_each_other_within_a_file(world):
    first = statement([entry("250.00")], statement_id="1", last_day=15)
    second = statement([entry("-50.00", day=20, n=1)], opening="1250.00", statement_id="2")
    result = run(world, [first, second])
    assert [s.statement_id for s in result.statements] == ["1", "2"]
    # Each row unique per account, the file's own digest on the first.
    assert result.statements[0].file_sha256 == sha("a")
    assert result.statements[1].file_sha256 != sha("a")


def test_the_same_file_twice_is_a_duplicate(world):
    run(world, [statement([entry("250.00")])])
    with pytest.raises(StateConflict) as refused:
        run(world, [statement([entry("250.00")])])
    assert refused.value.status == 409
    assert refused.value.code == "duplicate_statement"
    assert "not imported twice" in refused.value.message


def test_an_overlapping_statement_adds_only_what_is_new(world):
    october_end = [entry("100.00", day=2, n=0), entry("-20.00", day=3, n=1)]
    run(world, [statement(october_end, last_day=3)])
    overlapping = statement(
        [*october_end, entry("30.00", day=4, n=2), entry("30.00", day=4, n=2)],
        opening="1000.00",
        statement_id="2026-11-2",
        last_day=4,
    )
    result = run(world, [overlapping], digest="b")
    assert (result.added, result.skipped) == (2, 2)  # two identical entries are two
    assert result.statements[0].skipped_count == 2
    assert BankTransaction.objects.count() == 4
    # Imported once more (another file, same entries): nothing new, nothing refused.
    again = run(world, [overlapping], digest="c")
    assert (again.added, again.skipped) == (0, 4)


def test_an_overlap_that_does_not_continue_the_balance_is_refused(world):
    first = [entry("100.00", n=0)]
    run(world, [statement(first, last_day=3)])
    overlapping = statement([*first, entry("30.00", day=4, n=2)], opening="1000.00",
                            closing="1140.00", statement_id="X")  # fmt: skip
    with pytest.raises(InvalidInput):  # 1,000 + 130 ≠ 1,140 on its own figures
        run(world, [overlapping], digest="b")


def test_a_statement_for_another_iban_is_refused_naming_it(world):
    with pytest.raises(InvalidInput) as refused:
        run(world, [statement([entry("1.00")], iban="FR7630006000011234567890189")])
    assert "FR7630006000011234567890189" in refused.value.message
    assert refused.value.code == "unknown_account"


def test_an_account_is_found_by_its_other_identifier(world):
    other = BankAccount.objects.create(
        cooperative=world.cooperative, name="US", other_identifier="021000021/12345678",
        currency="EUR", opening_balance=Decimal("0"), opening_date=datetime.date(2026, 1, 1),
    )  # fmt: skip
    parsed = statement([entry("1.00")], opening="0.00", iban="")
    parsed.account_other_id = "021000021/12345678"
    result = run(world, [parsed])
    assert result.statements[0].account == other


def test_an_account_is_found_by_the_bank_code_and_number_inside_its_iban(world):
    parsed = statement([entry("1.00")], iban="")
    parsed.account_other_id = "37040044/0532013000"  # MT940 :25: of DE89 3704 0044 0532 0130 00
    assert run(world, [parsed]).statements[0].account == world.account


def test_a_parser_that_fails_otherwise_is_a_400_not_a_500(world, fake_format, monkeypatch):
    def crash(source, **options):
        raise KeyError("Stmt")

    monkeypatch.setattr(fake_parser, "parse", crash)
    with pytest.raises(InvalidInput) as refused:
        import_statement(actor=world.treasurer, cooperative=world.cooperative,
                         data=fake_parser.sample())  # fmt: skip
    assert refused.value.code == "unreadable_file"
    assert "mt940" in refused.value.message


def test_a_currency_mismatch_names_both(world):
    with pytest.raises(InvalidInput) as refused:
        run(world, [statement([entry("1.00")], currency="USD")])
    assert "USD" in refused.value.message and "EUR" in refused.value.message
    assert refused.value.code == "currency_mismatch"


def test_a_failure_in_the_second_statement_leaves_nothing_of_the_first(world):
    good = statement([entry("250.00")], statement_id="1", last_day=15)
    bad = statement([entry("5.00", day=20, n=3)], opening="1250.00", closing="1.00",
                    statement_id="2")  # fmt: skip
    with pytest.raises(InvalidInput):
        run(world, [good, bad])
    assert not BankStatement.objects.exists()
    assert not BankTransaction.objects.exists()


def test_an_error_while_writing_leaves_nothing(world, monkeypatch):
    good = statement([entry("250.00")], statement_id="1", last_day=15)
    second = statement([entry("5.00", day=20, n=3)], opening="1250.00", statement_id="2")
    original = statement_writing._row
    calls = []

    def failing(entry_, fingerprint, stored):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(entry_, fingerprint, stored)

    monkeypatch.setattr(statement_writing, "_row", failing)
    with pytest.raises(RuntimeError):
        run(world, [good, second])
    assert not BankStatement.objects.exists()
    assert not BankTransaction.objects.exists()


def test_a_statement_without_opening_balance_gets_it_derived(world):
    ofx = statement([entry("250.00")], opening=None, closing="1250.00", fmt="ofx")
    [stored] = run(world, [ofx]).statements
    assert stored.opening_balance == Decimal("1000.00")


def test_a_balance_only_statement_is_fine(world):
    [stored] = run(world, [statement([])]).statements
    assert stored.transaction_count == 0
    assert stored.closing_balance == Decimal("1000.00")


def test_only_the_treasurer_imports(world):
    with pytest.raises(NotAllowed):
        import_parsed(actor=world.member, cooperative=world.cooperative,
                      statements=[statement([])], file_sha256="x")  # fmt: skip


def test_fingerprints_use_the_banks_reference_and_count_repeats():
    a = statement([entry("1.00", bank_reference="REF1"), entry("2.00", bank_reference="REF1")])
    b = statement([entry("9.00", bank_reference="REF1")])
    prints_a, prints_b = fingerprints_of(a), fingerprints_of(b)
    assert prints_a[0] != prints_a[1]
    assert prints_a[0] == prints_b[0]  # the bank's reference decides, not the amount
    mt940 = statement([entry("1.00", bank_reference="REF1")], fmt="mt940")
    assert fingerprints_of(mt940)[0] != prints_a[0]  # prefixed by the format's family
    nonref = statement([entry("1.00", bank_reference="NONREF"), entry("1.00", n=0)])
    assert len(set(fingerprints_of(nonref))) == 2  # the tuple, counted


def _queries(world, count, digest):
    parsed = statement(many_entries(count), statement_id=digest)
    with CaptureQueriesContext(connection) as queries:
        run(world, [parsed], digest=digest)
    return [q["sql"] for q in queries.captured_queries]


def test_the_query_count_does_not_grow_with_the_statement(world):
    small = _queries(world, 10, "small")
    BankTransaction.objects.all().delete()
    BankStatement.objects.all().delete()
    large = _queries(World("other"), 1000, "large")
    if connection.vendor != "sqlite":
        assert len(small) == len(large)  # 1,000 rows are one batch of BATCH_SIZE
        return

    def inserts(sql):
        return sql.startswith('INSERT INTO "banking_banktransaction"')

    # SQLite takes 999 parameters a query, so Django splits a batch further; every other query
    # is the same.
    assert len([q for q in small if not inserts(q)]) == len([q for q in large if not inserts(q)])
    fields = [f for f in BankTransaction._meta.concrete_fields if not f.primary_key]
    batch = connection.ops.bulk_batch_size(fields, [None] * 1000)
    assert len([q for q in large if inserts(q)]) == -(-1000 // batch)


def test_preview_writes_nothing_and_lists_the_problems(world):
    run(world, [statement([entry("250.00")], statement_id="NOV")])
    december = statement([entry("10.00", n=5), entry("250.00")], opening="1300.00",
                         statement_id="DEC", first_day=2)  # fmt: skip
    preview = preview_parsed(
        cooperative=world.cooperative, statements=[december], file_sha256=sha("b")
    )
    assert not preview.ok
    [shown] = preview.statements
    assert shown.account == world.account
    assert (shown.added, shown.skipped, shown.entry_count) == (1, 1, 2)
    assert shown.problems and "€1,250.00" in shown.problems[0]
    assert BankStatement.objects.count() == 1


# --- from a file ---------------------------------------------------------------------------


def test_a_file_is_sniffed_parsed_and_imported(world, fake_format):
    data = fake_parser.sample(
        entries=(("2026-11-02", "50.00", "R1"), ("2026-11-03", "-5.00", "R2"))
    )
    result = import_statement(actor=world.treasurer, cooperative=world.cooperative, data=data,
                              file_name="nov.sta")  # fmt: skip
    assert result.added == 2
    assert result.statements[0].file_sha256 == hashlib.sha256(data).hexdigest()
    assert result.statements[0].format == "mt940"


def test_a_broken_file_names_the_line(world, fake_format):
    data = fake_parser.sample() + b"BROKEN\n"
    with pytest.raises(InvalidInput) as refused:
        import_statement(actor=world.treasurer, cooperative=world.cooperative, data=data)
    assert "line 3" in refused.value.message
    assert refused.value.code == "unreadable_file"


def test_an_unknown_file_is_refused(world, fake_format):
    with pytest.raises(InvalidInput) as refused:
        import_statement(actor=world.treasurer, cooperative=world.cooperative, data=b"hello")
    assert "not a camt.053" in refused.value.message


def test_a_file_too_large_is_refused_before_it_is_read(world, monkeypatch):
    class Huge:
        size = 200 * 1024 * 1024

        def read(self, *args):  # pragma: no cover - must not be called
            raise AssertionError("read")

    with pytest.raises(InvalidInput) as refused:
        import_statement(actor=world.treasurer, cooperative=world.cooperative, data=Huge())
    assert refused.value.status == 413
    assert "50 MB" in refused.value.message


def test_csv_needs_an_account_with_a_mapping(world):
    with pytest.raises(InvalidInput) as refused:
        import_statement(actor=world.treasurer, cooperative=world.cooperative, data=b"a;b",
                         format="csv")  # fmt: skip
    assert refused.value.field == "account"
    with pytest.raises(InvalidInput) as refused:
        import_statement(actor=world.treasurer, cooperative=world.cooperative, data=b"a;b",
                         format="csv", account=world.account)  # fmt: skip
    assert refused.value.field == "format"


def test_a_statement_that_names_no_account_goes_to_the_chosen_one(world):
    parsed = statement([entry("1.00")], iban="", fmt="csv")
    result = run(world, [parsed], account=world.account)
    assert result.statements[0].account == world.account
    assert IBAN
