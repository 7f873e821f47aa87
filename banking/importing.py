"""Importing a bank statement file, whatever its format: every statement in it, or none.

`import_statement` reads a file (a camt.053/054, MT940 or OFX file is recognised by its first
bytes; a CSV file only when asked, with the account's saved column mapping), refuses it when it
is larger than `MAX_IMPORT_BYTES` before reading it, parses it (`banking.parsing`), checks each
statement (`banking.statement_checks`) and writes them in one transaction. `preview_statement`
makes the same checks and writes nothing, for the upload page's preview.

Each statement is matched to one account of the co-op by the IBAN or other identifier the file
carries, in the account's currency. Its figures must add up (opening balance + entries = closing
balance) and continue the account's previous statement (the latest by closing date) or, for the
first, the account's opening balance. A statement without an opening balance (OFX) gets it
derived: closing balance − entries.

The same file twice (its SHA-256 per account) is refused as a duplicate. A statement that
overlaps one imported before adds only the transactions not seen yet: a transaction is the same
when its fingerprint is (`banking.fingerprints.fingerprint_of`).
"""

import datetime
import hashlib
import io
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from banking import enqueue
from banking.models import BankAccount, BankStatement, StatementFormat
from banking.parsing import registry
from banking.parsing.types import ParsedEntry, ParsedStatement, StatementFileError
from banking.statement_checks import plan_statements
from banking.statement_plans import DuplicateStatement
from banking.statement_writing import write_statement
from coop import clock
from coop.audit import record
from coop.errors import DomainError, InvalidInput
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.services import require_role

# A year of a busy account's camt.053 is a few MB; 50 MB leaves room and stops a 200 MB file
# before it is read.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
HEAD_BYTES = 4096  # what a parser's looks_like() is shown
PREVIEW_ENTRIES = 20
_CHUNK = 1024 * 1024

logger = logging.getLogger(__name__)


class StatementTooLarge(InvalidInput):
    """The file is larger than `MAX_IMPORT_BYTES`: a 413 on the page, the API and the command."""

    code = "too_large"
    status = 413


class UnreadableStatement(InvalidInput):
    """The file is not a statement of a format Cooperage reads, or breaks its format."""

    code = "unreadable_file"


