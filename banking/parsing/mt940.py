"""Read SWIFT MT940 customer statements, with the German banks' structured `:86:` (pure).

The file is split into fields here, so that every message can name its line; the fields'
own syntax (`:61:`, `:60F:`…) is matched by the patterns of the maintained `mt-940` library
(`mt940.tags`). What each field means follows the SWIFT MT940 field specifications and, for
`:86:`, the German banking industry's "Spezifikation der Datenformate" (DFÜ-Abkommen,
Anlage 3, chapter 8.2.4: GVC, `?00` posting text, `?10` primanota, `?20`–`?29` and
`?60`–`?63` purpose, `?30` BIC, `?31` account or IBAN, `?32`/`?33` name, `?34` text key
addition; each SEPA keyword such as `EREF+` starts a subfield and continues in the next one
without repeating itself). docs/bank.md ("## Formats") explains the choices made here.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

import mt940  # mt-940's own `mt940.models` is plain Python, not a Django models module

from banking.parsing.types import ParsedEntry, ParsedStatement, StatementFileError

FORMAT = "mt940"
# The library's field parsers, whose patterns read `:61:` and the balances.
STATEMENT_LINE = mt940.tags.Statement()
BALANCE_FIELD = mt940.tags.FinalOpeningBalance()

UTF8_BOM = b"\xef\xbb\xbf"
TAG_LINE = re.compile(r":(?P<tag>\d{2}[A-Z]?|NS):(?P<value>.*)", re.DOTALL)
AMOUNT = re.compile(r"\d{1,12},\d{0,2}|\d{1,12}")
CURRENCY = re.compile(r"[A-Z]{3}")
IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
BIC = re.compile(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?")
# The DK's `?` separates subfields; Polish (ZBP) and some other banks use `~` or `^`.
STRUCTURED_86 = re.compile(r"(?P<gvc>\d{3})(?P<rest>(?P<separator>[?~^])\d{2}.*)?", re.DOTALL)
SEPA_KEYWORD = re.compile(
    r"(?<![A-Za-z0-9])(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC|COAM|OAMT|PURP|"
    r"MDAT|SQTP|ORCR|ORMR|DDAT)\+"
)
CREDITOR_REFERENCE = re.compile(r"(?<![A-Z0-9])RF\d{2} ?(?P<tail>[0-9A-Z]+(?: [0-9A-Z]+)*)")
NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}
PURPOSE_SUBFIELDS = {f"{number:02d}" for number in (*range(20, 30), *range(60, 64))}
# A subfield of `:86:` holds at most 27 characters, a line of a field 65; a shorter piece
# was ended on purpose (a word ends there), a full one was cut and goes on in the next.
SUBFIELD_WIDTH = 27
LINE_WIDTH = 65


def looks_like(head: bytes) -> bool:
    """True if the file starts (after a BOM, SWIFT blocks `{1:…}{2:…}{4:` and at most three
    lines of a bank's own header, such as ING's `0000 01…` or Rabobank's `:940:`) with `:20:`
    and names an account (`:25:`) and an opening balance (`:60F:`/`:60M:`)."""
    text = _without_swift_blocks(head.removeprefix(UTF8_BOM).decode("latin-1").lstrip())
    lines = text.lstrip().splitlines()
    for index, line in enumerate(lines[:4]):
        if line.startswith(":20:"):
            rest = "\n".join(lines[index:])
            return ":25:" in rest and (":60F:" in rest or ":60M:" in rest)
        if TAG_LINE.match(line):
            return False
    return False


def parse(
    source: BinaryIO, *, encoding: str | None = None, **options: object
) -> list[ParsedStatement]:
    """Every statement of the file (`:20:` … `-`), in the file's order."""
    text = decode(source.read(), encoding)
    statements = [_statement(block) for block in _blocks(text)]
    if not statements:
        raise StatementFileError("no statement (a :20: field) in the file", "line 1")
    return statements


def decode(data: bytes, encoding: str | None = None) -> str:
    """The file's text. An `encoding` given by the caller wins; else a UTF-8 BOM or valid
    UTF-8 means UTF-8; else CP852 if it reads as more letters than Latin-1 does, else Latin-1.

    Latin-1 (ISO 8859-1) is what Western European banks send when not UTF-8; CP852 is what
    Polish, Czech and Hungarian banks' DOS-era exports use. Bytes 0x80–0x9F are control
    characters in Latin-1 and letters (ł, ś, ü, é…) in CP852; 0xA0–0xDF are mostly symbols in
    one and box drawing in the other, so counting the letters each reading gives tells them
    apart. A tie (ä, ö, ü, é in Latin-1 are also letters in CP852) goes to Latin-1.
    """
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError) as error:
            raise StatementFileError(f"the file cannot be read as {encoding}: {error}") from None
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    latin1, cp852 = data.decode("latin-1"), data.decode("cp852")
    return cp852 if _letters(cp852) > _letters(latin1) else latin1


