"""ISO 20022 camt.053 (bank-to-customer statement) and camt.054 (debit/credit notification).

Versions .001.02, .03, .04 and .08 are read; each file is validated against the official XSD of
its own version (vendored in `banking/schemas/`, see its README) while it is read. A version whose
schema is not vendored (.05 to .07) is refused, never read unvalidated.

Memory stays flat as the file grows: the file is read with `lxml.etree.iterparse`, which
validates it against the schema as it goes (libxml2's streaming validation), then read once more
for its data: each `Ntry` is turned into `ParsedEntry`s at its end tag, checked, counted and
cleared from the tree. No statement holds its entries: its `entries` (`CamtEntries`) reads them
from the file again each time they are iterated, so that the import's checks and its writer each
stream them (the file is copied first into a temporary file of the parser's own, so it does not
depend on the caller's file staying open). Streaming validation says what is wrong but not where;
when it fails, a file below `LOCATE_LIMIT` is validated once more as a tree to name the line (the
failure path only).

Only booked entries are read (`Sts` BOOK; `Sts/Cd` BOOK from .08 on): pending (PDNG) and
informational (INFO) entries are not on the account yet. A batch booking (one `Ntry` with
several `TxDtls`) gives one entry per `TxDtls` with that transaction's own amount, when those
amounts add up to the entry's (see `_split`).

The file is refused (StatementFileError naming the line or element) when it is not XML, has a
DTD (entities are never expanded: no XXE, no "billion laughs"), is not camt.053/.054, fails its
XSD, or books an entry in another currency than the account's.
"""

import datetime
import io
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TypedDict

from lxml import etree

from banking.parsing.types import ParsedEntry, ParsedStatement, StatementFileError

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
SCHEMAS = {
    ("camt.053", "02"),
    ("camt.053", "03"),
    ("camt.053", "04"),
    ("camt.053", "08"),
    ("camt.054", "02"),
    ("camt.054", "04"),
    ("camt.054", "08"),
}
NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.001\.(\d\d)")
# How much of the file's start is searched for the namespace.
HEAD_SIZE = 64 * 1024
# Below this size a file that fails its schema is validated again as a tree to name the line.
LOCATE_LIMIT = 16 * 1024 * 1024
CENT = Decimal("0.01")
_COPY_CHUNK = 256 * 1024
# The container of entries: a statement in camt.053, a notification in camt.054.
CONTAINERS = {"camt.053": "Stmt", "camt.054": "Ntfctn"}


def looks_like(head: bytes) -> bool:
    return NAMESPACE.search(head) is not None


def detect(head: bytes) -> tuple[str, str]:
    """The message ("camt.053", "camt.054") and version ("02" … "08") the namespace names."""
    found = NAMESPACE.search(head)
    if found is None:
        raise StatementFileError(
            "This is not an ISO 20022 camt.053 or camt.054 file: its namespace "
            "urn:iso:std:iso:20022:tech:xsd:camt.05x.001.nn is missing.",
            "line 1",
        )
    return found.group(1).decode(), found.group(2).decode()


@cache
def schema_of(message: str, version: str) -> etree.XMLSchema:
    # The schemas are our own files, read with the same refusals as the statements.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    path = SCHEMA_DIR / f"{message}.001.{version}.xsd"
    return etree.XMLSchema(etree.parse(str(path), parser))


def parse(source: BinaryIO, **options: object) -> list[ParsedStatement]:
    source = _own_copy(source)
    start = 0
    message, version = detect(source.read(HEAD_SIZE))
    if (message, version) not in SCHEMAS:
        raise StatementFileError(
            f"{message}.001.{version} is not supported: Cooperage reads {message} versions "
            + ", ".join(f".001.{v}" for m, v in sorted(SCHEMAS) if m == message)
            + ".",
            "line 1",
        )
    schema = schema_of(message, version)
    source.seek(start)
    try:
        _validate(source, schema)
    except etree.XMLSyntaxError as error:
        source.seek(start)
        raise _located(source, schema, error) from None
    source.seek(start)
    reader = _Reader(message, version)
    try:
        reader.read(source)
    except etree.XMLSyntaxError as error:
        # The schema pass does not see a file cut short; this pass does.
        raise StatementFileError(
            "The file is not well-formed XML: " + _clean(str(error.msg)),
            f"line {error.lineno}" if error.lineno else "",
        ) from None
    if reader.data_error is not None:
        raise reader.data_error
    if not reader.seen_root:
        raise StatementFileError("The file is empty.", "line 1")
    for number, statement in enumerate(reader.statements, start=1):
        statement.entries = CamtEntries(
            source, start, message, version, number, reader.counts.get(number, 0)
        )
    return reader.statements


