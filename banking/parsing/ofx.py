"""Read OFX bank and credit card statements, OFX 1.x (SGML) and 2.x (XML) alike (pure).

ofxtools' `OFXTree` reads the header (and the code page it declares) and builds the element
tree; the statement's meaning is read here from the elements, following the OFX 2.2
specification (11.4 Bank statement download: STMTRS, BANKACCTFROM, BANKTRANLIST, STMTTRN,
LEDGERBAL; 11.5 CCSTMTRS and CCACCTFROM; 3.2.8 dates). ofxtools' own conversion to its
models is not used: it turns every date into UTC, and a statement line posted on
`20261130230000[-5:EST]` was posted on 30 November where the bank is, not on 1 December.
docs/bank.md ("## Formats") explains the choices made here.
"""

import datetime
import html
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from ofxtools.header import OFXHeaderError
from ofxtools.Parser import OFXTree, ParseError, TreeBuilder

from banking.parsing.types import ParsedEntry, ParsedStatement, StatementFileError

FORMAT = "ofx"

UTF8_BOM = b"\xef\xbb\xbf"
SGML_HEADER = re.compile(rb"\s*OFXHEADER:\s*100")
XML_HEADER = re.compile(rb"\s*(<\?xml[^>]*\?>\s*)?<\?OFX\s", re.IGNORECASE)
# OFX 3.2.8.2: YYYYMMDD, then optionally HHMMSS.XXX and [gmt offset:tz name].
# The zone in brackets is `[-5:EST]` by the specification; some banks write `[-05:00]` or
# `[+1]`. The date is taken as written, so the bracket is only checked to be one.
DATE = re.compile(
    r"(?P<date>\d{8})(?P<time>\d{4}(\d{2}(\.\d{1,6})?)?)?\s*(\[[+-]?[0-9.:]*(:?[A-Za-z]{1,8})?\])?"
)
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
CENT = Decimal("0.01")
STATEMENT_TAGS = ("STMTRS", "CCSTMTRS")


def looks_like(head: bytes) -> bool:
    """True for an OFX 1.x SGML header (`OFXHEADER:100`) or an OFX 2.x `<?OFX …?>`."""
    head = head.removeprefix(UTF8_BOM)
    return bool(SGML_HEADER.match(head) or XML_HEADER.match(head))


def parse(source: BinaryIO, **options: object) -> list[ParsedStatement]:
    """Every bank (STMTRS) and credit card (CCSTMTRS) statement of the file, in order."""
    data = source.read().removeprefix(UTF8_BOM).lstrip()
    tree = OFXTree()
    try:
        tree.parse(io.BytesIO(data), parser=_ClosingTreeBuilder())
    except OFXHeaderError as error:
        first_line = str(error).strip().splitlines()[0]
        raise StatementFileError(
            f"the OFX header is not valid: {first_line}", "OFX header"
        ) from None
    except (UnicodeDecodeError, LookupError) as error:
        raise StatementFileError(
            f"the file is not in the code page its header declares: {error}", "OFX header"
        ) from None
    except (ParseError, ET.ParseError, AssertionError, IndexError) as error:
        detail = (
            f": {error}"
            if str(error)
            else " (an aggregate is not closed, or the file is cut short)"
        )
        raise StatementFileError(f"the OFX body is not well formed{detail}", "OFX body") from None
    root = tree.getroot()
    if root is None:
        raise StatementFileError("the OFX body is empty", "OFX body")
    statements = [element for element in root.iter() if element.tag in STATEMENT_TAGS]
    if not statements:
        raise StatementFileError(
            "no bank or credit card statement (STMTRS, CCSTMTRS) in the file", "OFX"
        )
    counts: dict[str, int] = {}
    parsed = []
    for element in statements:
        counts[element.tag] = counts.get(element.tag, 0) + 1
        parsed.append(_statement(element, f"{element.tag}[{counts[element.tag]}]"))
    return parsed