def _letters(text: str) -> int:
    return sum(1 if char.isalpha() else -1 for char in text if ord(char) > 0x7F)


def _without_swift_blocks(text: str) -> str:
    """The text after the SWIFT basic, application and user header blocks and `{4:`."""
    while text.startswith("{"):
        if text.startswith("{4:"):
            return text[3:]
        depth = 0
        for index, char in enumerate(text):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                text = text[index + 1 :].lstrip()
                break
        else:
            return ""
    return text


@dataclass
class Field:
    tag: str
    lines: list[str]
    line: int

    @property
    def where(self) -> str:
        return f"line {self.line}"


@dataclass
class Block:
    """The fields of one statement, from its `:20:` to its `-` (or the next `:20:`)."""

    line: int
    fields: list[Field] = field(default_factory=list)


def _blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if stripped.startswith("{"):
            # A SWIFT header ({1:…}{2:…}{4:) or trailer ({5:…}); what follows `{4:` is content.
            line = _without_swift_blocks(stripped)
            stripped = line.strip()
        if stripped == "-" or stripped.startswith("-}"):
            current = None
            continue
        if not stripped:
            continue
        match = TAG_LINE.match(line)
        if match and match["tag"] == "20":
            current = Block(number)
            blocks.append(current)
        if current is None:
            # Before the first :20: (bank headers such as ING's "0000 01…" or ":940:"),
            # or between a statement's end and the next :20:.
            if match:
                raise StatementFileError(
                    f"field :{match['tag']}: outside a statement (no :20: before it)",
                    f"line {number}",
                )
            continue
        if match:
            current.fields.append(Field(match["tag"], [match["value"]], number))
        elif current.fields:
            current.fields[-1].lines.append(line)
    return blocks


def _statement(block: Block) -> ParsedStatement:
    where = f"line {block.line}"
    reference = number = account = ""
    opening: tuple[Decimal, datetime.date, str] | None = None
    closing: tuple[Decimal, datetime.date, str] | None = None
    entries: list[tuple[Field, Field | None]] = []
    for item in block.fields:
        value = "".join(item.lines).strip()
        if item.tag == "20":
            reference = value
        elif item.tag == "25":
            account = value
        elif item.tag in ("28C", "28"):
            number = value
        elif item.tag in ("60F", "60M", "60"):
            if opening is None:
                opening = _balance(item, value)
        elif item.tag in ("62F", "62M", "62"):
            closing = _balance(item, value)
        elif item.tag == "61":
            if closing is not None:
                raise StatementFileError("a :61: entry after the closing balance", item.where)
            entries.append((item, None))
        elif item.tag == "86" and entries and entries[-1][1] is None and closing is None:
            entries[-1] = (entries[-1][0], item)
    if not account:
        raise StatementFileError("the statement has no account (:25:)", where)
    if opening is None:
        raise StatementFileError("the statement has no opening balance (:60F: or :60M:)", where)
    if closing is None:
        raise StatementFileError("the statement has no closing balance (:62F: or :62M:)", where)
    currency = opening[2]
    if closing[2] != currency:
        raise StatementFileError(
            f"the closing balance is in {closing[2]}, the opening balance in {currency}",
            _closing_where(block),
        )
    iban = _iban_of(account)
    return ParsedStatement(
        format=FORMAT,
        currency=currency,
        account_iban=iban,
        account_other_id="" if iban else account,
        statement_id=f"{reference}/{number}" if number else reference,
        opening_balance=opening[0],
        opening_date=opening[1],
        closing_balance=closing[0],
        closing_date=closing[1],
        entries=[_entry(line, details) for line, details in entries],
        where=where,
    )


def _closing_where(block: Block) -> str:
    return next(item.where for item in reversed(block.fields) if item.tag.startswith("62"))