def check_import_size(size: int) -> None:
    """Refuse a file over the limit before it is read: the one rule of the page, the API and
    the command."""
    if size > MAX_IMPORT_BYTES:
        raise StatementTooLarge(
            _("The file is larger than %(mb)d MB: import it a month at a time.")
            % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)},
            field="file",
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: its statements and how many transactions were added or skipped
    because an earlier statement had them."""

    statements: list[BankStatement]
    added: int
    skipped: int


@dataclass
class StatementPreview:
    account: BankAccount | None
    format: str
    statement_id: str
    currency: str
    opening_balance: Decimal | None
    opening_date: datetime.date | None
    opening_derived: bool
    closing_balance: Decimal | None
    closing_date: datetime.date | None
    entry_count: int
    added: int
    skipped: int
    first_entries: list[ParsedEntry]
    problems: list[str]


@dataclass
class ImportPreview:
    """What importing the file would do, or why it would be refused (`problems`)."""

    format: str = ""
    statements: list[StatementPreview] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(not s.problems for s in self.statements)

    @property
    def added(self) -> int:
        return sum(s.added for s in self.statements)

    @property
    def skipped(self) -> int:
        return sum(s.skipped for s in self.statements)


# --- reading the file ---------------------------------------------------------------------


def _source(data: bytes | IO[bytes]) -> IO[bytes]:
    return io.BytesIO(data) if isinstance(data, bytes | bytearray) else data


def _size(source: IO[bytes]) -> int:
    size = getattr(source, "size", None)
    if isinstance(size, int):
        return size
    position = source.tell()
    source.seek(0, io.SEEK_END)
    end = source.tell()
    source.seek(position)
    return end


def _digest(source: IO[bytes]) -> str:
    source.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: source.read(_CHUNK), b""):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def _sniff(head: bytes) -> str:
    """The first format (in the registry's order) whose parser says the file looks like its
    own; CSV is never guessed: it looks like anything."""
    for format_name in registry.MODULES:
        if format_name == StatementFormat.CSV:
            continue
        try:
            parser = registry.parser_of(format_name)
        except ImportError:  # a parser whose library is missing reads nothing
            continue
        if parser.looks_like(head):
            return format_name
    raise UnreadableStatement(
        _(
            "This file is not a camt.053, camt.054, MT940 or OFX statement. For a CSV export, "
            "choose the CSV format and the account whose column mapping reads it."
        ),
        field="file",
    )


def _parse(
    source: IO[bytes],
    format_name: str | None,
    account: BankAccount | None,
    closing_balance: Decimal | None = None,
) -> tuple[str, list[ParsedStatement]]:
    source.seek(0)
    head = source.read(HEAD_BYTES)
    source.seek(0)
    if not format_name:
        format_name = _sniff(head)
    if format_name not in registry.MODULES:
        raise InvalidInput(
            _("Unknown format “%(format)s”: choose one of %(formats)s.")
            % {"format": format_name, "formats": ", ".join(registry.MODULES)},
            field="format",
        )
    options: dict[str, Any] = {}
    if format_name == StatementFormat.CSV:
        if account is None:
            raise InvalidInput(
                _("A CSV file names no account: choose the account whose column mapping reads it."),
                field="account",
            )
        if not account.csv_mapping:
            raise InvalidInput(
                _("%(account)s has no CSV column mapping: save one before importing a CSV file.")
                % {"account": account.name},
                field="format",
            )
        # The file names no account and no currency: they are the account's. Its closing
        # balance, when the treasurer gives it, is checked against the entries.
        options.update(mapping=account.csv_mapping, currency=account.currency)
        if closing_balance is not None:
            options["closing_balance"] = closing_balance
    elif closing_balance is not None:
        raise InvalidInput(
            _("A closing balance is given only with a CSV file: a %(format)s file has its own.")
            % {"format": format_name},
            field="closing_balance",
        )
    try:
        parser = registry.parser_of(format_name)
    except ImportError:
        raise UnreadableStatement(
            _("Cooperage cannot read %(format)s files on this server.") % {"format": format_name},
            field="format",
        ) from None
    try:
        statements = parser.parse(source, **options)
    except StatementFileError as error:
        raise UnreadableStatement(_file_error_message(error), field="file") from None
    except DomainError:
        raise
    except Exception:
        # A parser should say where a file breaks its format (StatementFileError); a file that
        # trips it otherwise is still the file's fault for the treasurer, not a server error.
        logger.exception("The %s parser failed on a file", format_name)
        raise UnreadableStatement(
            _("The file cannot be read as %(format)s.") % {"format": format_name}, field="file"
        ) from None
    if not statements:
        raise UnreadableStatement(_("The file holds no statement."), field="file")
    return format_name, statements


def _file_error_message(error: StatementFileError) -> str:
    if error.where:
        return _("The file cannot be read at %(where)s: %(problem)s") % {
            "where": error.where,
            "problem": error.message,
        }
    return _("The file cannot be read: %(problem)s") % {"problem": error.message}


def _read(
    data: bytes | IO[bytes],
    format_name: str | None,
    account: BankAccount | None,
    closing_balance: Decimal | None = None,
) -> tuple[str, str, list[ParsedStatement]]:
    source = _source(data)
    check_import_size(_size(source))
    file_sha256 = _digest(source)
    format_name, statements = _parse(source, format_name, account, closing_balance)
    return format_name, file_sha256, statements


# --- the service --------------------------------------------------------------------------


def import_statement(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    data: bytes | IO[bytes],
    file_name: str = "",
    format: str | None = None,
    account: BankAccount | None = None,
    closing_balance: Decimal | None = None,
) -> ImportResult:
    """Import every statement of a bank file, or none (see the module's docstring).

    `actor` is the treasurer, or None for the system (the management command).
    `closing_balance`, for a CSV export only, is the balance after its last entry as the bank
    shows it: the entries must add up to it.
    """
    require_role(actor, Role.TREASURER)
    _check_account(cooperative, account)
    format_name, file_sha256, statements = _read(data, format, account, closing_balance)
    return import_parsed(
        actor=actor,
        cooperative=cooperative,
        statements=statements,
        file_sha256=file_sha256,
        file_name=file_name,
        format=format_name,
        account=account,
    )


def import_parsed(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    statements: list[ParsedStatement],
    file_sha256: str,
    file_name: str = "",
    format: str = "",
    account: BankAccount | None = None,
) -> ImportResult:
    """The import's core, from parsed statements: check them all, then write them all."""
    require_role(actor, Role.TREASURER)
    _check_account(cooperative, account)
    with transaction.atomic():
        plans = plan_statements(
            cooperative=cooperative,
            statements=statements,
            file_sha256=file_sha256,
            account=account,
            lock=True,
        )
        for plan in plans:
            if plan.problems:
                raise plan.problems[0]
        now = clock.now()
        written = [
            write_statement(plan, file_name=file_name, format=format, actor=actor, now=now)
            for plan in plans
        ]
        added = sum(plan.added_count for plan in plans)
        skipped = sum(plan.skipped_count for plan in plans)
        record(
            cooperative,
            actor,
            "bank_statements.imported",
            data={
                "file_name": file_name[:200],
                "file_sha256": file_sha256,
                "format": format,
                "statements": [statement.pk for statement in written],
                "added": added,
                "skipped": skipped,
            },
            object_type="banking.bankstatement",
            object_id=written[0].pk if written else "import",
        )
        if added:
            enqueue.suggest_for_statements(cooperative.pk, [statement.pk for statement in written])
    return ImportResult(statements=written, added=added, skipped=skipped)


def preview_statement(
    *,
    actor: Member | None,
    cooperative: Cooperative,
    data: bytes | IO[bytes],
    format: str | None = None,
    account: BankAccount | None = None,
    closing_balance: Decimal | None = None,
) -> ImportPreview:
    """What `import_statement` would do with the file, without writing anything: each
    statement's account, balances and counts, its first entries, and every problem found."""
    require_role(actor, Role.TREASURER)
    _check_account(cooperative, account)
    preview = ImportPreview()
    try:
        preview.format, file_sha256, statements = _read(data, format, account, closing_balance)
    except DomainError as error:
        preview.problems.append(error.message)
        return preview
    return preview_parsed(
        cooperative=cooperative,
        statements=statements,
        file_sha256=file_sha256,
        account=account,
        preview=preview,
    )


def preview_parsed(
    *,
    cooperative: Cooperative,
    statements: list[ParsedStatement],
    file_sha256: str,
    account: BankAccount | None = None,
    preview: ImportPreview | None = None,
) -> ImportPreview:
    preview = preview or ImportPreview()
    plans = plan_statements(
        cooperative=cooperative,
        statements=statements,
        file_sha256=file_sha256,
        account=account,
        lock=False,
    )
    for plan in plans:
        parsed = plan.parsed
        if any(isinstance(problem, DuplicateStatement) for problem in plan.problems):
            preview.problems.append(plan.problems[0].message)
        preview.statements.append(
            StatementPreview(
                account=plan.account,
                format=parsed.format,
                statement_id=parsed.statement_id,
                currency=parsed.currency,
                opening_balance=plan.opening_balance,
                opening_date=parsed.opening_date,
                opening_derived=plan.opening_derived,
                closing_balance=plan.closing_balance,
                closing_date=plan.closing_date,
                entry_count=plan.entry_count,
                added=plan.added_count,
                skipped=plan.skipped_count,
                first_entries=list(islice(parsed.entries, PREVIEW_ENTRIES)),
                problems=[
                    problem.message
                    for problem in plan.problems
                    if not isinstance(problem, DuplicateStatement)
                ],
            )
        )
    preview.problems = list(dict.fromkeys(preview.problems))
    return preview


def _check_account(cooperative: Cooperative, account: BankAccount | None) -> None:
    if account is not None and account.cooperative_id != cooperative.pk:
        raise InvalidInput(_("Choose one of the co-op's bank accounts."), field="account")