class CamtEntries:
    """One statement's booked entries, read from the file again each time they are iterated
    (nothing is kept): iterable any number of times, even at once. `len` is known from the
    parse; an index or a slice reads up to it (`entries[:20]` stops at the twentieth)."""

    def __init__(
        self, source: BinaryIO, start: int, message: str, version: str, number: int, count: int
    ):
        self._source = source
        self._start = start
        self._message = message
        self._version = version
        self._number = number
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[ParsedEntry]:
        if not self._count:
            return
        reader = _Reader(self._message, self._version)
        for number, entry in reader.walk(_Window(self._source, self._start)):
            if number == self._number:
                yield entry
            elif number > self._number:
                return
        if reader.data_error is not None:  # the file changed since it was parsed
            raise reader.data_error

    def __getitem__(self, index: int | slice) -> ParsedEntry | list[ParsedEntry]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self._count)
            return list(islice(self, start, max(start, stop), step)) if step > 0 else []
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("entry index out of range")
        return next(islice(self, index, None))

    def __repr__(self) -> str:
        return f"<CamtEntries of {self._message} statement {self._number}: {self._count}>"


class _Window:
    """A reader of the source from `start` on, at its own position: two iterations of one
    statement's entries (or of two statements') may go on at once over the same file."""

    def __init__(self, source: BinaryIO, start: int):
        self._source = source
        self._position = start

    def read(self, size: int = -1) -> bytes:
        self._source.seek(self._position)
        data = self._source.read(size)
        self._position += len(data)
        return data


