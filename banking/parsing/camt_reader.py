"""How the elements of a camt.053/.054 file become statements and entries (`ParsedStatement`,
`ParsedEntry`): the iterparse that expands no entity, the elements dropped as they are read, and
`Reader`, one pass over the file (see `banking.parsing.camt` for the file, its schema and its
copy; pure: no Django).
"""

import datetime
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Protocol, TypedDict

from lxml import etree

from banking.parsing.types import ParsedEntry, ParsedStatement, StatementFileError

CENT = Decimal("0.01")
# The container of entries: a statement in camt.053, a notification in camt.054.
CONTAINERS = {"camt.053": "Stmt", "camt.054": "Ntfctn"}


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def events(source: Readable, schema: etree.XMLSchema | None, events: tuple[str, ...]):
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


def forget(element: etree._Element) -> None:
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


@lru_cache(maxsize=256)
def _qualified(namespace: str, path: str) -> str:
    return "/".join(f"{{{namespace}}}{part}" for part in path.split("/"))


def clean_message(message: str) -> str:
    """libxml2's message without the namespaces: "Element 'Ntry': …"."""
    return re.sub(r"\{(?:urn|http)[^}]*\}", "", message).strip()


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


class Reader:
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

    def read(self, source: Readable, schema: etree.XMLSchema) -> None:
        """The parse's one pass: libxml2 validates against the schema as it reads (an
        XMLSyntaxError), and every entry is made and checked, counted, and dropped."""
        counts = self.counts
        for number, _entry in self.walk(source, schema):
            counts[number] = counts.get(number, 0) + 1

    def walk(
        self, source: Readable, schema: etree.XMLSchema | None = None
    ) -> Iterator[tuple[int, ParsedEntry]]:
        """Each booked entry with its statement's number in the file (from 1)."""
        parsed_events = events(source, schema, ("start", "end"))
        container_tag = self.q(self.container)
        entry_tag = self.q("Ntry")
        statement: ParsedStatement | None = None
        entry_number = 0
        for event, element in parsed_events:
            self.seen_root = True
            if self.data_error is not None:
                # Keep reading so that the schema, which comes first, has its say.
                if event == "end":
                    forget(element)
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
                    forget(element)
                elif element.tag == container_tag:
                    if statement is None:  # a balance-only statement
                        statement = self._statement(element)
                        self.statements.append(statement)
                    forget(element)
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
            return "/".join(part for part in (domain, family, sub) if part)
        return self.text(element, "BkTxCd/Prtry/Cd")

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
        # Not interned: an entry is dropped once read, so an interned string dies with it, and
        # each one interned again churns the interpreter's table of interned strings, which is
        # reallocated (megabytes, twice over while it is copied) more often the longer the file.
        return name, iban, bic
