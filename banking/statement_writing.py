"""Writing a checked statement (`banking.statement_plans.StatementPlan`): its row, then its new
transactions, streamed from the parsed statement (a camt file is read once more) so that memory
stays flat whatever the statement's length.

On PostgreSQL the transactions go in with one `COPY` (psycopg 3's `cursor.copy`) per statement,
inside the import's transaction: no model instance per row and no INSERT of megabytes to build
and parse; it stores the same values as `bulk_create` and is one statement whatever the length
(Django's query log does not list it). Other databases get `bulk_create`, `BATCH_SIZE` rows at a
time.
"""

import datetime
from collections.abc import Iterator
from typing import Any

from django.db import connection

from banking.fingerprints import cents
from banking.models import BankStatement, BankTransaction
from banking.parsing.types import ParsedEntry
from banking.statement_plans import StatementPlan
from coop.models import Member
from coop.plain_text import forbidden_character

BATCH_SIZE = 2000  # transactions built and inserted at a time without COPY: memory stays flat
# The columns a new transaction's row fills (database names), in the order `_row` gives them.
COLUMNS = (
    "account_id", "statement_id", "booking_date", "value_date", "amount", "bank_reference",
    "end_to_end_id", "remittance_information", "creditor_reference", "counterparty_name",
    "counterparty_iban", "counterparty_bic", "bank_transaction_code", "reversal", "fingerprint",
)  # fmt: skip


def write_statement(
    plan: StatementPlan,
    *,
    file_name: str,
    format: str,
    actor: Member | None,
    now: datetime.datetime,
) -> BankStatement:
    parsed = plan.parsed
    assert plan.account is not None
    statement = BankStatement.objects.create(
        account=plan.account,
        format=parsed.format or format,
        statement_id=_single_line(parsed.statement_id, 140),
        file_name=_single_line(file_name, 255),
        file_sha256=plan.stored_sha256,
        opening_balance=plan.opening_balance,
        opening_date=parsed.opening_date,
        closing_balance=plan.closing_balance,
        closing_date=plan.closing_date,
        first_booking=plan.first_booking,
        last_booking=plan.last_booking,
        transaction_count=plan.added_count,
        skipped_count=plan.skipped_count,
        imported_at=now,
        imported_by=actor,
    )
    if not plan.added_count:
        return statement
    rows = (_row(entry, fingerprint, statement) for entry, fingerprint in plan.new_entries())
    if connection.vendor == "postgresql":
        _copy(rows)
    else:
        for batch in _batches(rows):
            BankTransaction.objects.bulk_create(batch, batch_size=BATCH_SIZE)
    return statement


def _copy(rows: Iterator[tuple[Any, ...]]) -> None:
    columns = ", ".join(map(connection.ops.quote_name, COLUMNS))
    table = connection.ops.quote_name(BankTransaction._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[BankTransaction]]:
    """The statement's new transactions, `BATCH_SIZE` model instances at a time."""
    batch: list[BankTransaction] = []
    for row in rows:
        batch.append(BankTransaction(**dict(zip(COLUMNS, row, strict=True))))
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


def _row(entry: ParsedEntry, fingerprint: str, statement: BankStatement) -> tuple[Any, ...]:
    return (
        statement.account_id,
        statement.pk,
        entry.booking_date,
        entry.value_date,
        cents(entry.amount),
        _single_line(entry.bank_reference, 140),
        _single_line(entry.end_to_end_id, 140),
        _multi_line(entry.remittance_information),
        _single_line(entry.creditor_reference, 35),
        _single_line(entry.counterparty_name, 140),
        _single_line(entry.counterparty_iban, 34).replace(" ", "").upper(),
        _single_line(entry.counterparty_bic, 11).upper(),
        _single_line(entry.bank_transaction_code, 35),
        entry.reversal,
        fingerprint,
    )


def _clean(text: str, *, multiline: bool) -> str:
    """A bank's text with the characters the project's text fields refuse (coop.plain_text)
    replaced by spaces: a bank file is kept, not refused, for a stray control character."""
    text = text or ""
    while (found := forbidden_character(text, multiline=multiline)) is not None:
        position, _character = found
        text = text[: position - 1] + " " + text[position:]
    return text.strip()


def _single_line(text: str, length: int) -> str:
    return _clean(text, multiline=False)[:length]


def _multi_line(text: str) -> str:
    return _clean(text, multiline=True)