def _iban_of(account: str) -> str:
    """The IBAN of a `:25:` that is one (some banks add the currency: `DE…EUR`), else ""."""
    compact = account.replace(" ", "").upper().lstrip("/")
    for candidate in (compact, compact[:-3] if CURRENCY.fullmatch(compact[-3:]) else ""):
        if candidate and IBAN.fullmatch(candidate) and _mod97(candidate[4:] + candidate[:4]) == 1:
            return candidate
    return ""


def _mod97(text: str) -> int:
    return int("".join(str(int(char, 36)) for char in text)) % 97


def _balance(item: Field, value: str) -> tuple[Decimal, datetime.date, str]:
    """`:60F:`/`:62F:` etc.: mark C or D, date YYMMDD, currency, amount with a decimal comma."""
    groups = _match(BALANCE_FIELD, value, item)
    amount = _amount(groups["amount"] or "", item)
    currency = (groups["currency"] or "").upper()
    if not CURRENCY.fullmatch(currency):
        raise StatementFileError(f"currency {currency!r} is not an ISO 4217 code", item.where)
    date = _date(f"{groups['year']}{groups['month']}{groups['day']}", item)
    return (-amount if (groups["status"] or "").upper() == "D" else amount), date, currency


def _match(tag: mt940.tags.Tag, value: str, item: Field) -> dict[str, str | None]:
    # The tag's compiled pattern, matched directly: `Tag.parse` logs each mismatch as an error.
    match = tag.re.match(value)
    if match is None:
        raise StatementFileError(
            f"the :{item.tag}: field is not valid MT940: {value[:70]!r}", item.where
        )
    return match.groupdict()


def _amount(text: str, item: Field) -> Decimal:
    if not AMOUNT.fullmatch(text):
        raise StatementFileError(
            f"amount {text!r} is not an MT940 amount (digits, a decimal comma)", item.where
        )
    try:
        return Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise StatementFileError(f"amount {text!r} has more than 2 decimals", item.where) from None


def _date(yymmdd: str, item: Field) -> datetime.date:
    try:
        return datetime.date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6]))
    except ValueError:
        raise StatementFileError(f"date {yymmdd!r} (YYMMDD) does not exist", item.where) from None


def entry_date(value_date: datetime.date, mmdd: str) -> datetime.date | None:
    """The entry date `MMDD` of a `:61:` in the year that puts it nearest its value date:
    value date 2026-12-31 and entry date 0102 give 2027-01-02; 2027-01-02 and 1231 give
    2026-12-31. None if no year makes `MMDD` a date."""
    month, day = int(mmdd[:2]), int(mmdd[2:])
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(datetime.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda date: abs(date - value_date), default=None)


def _entry(line: Field, details: Field | None) -> ParsedEntry:
    """`:61:` value date, [entry date], mark C/D/RC/RD, [funds code], amount, type `Nxxx`,
    customer reference [//bank reference] [supplementary details on the next line]."""
    groups = _match(STATEMENT_LINE, "\n".join(part.strip() for part in line.lines), line)
    value_date = _date(f"{groups['year']}{groups['month']}{groups['day']}", line)
    booking_date = value_date
    mmdd = f"{groups['entry_month'] or ''}{groups['entry_day'] or ''}"
    if mmdd.strip():
        found = entry_date(value_date, mmdd) if len(mmdd) == 4 and mmdd.isdigit() else None
        if found is None:
            raise StatementFileError(f"entry date {mmdd!r} (MMDD) does not exist", line.where)
        booking_date = found
    mark = (groups["status"] or "").upper()
    amount = _amount(groups["amount"] or "", line)
    # C credit, D debit; RC reverses a credit (money out), RD reverses a debit (money in).
    if mark in ("D", "RC"):
        amount = -amount
    transaction_type = (groups["id"] or "").upper()
    if not transaction_type:
        # SWIFT makes it mandatory; without it the amount's end cannot be told for sure.
        raise StatementFileError(
            "the :61: entry has no transaction type (N, S or F and 3 characters) after its amount",
            line.where,
        )
    customer_reference = (groups["customer_reference"] or "").strip()
    bank_reference = (groups["bank_reference"] or "").strip()
    purpose = _details(details) if details else Details()
    end_to_end_id = purpose.end_to_end_id
    if not end_to_end_id and customer_reference.upper() not in NO_REFERENCE:
        end_to_end_id = customer_reference
    code = f"{transaction_type}/{purpose.gvc}" if purpose.gvc else transaction_type
    return ParsedEntry(
        amount=amount,
        booking_date=booking_date,
        value_date=value_date,
        bank_reference="" if bank_reference.upper() in NO_REFERENCE else bank_reference,
        end_to_end_id=end_to_end_id,
        remittance_information=purpose.remittance,
        creditor_reference=_creditor_reference(purpose.remittance),
        counterparty_name=purpose.name,
        counterparty_iban=purpose.iban,
        counterparty_bic=purpose.bic,
        bank_transaction_code=code,
        reversal=mark.startswith("R"),
        where=line.where,
    )


