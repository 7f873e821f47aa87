"""Writing camt.053.001.02 statements (ISO 20022, the version most German and Austrian banks
send): the demo co-op's bank statements and the benchmark's 100,000-entry file, both read back
through the real importer (banking.importing), so that what they store is what a bank's file
would store. Pure: no Django.

One `Ntry` per entry, booked (`Sts` BOOK), with one `TxDtls` carrying the EndToEndId, the
counterparty (the debtor of money in, the creditor of money out) and the unstructured
remittance information; an entry without a counterparty or remittance (a bank fee) has no
details and says what it is in `AddtlNtryInf`. The output is written as a stream of strings,
so that a large file never sits in memory whole.
"""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@dataclass(frozen=True)
class Entry:
    """A booked entry; `amount` is signed: money in is positive."""

    amount: Decimal
    booked: datetime.date
    bank_reference: str
    # camt's BkTxCd Domn/Fmly/SubFmlyCd: a received SEPA credit transfer by default.
    bank_code: str = "PMNT/RCDT/ESCT"
    end_to_end_id: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    note: str = ""  # AddtlNtryInf: the bank's own words, for an entry without details


@dataclass(frozen=True)
class Statement:
    statement_id: str
    iban: str
    currency: str
    opening_balance: Decimal
    opening_date: datetime.date
    closing_balance: Decimal
    closing_date: datetime.date
    created: datetime.datetime


def closing_balance(opening: Decimal, entries: Iterable[Entry]) -> Decimal:
    return opening + sum((entry.amount for entry in entries), Decimal("0.00"))


def _text(tag: str, value: str) -> str:
    return f"<{tag}>{escape(value)}</{tag}>"


def _balance(code: str, amount: Decimal, currency: str, day: datetime.date) -> str:
    sign = "DBIT" if amount < 0 else "CRDT"
    return (
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="{currency}">{abs(amount):.2f}</Amt><CdtDbtInd>{sign}</CdtDbtInd>'
        f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
    )


def _bank_code(code: str) -> str:
    domain, family, sub = [*code.split("/"), "", "", ""][:3]
    return (
        f"<BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd>"
        f"<SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>"
    )


def _details(entry: Entry) -> str:
    if not (entry.end_to_end_id or entry.counterparty_name or entry.remittance):
        return ""
    parts = ["<NtryDtls><TxDtls>"]
    if entry.end_to_end_id:
        parts.append(f"<Refs>{_text('EndToEndId', entry.end_to_end_id)}</Refs>")
    if entry.counterparty_name or entry.counterparty_iban:
        party, account = ("Dbtr", "DbtrAcct") if entry.amount > 0 else ("Cdtr", "CdtrAcct")
        parts.append("<RltdPties>")
        if entry.counterparty_name:
            parts.append(f"<{party}>{_text('Nm', entry.counterparty_name[:70])}</{party}>")
        if entry.counterparty_iban:
            parts.append(
                f"<{account}><Id>{_text('IBAN', entry.counterparty_iban)}</Id></{account}>"
            )
        parts.append("</RltdPties>")
    if entry.remittance:
        parts.append(f"<RmtInf>{_text('Ustrd', entry.remittance[:140])}</RmtInf>")
    parts.append("</TxDtls></NtryDtls>")
    return "".join(parts)


def _entry(entry: Entry, currency: str) -> str:
    day = entry.booked.isoformat()
    sign = "DBIT" if entry.amount < 0 else "CRDT"
    note = _text("AddtlNtryInf", entry.note) if entry.note else ""
    return (
        f'<Ntry><Amt Ccy="{currency}">{abs(entry.amount):.2f}</Amt>'
        f"<CdtDbtInd>{sign}</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>"
        f"{_text('AcctSvcrRef', entry.bank_reference)}{_bank_code(entry.bank_code)}"
        f"{_details(entry)}{note}</Ntry>\n"
    )


def camt053(statement: Statement, entries: Iterable[Entry]) -> Iterator[str]:
    """The file, piece by piece (join them, or write them to a file as they come)."""
    created = statement.created.isoformat(timespec="seconds")
    yield (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{NAMESPACE}">'
        f"<BkToCstmrStmt><GrpHdr>{_text('MsgId', statement.statement_id)}"
        f"<CreDtTm>{created}</CreDtTm></GrpHdr>\n"
        f"<Stmt>{_text('Id', statement.statement_id)}<CreDtTm>{created}</CreDtTm>"
        f"<Acct><Id>{_text('IBAN', statement.iban)}</Id><Ccy>{statement.currency}</Ccy></Acct>"
        + _balance("OPBD", statement.opening_balance, statement.currency, statement.opening_date)
        + _balance("CLBD", statement.closing_balance, statement.currency, statement.closing_date)
        + "\n"
    )
    for entry in entries:
        yield _entry(entry, statement.currency)
    yield "</Stmt></BkToCstmrStmt></Document>\n"


def camt053_bytes(statement: Statement, entries: Iterable[Entry]) -> bytes:
    return "".join(camt053(statement, entries)).encode()
