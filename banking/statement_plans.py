"""A statement of a file as the checks leave it: what would be written, or what refuses it.

`banking.statement_checks` makes the plans, `banking.statement_writing` writes them; the
refusals a plan may carry are `DuplicateStatement` and `StatementRefused`.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from banking.fingerprints import fingerprinted
from banking.models import BankAccount
from banking.parsing.types import ParsedEntry, ParsedStatement
from coop.errors import DomainError, InvalidInput, StateConflict


class DuplicateStatement(StateConflict):
    """The same file was imported before for this account (a 409)."""

    code = "duplicate_statement"


class StatementRefused(InvalidInput):
    """A statement of the file breaks a rule: another account, another currency, figures that
    do not add up, a gap with the previous statement."""

    code = "statement_refused"


@dataclass
class StatementPlan:
    """One statement of the file as it would be written, or the problems that refuse it."""

    parsed: ParsedStatement
    index: int
    account: BankAccount | None = None
    opening_balance: Decimal | None = None
    opening_derived: bool = False
    closing_balance: Decimal | None = None
    closing_date: datetime.date | None = None
    # What one pass over the entries found (`_scan`).
    entry_count: int = 0
    entries_total: Decimal = Decimal("0.00")
    cents_total: Decimal = Decimal("0.00")  # of each entry's amount in cents
    first_booking: datetime.date | None = None
    last_booking: datetime.date | None = None
    repeated: frozenset[int] = frozenset()
    # One byte an entry: 1 when it is new (not stored for the account, not earlier in the file).
    is_new: bytearray = field(default_factory=bytearray)
    added_total: Decimal = Decimal("0.00")
    # The file's digest for the first statement of an account in the file; for a later one
    # (an MT940 file of several days) a digest of the file's digest and its place, so that each
    # row is unique per account and the file's own digest still finds it.
    stored_sha256: str = ""
    problems: list[DomainError] = field(default_factory=list)

    @property
    def added_count(self) -> int:
        return sum(self.is_new)

    @property
    def skipped_count(self) -> int:
        return len(self.is_new) - self.added_count

    @property
    def label(self) -> str:
        return statement_label(self.parsed, self.index)

    def new_entries(self) -> Iterator[tuple[ParsedEntry, str]]:
        """The new entries with their fingerprints, in one more pass over the statement."""
        is_new = self.is_new
        for index, (entry, fingerprint) in enumerate(fingerprinted(self.parsed, self.repeated)):
            if is_new[index]:
                yield entry, fingerprint


def statement_label(parsed: ParsedStatement, index: int) -> str:
    """How a message names a statement: its identifier and where it is in the file."""
    where = parsed.where or _("statement %(number)d of the file") % {"number": index + 1}
    if parsed.statement_id:
        return _("statement %(id)s (%(where)s)") % {"id": parsed.statement_id, "where": where}
    return where