def _events(source: "BinaryIO | _Window", schema: etree.XMLSchema | None, events: tuple[str, ...]):
    """iterparse that expands no entity, loads no DTD and fetches nothing, and refuses a file
    that declares a document type at all."""
    parsed = etree.iterparse(
        source,
        events=events,
        schema=schema,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    first = True
    for event, element in parsed:
        if first:
            first = False
            docinfo = element.getroottree().docinfo
            if docinfo.doctype or docinfo.internalDTD is not None:
                raise StatementFileError(
                    "The file has a document type declaration (DTD); camt files have none, "
                    "and its entities are not read.",
                    "line 1",
                )
        yield event, element


def _validate(source: BinaryIO, schema: etree.XMLSchema) -> None:
    """The schema pass: libxml2 validates as it reads; the tree is dropped as it grows."""
    for _, element in _events(source, schema, ("end",)):
        _forget(element)


def _forget(element: etree._Element) -> None:
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _own_copy(source: BinaryIO) -> BinaryIO:
    """The file from the source's position on, in a temporary file of the parser's own (in
    memory up to `HEAD_SIZE`): the statements' entries read it again after `parse` returns."""
    copy = tempfile.SpooledTemporaryFile(max_size=HEAD_SIZE)  # noqa: SIM115
    shutil.copyfileobj(source, copy, _COPY_CHUNK)
    copy.seek(0)
    return copy  # type: ignore[return-value]


@lru_cache(maxsize=256)
def _qualified(namespace: str, path: str) -> str:
    return "/".join(f"{{{namespace}}}{part}" for part in path.split("/"))


def _clean(message: str) -> str:
    """libxml2's message without the namespaces: "Element 'Ntry': …"."""
    return re.sub(r"\{(?:urn|http)[^}]*\}", "", message).strip()


def _located(source: BinaryIO, schema: etree.XMLSchema, error: etree.XMLSyntaxError):
    """The streaming pass failed: say why, and where when the file is small enough to look."""
    fallback = StatementFileError(
        "The file is not valid XML or breaks the camt schema: " + _clean(str(error.msg))
    )
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(0)
    if size > LOCATE_LIMIT:
        return fallback
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        tree = etree.parse(source, parser)
    except etree.XMLSyntaxError as syntax:
        return StatementFileError(
            "The file is not well-formed XML: " + _clean(str(syntax.msg)),
            f"line {syntax.lineno}" if syntax.lineno else "",
        )
    if schema.validate(tree):
        return fallback
    first = schema.error_log[0]
    return StatementFileError(
        "The file breaks the camt schema (XSD): " + _clean(first.message), f"line {first.line}"
    )


def _decimal(text: str | None, where: str) -> Decimal:
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        raise StatementFileError(f"{text!r} is not an amount.", where) from None
    cents = value.quantize(CENT)
    if cents != value:
        raise StatementFileError(f"{text} has more than two decimal places.", where)
    return cents


def _date(text: str | None, where: str) -> datetime.date:
    # Dt is YYYY-MM-DD; DtTm carries its own offset, and its date is the bank's local date.
    try:
        return _day((text or "").strip()[:10])
    except ValueError:
        raise StatementFileError(f"{text!r} is not a date.", where) from None


@lru_cache(maxsize=1024)
def _day(text: str) -> datetime.date:
    # A statement's entries share a few dates: one object each, not one per entry.
    return datetime.date.fromisoformat(text)


class _Common(TypedDict):
    """What every part of one entry shares."""

    booking_date: datetime.date
    value_date: datetime.date | None
    reversal: bool


class _Reader:
    """One pass over the file: statements at their end tags, entries at theirs."""

    def __init__(self, message: str, version: str):
        self.message = message
        self.version = version
        self.ns = f"urn:iso:std:iso:20022:tech:xsd:{message}.001.{version}"
        self.container = CONTAINERS[message]
        self.statements: list[ParsedStatement] = []
        # Each statement's number of booked entries (by its number in the file, from 1).
        self.counts: dict[int, int] = {}
        self.data_error: StatementFileError | None = None
        self.seen_root = False
        self.account_iban = ""

    # Paths like "Acct/Id/IBAN" in the file's namespace.
    def q(self, path: str) -> str:
        return _qualified(self.ns, path)

    def text(self, element: etree._Element, path: str) -> str:
        found = element.find(self.q(path))
        return (found.text or "").strip() if found is not None else ""

    def read(self, source: BinaryIO) -> None:
        """The data pass: every entry made and checked, counted, and dropped."""
        counts = self.counts
        for number, _entry in self.walk(source):
            counts[number] = counts.get(number, 0) + 1

    def walk(self, source: "BinaryIO | _Window") -> Iterator[tuple[int, ParsedEntry]]:
        """Each booked entry with its statement's number in the file (from 1)."""
        events = _events(source, None, ("start", "end"))
        container_tag = self.q(self.container)
        entry_tag = self.q("Ntry")
        statement: ParsedStatement | None = None
        entry_number = 0
        for event, element in events:
            self.seen_root = True
            if self.data_error is not None:
                # Keep reading so that the schema, which comes first, has its say.
                if event == "end":
                    _forget(element)
                continue
            try:
                if event == "start" and element.tag == container_tag:
                    statement = None
                    entry_number = 0
                elif event == "end" and element.tag == entry_tag and statement is None:
                    # Account and balances come before the entries in every version.
                    statement = self._statement(element.getparent())
                    self.statements.append(statement)
                if event != "end":
                    continue
                if element.tag == entry_tag:
                    entry_number += 1
                    assert statement is not None
                    number = len(self.statements)
                    for entry in self._entries(element, statement, entry_number):
                        yield number, entry
                    _forget(element)
                elif element.tag == container_tag:
                    if statement is None:  # a balance-only statement
                        statement = self._statement(element)
                        self.statements.append(statement)
                    _forget(element)
                    statement = None
            except StatementFileError as error:
                self.data_error = error

    def _where(self, number: int, *rest: str) -> str:
        return "/".join([f"{self.container}[{number}]", *rest])

    def _statement(self, element: etree._Element) -> ParsedStatement:
        number = len(self.statements) + 1
        where = self._where(number)
        currency = self.text(element, "Acct/Ccy")
        balances = element.findall(self.q("Bal"))
        if not currency:
            # Acct/Ccy is optional: then the balances' currency is the account's.
            first = balances[0].find(self.q("Amt")) if balances else None
            currency = first.get("Ccy", "") if first is not None else ""
        statement = ParsedStatement(
            format=self.message,
            currency=currency,
            account_iban=self.text(element, "Acct/Id/IBAN"),
            account_other_id=self.text(element, "Acct/Id/Othr/Id"),
            statement_id=self.text(element, "Id"),
            where=f"{where} (line {element.sourceline})",
        )
        self.account_iban = statement.account_iban
        for index, balance in enumerate(balances, start=1):
            code = self.text(balance, "Tp/CdOrPrtry/Cd")
            if code not in {"OPBD", "PRCD", "CLBD"}:
                continue
            here = f"{where}/Bal[{index}]"
            amount = self._amount(balance, statement, here)
            date_text = self.text(balance, "Dt/Dt") or self.text(balance, "Dt/DtTm")
            on = _date(date_text, here) if date_text else None
            if code == "CLBD":
                statement.closing_balance, statement.closing_date = amount, on
            elif statement.opening_balance is None or code == "OPBD":
                # OPBD is the opening balance; PRCD (the previous closing) stands in for it.
                statement.opening_balance, statement.opening_date = amount, on
        return statement

    def _amount(self, element: etree._Element, statement: ParsedStatement, where: str) -> Decimal:
        amount = element.find(self.q("Amt"))
        assert amount is not None  # the schema requires it
        currency = amount.get("Ccy", "")
        here = f"{where}/Amt (line {amount.sourceline})"
        if statement.currency and currency != statement.currency:
            raise StatementFileError(
                f"The amount is in {currency} but the account is in {statement.currency}.",
                here,
            )
        value = _decimal(amount.text, here)
        return -value if self.text(element, "CdtDbtInd") == "DBIT" else value

    def _bank_code(self, element: etree._Element) -> str:
        domain = self.text(element, "BkTxCd/Domn/Cd")
        if domain:
            family = self.text(element, "BkTxCd/Domn/Fmly/Cd")
            sub = self.text(element, "BkTxCd/Domn/Fmly/SubFmlyCd")
            return sys.intern("/".join(part for part in (domain, family, sub) if part))
        return sys.intern(self.text(element, "BkTxCd/Prtry/Cd"))

    def _entries(
        self, element: etree._Element, statement: ParsedStatement, number: int
    ) -> Iterator[ParsedEntry]:
        status = self.text(element, "Sts/Cd") or self.text(element, "Sts")
        if status != "BOOK":
            return
        where = self._where(len(self.statements), f"Ntry[{number}]")
        amount = self._amount(element, statement, where)
        booked_text = self.text(element, "BookgDt/Dt") or self.text(element, "BookgDt/DtTm")
        if not booked_text:
            raise StatementFileError("A booked entry has no booking date.", f"{where}/BookgDt")
        value_text = self.text(element, "ValDt/Dt") or self.text(element, "ValDt/DtTm")
        common: _Common = {
            "booking_date": _date(booked_text, f"{where}/BookgDt"),
            "value_date": _date(value_text, f"{where}/ValDt") if value_text else None,
            "reversal": self.text(element, "RvslInd").lower() in {"true", "1"},
        }
        bank_reference = self.text(element, "AcctSvcrRef")
        bank_code = self._bank_code(element)
        details: list[tuple[str, etree._Element]] = []
        groups = element.findall(self.q("NtryDtls"))
        for group_index, group in enumerate(groups, start=1):
            group_where = "NtryDtls" if len(groups) == 1 else f"NtryDtls[{group_index}]"
            for index, transaction in enumerate(group.findall(self.q("TxDtls")), start=1):
                details.append((f"{where}/{group_where}/TxDtls[{index}]", transaction))

        amounts = self._split(amount, element, details, statement) if details else None
        if amounts is None:
            # No details, or details that are not the entry's parts: the entry as booked,
            # described by the bank's own words on it (fees, interest, a batch's summary).
            yield ParsedEntry(
                amount=amount,
                bank_reference=bank_reference,
                bank_transaction_code=bank_code,
                remittance_information=self.text(element, "AddtlNtryInf"),
                where=f"{where} (line {element.sourceline})",
                **common,
            )
            return
        for index, ((here, transaction), part) in enumerate(
            zip(details, amounts, strict=True), start=1
        ):
            if len(details) == 1:
                reference = bank_reference or self.text(transaction, "Refs/AcctSvcrRef")
            else:
                # Each part of a batch needs a reference of its own: the transaction's, or
                # the entry's with the transaction's position (stable across imports).
                reference = self.text(transaction, "Refs/AcctSvcrRef") or (
                    f"{bank_reference}/{index}" if bank_reference else ""
                )
            here = f"{here} (line {transaction.sourceline})"
            yield self._entry(transaction, part, reference, bank_code, common, here)

    def _split(
        self,
        amount: Decimal,
        element: etree._Element,
        details: list[tuple[str, etree._Element]],
        statement: ParsedStatement,
    ) -> list[Decimal] | None:
        """The amount of each TxDtls of the entry, signed, or None to book the entry whole.

        The entry's `Amt` is what was booked on the account; a `TxDtls` reports one transaction
        of it (ISO 20022 camt.053 message definition, ReportEntry/EntryDetails/
        TransactionDetails; the German DK "Datenformate" spec, Anlage 3, describes batch
        bookings ("Sammelbuchungen") the same way, with the single amounts in
        `TxDtls/AmtDtls/TxAmt`). A single TxDtls is the entry itself. For several, each gives
        its own amount (`TxDtls/Amt` from .03 on, `TxDtls/AmtDtls/TxAmt/Amt` in every
        version) and sign (`TxDtls/CdtDbtInd` from .03 on, else the entry's). If one has no
        amount, or an amount in another currency, or they do not add up to the entry's
        amount, the details cannot be the entry's parts: the entry is booked whole (the
        bank's booking is the truth; its details are then only descriptive).
        """
        if len(details) == 1:
            return [amount]
        parts: list[Decimal] = []
        for _, transaction in details:
            node = transaction.find(self.q("Amt"))
            if node is None:
                node = transaction.find(self.q("AmtDtls/TxAmt/Amt"))
            if node is None or node.get("Ccy") != statement.currency:
                return None
            try:
                value = _decimal(node.text, "")
            except StatementFileError:
                return None
            sign = self.text(transaction, "CdtDbtInd") or self.text(element, "CdtDbtInd")
            parts.append(-value if sign == "DBIT" else value)
        if sum(parts, Decimal("0.00")) != amount:
            return None
        return parts

    def _entry(
        self,
        transaction: etree._Element,
        amount: Decimal,
        reference: str,
        entry_code: str,
        common: _Common,
        where: str,
    ) -> ParsedEntry:
        end_to_end = self.text(transaction, "Refs/EndToEndId")
        if end_to_end.upper() == "NOTPROVIDED":
            end_to_end = ""
        unstructured = " ".join(
            (node.text or "").strip()
            for node in transaction.findall(self.q("RmtInf/Ustrd"))
            if (node.text or "").strip()
        )
        creditor_reference = ""
        for node in transaction.findall(self.q("RmtInf/Strd/CdtrRefInf/Ref")):
            if (node.text or "").strip():
                creditor_reference = re.sub(r"\s+", "", node.text or "").upper()
                break
        # The other party: for money in (CRDT) the debtor, for money out (DBIT) the
        # creditor; a reversal keeps its booked sign and so its reading. When that party is
        # missing, or is the account itself, the other one.
        role, other = ("Dbtr", "Cdtr") if amount > 0 else ("Cdtr", "Dbtr")
        party = self._party(transaction, role)
        if not any(party) or (party[1] and party[1] == self.account_iban):
            party = self._party(transaction, other) or party
        name, iban, bic = party or ("", "", "")
        return ParsedEntry(
            amount=amount,
            bank_reference=reference,
            end_to_end_id=end_to_end,
            remittance_information=unstructured,
            creditor_reference=creditor_reference,
            counterparty_name=name,
            counterparty_iban=iban,
            counterparty_bic=bic,
            bank_transaction_code=self._bank_code(transaction) or entry_code,
            where=where,
            **common,
        )

    def _party(self, transaction: etree._Element, role: str) -> tuple[str, ...]:
        """Name, IBAN and BIC of the debtor or creditor (names in `Pty/Nm` from .08 on)."""
        name = self.text(transaction, f"RltdPties/{role}/Nm") or self.text(
            transaction, f"RltdPties/{role}/Pty/Nm"
        )
        iban = self.text(transaction, f"RltdPties/{role}Acct/Id/IBAN")
        bic = self.text(transaction, f"RltdAgts/{role}Agt/FinInstnId/BIC") or self.text(
            transaction, f"RltdAgts/{role}Agt/FinInstnId/BICFI"
        )
        if not (name or iban or bic):
            return ()
        # A recurring counterparty's account: one string for the whole file.
        return name, sys.intern(iban), sys.intern(bic)