@dataclass
class Details:
    """What a `:86:` says of an entry."""

    gvc: str = ""
    remittance: str = ""
    end_to_end_id: str = ""
    name: str = ""
    iban: str = ""
    bic: str = ""


def _details(item: Field) -> Details:
    """A German structured `:86:` (GVC then `?nn` subfields), else free text."""
    structured = STRUCTURED_86.fullmatch("".join(item.lines).strip())
    if not structured:
        return Details(remittance=_join(item.lines, LINE_WIDTH))
    subfields: list[tuple[str, str]] = []
    rest = structured["rest"] or ""
    separator = re.escape(structured["separator"] or "?")
    pieces = re.split(separator + r"(\d{2})", rest)[1:]
    for code, text in zip(pieces[::2], pieces[1::2], strict=True):
        subfields.append((code, text))
    found: dict[str, list[str]] = {}
    for code, text in subfields:
        found.setdefault(code, []).append(text)
    keywords, free = _sepa_keywords([text for code, text in subfields if code in PURPOSE_SUBFIELDS])
    remittance = " ".join(part for part in (free, keywords.get("SVWZ", "")) if part)
    account = "".join(found.get("38", []) or found.get("31", [])).replace(" ", "").upper()
    end_to_end_id = keywords.get("EREF", "")
    # ?30 is a BIC, or a domestic bank code (a German BLZ, a Polish sort code) that is not one.
    bic = "".join(found.get("30", [])).strip().upper()
    return Details(
        gvc=structured["gvc"],
        remittance=remittance,
        end_to_end_id="" if end_to_end_id.upper() in NO_REFERENCE else end_to_end_id,
        name=_join(found.get("32", []) + found.get("33", []), SUBFIELD_WIDTH),
        iban=account if IBAN.fullmatch(account) else "",
        bic=bic if BIC.fullmatch(bic) else "",
    )


def _join(pieces: list[str], width: int) -> str:
    """Pieces of text cut at `width` characters go on without a blank; shorter ones ended a word.
    (A field's first line shares its 65 characters with the tag `:86:`.)"""
    text = ""
    for index, piece in enumerate(pieces):
        full = width - len(":86:") if width == LINE_WIDTH and index == 1 else width
        if index and len(pieces[index - 1]) < full:
            text = text.rstrip() + " "
        text += piece
    return " ".join(text.split()) if width == LINE_WIDTH else text.strip()


def _sepa_keywords(purpose: list[str]) -> tuple[dict[str, str], str]:
    """The SEPA keywords' values (`EREF+…`, `SVWZ+…`) and the text before the first one."""
    text = ""
    for index, piece in enumerate(purpose):
        if index and (SEPA_KEYWORD.match(piece) or len(purpose[index - 1]) < SUBFIELD_WIDTH):
            text = text.rstrip() + " "
        text += piece
    parts = SEPA_KEYWORD.split(text)
    free = " ".join(parts[0].split())
    values: dict[str, str] = {}
    for keyword, value in zip(parts[1::2], parts[2::2], strict=True):
        values[keyword] = " ".join(value.split()) if keyword == "SVWZ" else value.strip()
    return values, free


def _creditor_reference(text: str) -> str:
    """The first ISO 11649 creditor reference in the text: `RF`, 2 check digits and up to 21
    letters or digits (printed whole or in groups of four), whose mod-97 check holds."""
    for match in CREDITOR_REFERENCE.finditer(text.upper()):
        head = match.group()[:4]
        tail = ""
        candidates = []
        for group in match["tail"].split(" "):
            if len(tail + group) > 21:
                break
            tail += group
            candidates.append(tail)
        for candidate in reversed(candidates):
            if _mod97(candidate + head) == 1:
                return head + candidate
    return ""