class _ClosingTreeBuilder(TreeBuilder):
    """ofxtools' builder, also refusing an aggregate closed by another's end tag or never
    closed (a file cut short): ElementTree's builder does not check either."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def start(self, tag: str, attrs: dict[str, str], *args: object) -> ET.Element:
        self.open.append(tag)
        return super().start(tag, attrs)

    def end(self, tag: str) -> ET.Element:
        if not self.open or self.open[-1] != tag:
            raise ParseError(f"</{tag}> closes <{self.open[-1] if self.open else ''}>")
        self.open.pop()
        return super().end(tag)

    def close(self) -> ET.Element:
        if self.open:
            raise ParseError(f"<{'/'.join(self.open)}> is not closed (the file is cut short?)")
        return super().close()


def _statement(element: ET.Element, where: str) -> ParsedStatement:
    currency = _text(element, "CURDEF", where, required=True).upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise StatementFileError(
            f"currency {currency!r} is not an ISO 4217 code", f"{where}/CURDEF"
        )
    iban, other = _account(element, where)
    transactions = element.find("BANKTRANLIST")
    entries: list[ParsedEntry] = []
    statement_id = ""
    if transactions is not None:
        list_where = f"{where}/BANKTRANLIST"
        start = _date(transactions, "DTSTART", list_where)
        end = _date(transactions, "DTEND", list_where)
        if start and end:
            statement_id = f"{start.isoformat()}/{end.isoformat()}"
        lines = transactions.findall("STMTTRN")
        entries = [
            _entry(line, f"{list_where}/STMTTRN[{index}]", currency)
            for index, line in enumerate(lines, start=1)
        ]
    ledger = element.find("LEDGERBAL")
    if ledger is None:
        raise StatementFileError("the statement has no ledger balance (LEDGERBAL)", where)
    # OFX gives no opening balance: the importer derives it (closing − entries).
    return ParsedStatement(
        format=FORMAT,
        currency=currency,
        account_iban=iban,
        account_other_id=other,
        statement_id=statement_id,
        opening_balance=None,
        opening_date=None,
        closing_balance=_amount(ledger, "BALAMT", f"{where}/LEDGERBAL"),
        closing_date=_date(ledger, "DTASOF", f"{where}/LEDGERBAL", required=True),
        entries=entries,
        where=where,
    )


def _account(element: ET.Element, where: str) -> tuple[str, str]:
    """(IBAN, other identifier): a bank account is "BANKID/ACCTID" (US routing number and
    account number), or "BANKID/BRANCHID/ACCTID" when the bank gives a branch (Canada:
    institution, transit, account); a credit card is its ACCTID; an ACCTID that is a valid
    IBAN is the IBAN."""
    bank = element.find("BANKACCTFROM")
    card = element.find("CCACCTFROM")
    if bank is not None:
        account_where = f"{where}/BANKACCTFROM"
        account = _text(bank, "ACCTID", account_where, required=True)
        parts = [
            _text(bank, "BANKID", account_where),
            _text(bank, "BRANCHID", account_where),
            account,
        ]
    elif card is not None:
        account = _text(card, "ACCTID", f"{where}/CCACCTFROM", required=True)
        parts = [account]
    else:
        raise StatementFileError(
            "the statement names no account (BANKACCTFROM or CCACCTFROM)", where
        )
    compact = account.replace(" ", "").upper()
    if IBAN.fullmatch(compact) and _mod97(compact[4:] + compact[:4]) == 1:
        return compact, ""
    return "", "/".join(part for part in parts if part)


def _mod97(text: str) -> int:
    return int("".join(str(int(char, 36)) for char in text)) % 97


def _entry(line: ET.Element, where: str, currency: str) -> ParsedEntry:
    amount = _amount(line, "TRNAMT", where)
    foreign = line.find("CURRENCY")
    if foreign is not None and _text(foreign, "CURSYM", f"{where}/CURRENCY").upper() != currency:
        # OFX 5.2: with CURRENCY the amount is in that currency; CURRATE converts it.
        rate = _decimal(
            _text(foreign, "CURRATE", f"{where}/CURRENCY", required=True),
            f"{where}/CURRENCY/CURRATE",
        )
        amount = (amount * rate).quantize(CENT)
    payee = line.find("PAYEE")
    posted = _date(line, "DTPOSTED", where, required=True)
    assert posted is not None  # required=True raises instead
    name = _text(line, "NAME", where) or (
        _text(payee, "NAME", f"{where}/PAYEE") if payee is not None else ""
    )
    return ParsedEntry(
        amount=amount,
        booking_date=posted,
        value_date=_date(line, "DTAVAIL", where),
        bank_reference=_text(line, "FITID", where),
        remittance_information=_text(line, "MEMO", where),
        counterparty_name=name,
        bank_transaction_code=_text(line, "TRNTYPE", where).upper(),
        where=where,
    )


def _text(element: ET.Element, tag: str, where: str, *, required: bool = False) -> str:
    child = element.find(tag)
    text = html.unescape((child.text or "").strip()) if child is not None else ""
    if required and not text:
        raise StatementFileError(f"{tag} is missing", f"{where}/{tag}")
    return text


def _decimal(text: str, where: str) -> Decimal:
    # OFX 3.2.9: a period or a comma may be the decimal mark; no thousands separators.
    try:
        return Decimal(text.replace(",", ".") if "." not in text else text)
    except InvalidOperation:
        raise StatementFileError(f"{text!r} is not an amount", where) from None


def _amount(element: ET.Element, tag: str, where: str) -> Decimal:
    text = _text(element, tag, where, required=True)
    amount = _decimal(text, f"{where}/{tag}")
    if not amount.is_finite() or amount.quantize(CENT) != amount:
        raise StatementFileError(f"{text!r} is not an amount in cents", f"{where}/{tag}")
    return amount.quantize(CENT)


def _date(
    element: ET.Element, tag: str, where: str, *, required: bool = False
) -> datetime.date | None:
    """The date as written, that is in the time zone the bracket names (OFX 3.2.8.2); a
    date without a zone is GMT and still that date."""
    text = _text(element, tag, where, required=required)
    if not text:
        return None
    match = DATE.fullmatch(text)
    if not match:
        raise StatementFileError(
            f"{text!r} is not an OFX date (YYYYMMDDHHMMSS.XXX[offset:zone])", f"{where}/{tag}"
        )
    digits = match["date"]
    try:
        return datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise StatementFileError(f"date {text!r} does not exist", f"{where}/{tag}") from None
