"""What every statement parser produces, whatever the file's format (pure: no Django ORM).

A parser reads one file and yields `ParsedStatement`s: the account the file names, its
balances and its booked entries, each entry with what reconciliation needs (references,
remittance information, the counterparty). Amounts are signed `Decimal`s in the statement's
currency with 2 places: money in is positive, money out negative. A reversal (MT940 `RC`/`RD`,
camt `RvslInd`) keeps the sign of the money's direction and sets `reversal`.

A file a parser cannot read raises `StatementFileError` naming where (a line number, or the
element's path) so that the page, the API and the command can say it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal


class StatementFileError(ValueError):
    """The file is not what it claims to be, or breaks its format; `where` names the line or
    element ("line 12", "Stmt[2]/Ntry[5]/Amt")."""

    def __init__(self, message: str, where: str = ""):
        super().__init__(f"{where}: {message}" if where else message)
        self.message = message
        self.where = where


@dataclass(frozen=True)
class ParsedEntry:
    """One booked entry (for a camt batch booking, one per `TxDtls`, each with its own amount)."""

    amount: Decimal
    booking_date: datetime.date
    value_date: datetime.date | None = None
    # The bank's own reference of the entry: camt AcctSvcrRef, MT940 bank reference (after
    # `//` on :61:), OFX FITID. Empty when the file has none.
    bank_reference: str = ""
    end_to_end_id: str = ""
    remittance_information: str = ""
    # A structured creditor reference (ISO 11649 `RF…`, or another scheme's), compact.
    creditor_reference: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    # camt's BkTxCd (Domn/Fmly/SubFmlyCd joined with "/", or Prtry), MT940's transaction type
    # and GVC ("NTRF/166"), OFX's TRNTYPE, a CSV's own column.
    bank_transaction_code: str = ""
    reversal: bool = False
    # Where the entry is in the file, for messages: "line 14", "Stmt[1]/Ntry[3]/NtryDtls/TxDtls[2]".
    where: str = ""


@dataclass
class ParsedStatement:
    """One statement of one account; a file may hold several (MT940, camt with several Stmt)."""

    format: str  # "camt.053", "camt.054", "mt940", "ofx", "csv"
    currency: str
    # How the file names the account: an IBAN when it has one, else its other identifier
    # (BBAN, "routing/account" for OFX bank accounts, the MT940 :25: value).
    account_iban: str = ""
    account_other_id: str = ""
    statement_id: str = ""
    opening_balance: Decimal | None = None
    opening_date: datetime.date | None = None
    closing_balance: Decimal | None = None
    closing_date: datetime.date | None = None
    # Iterable more than once: a list (MT940, OFX, CSV), or for camt an object that reads them
    # from the file again each time (`camt.CamtEntries`), so that none is held in memory. Each
    # has `len()`.
    entries: Iterable[ParsedEntry] = field(default_factory=list)
    where: str = ""

    @property
    def entries_total(self) -> Decimal:
        return sum((entry.amount for entry in self.entries), Decimal("0.00"))
