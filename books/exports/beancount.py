"""The journal as a beancount ledger (beancount.github.io), for plain-text accounting tools
(docs/books.md, "Exports").

The file opens the commodity (the co-op's currency) and every account the period uses on the
period's first day, then holds one transaction per entry, in date order, with one posting per
line. An account is named `<Root>:<number>-<Name>`: the root by the account's type (asset →
Assets, liability → Liabilities, equity → Equity, income → Income, expense → Expenses), then
its number and its name in CamelCase, letters and digits only, accents dropped ("Forderungen
aus Lieferungen" → `Assets:1400-ForderungenAusLieferungen`). The entry's id, kind and source
and a line's member and memo are kept as metadata. No balance assertions: the file holds the
period's movements, not the balances brought forward.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator

from books.exports.period import Period, Row, lines_in, rows
from books.exports.streaming import encoded
from books.models import AccountType
from coop.models import Cooperative

ROOTS = {
    AccountType.ASSET: "Assets",
    AccountType.LIABILITY: "Liabilities",
    AccountType.EQUITY: "Equity",
    AccountType.INCOME: "Income",
    AccountType.EXPENSE: "Expenses",
}


def account_name(type: str, number: str, name: str) -> str:
    """Assets:1400-ForderungenAusLieferungen (see the module's docstring)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_name)
    camel = "".join(word[:1].upper() + word[1:] for word in words)
    safe_number = re.sub(r"[^A-Za-z0-9]", "", number).upper() or "X"
    component = f"{safe_number}-{camel}" if camel else safe_number
    return f"{ROOTS[AccountType(type)]}:{component}"


def string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _transaction(entry: list[Row], currency: str) -> Iterator[str]:
    first = entry[0]
    yield f"\n{first.date.isoformat()} * {string(first.description)}\n"
    yield f"  entry: {string(str(first.entry_id))}\n  kind: {string(first.kind)}\n"
    if first.source:
        yield f"  source: {string(first.source)}\n"
    for line in entry:
        yield f"  {account_name(line.type, line.number, line.name)}  {line.amount} {currency}\n"
        if line.member:
            yield f"    member: {string(line.member)}\n"
        if line.memo:
            yield f"    memo: {string(line.memo)}\n"


def _lines(cooperative: Cooperative, period: Period) -> Iterator[str]:
    currency = cooperative.currency
    opened = period.start.isoformat()
    yield f"; {cooperative.name}: the journal from {period.start} to {period.end}\n"
    yield f'option "title" {string(cooperative.name)}\n'
    yield f'option "operating_currency" "{currency}"\n\n{opened} commodity {currency}\n'
    accounts = (
        lines_in(cooperative, period)
        .values_list("account__type", "account__number", "account__name")
        .distinct()
        .order_by("account__number")
    )
    for type, number, name in accounts:
        yield f"{opened} open {account_name(type, number, name)} {currency}\n"
    for _entry, lines in itertools.groupby(rows(cooperative, period), key=lambda r: r.entry_id):
        yield from _transaction(list(lines), currency)


def chunks(cooperative: Cooperative, period: Period) -> Iterator[bytes]:
    return encoded(_lines(cooperative, period))
