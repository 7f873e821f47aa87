"""The fingerprint of a bank transaction, which finds the same transaction in two files.

A transaction's fingerprint (`fingerprint_of`) is what makes it the same in two files:

- when the bank gives the entry a reference of its own (camt `AcctSvcrRef`, MT940's bank
  reference after `//`, OFX `FITID`; MT940's `NONREF` is no reference), the SHA-256 of the
  format's family (camt, mt940, ofx, csv), that reference and the occurrence of that reference
  within the statement (a camt batch booking may carry the entry's reference on each detail);
- otherwise the SHA-256 of the booking date, the amount, the counterparty's IBAN, the end-to-end
  ID, the remittance information and the occurrence of that same tuple within the statement (two
  identical coffees on one day are two transactions; the same two in the next file are skipped).

Within a statement only the keys that occur more than once are counted: `_repeated` finds them
from an 8-byte hash of each entry's key (`_key_hash`), which the checks make in their one pass
over the entries (`banking.statement_checks`).
"""

import hashlib
from array import array
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import numpy

from banking.parsing.types import ParsedEntry, ParsedStatement

CENT = Decimal("0.01")
_SEPARATOR = "\x1f"
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "NONE"}


def cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT)


def family_of(format_name: str) -> str:
    return "camt" if format_name.startswith("camt") else format_name


def compact(identifier: str) -> str:
    return "".join((identifier or "").split()).upper()


def fingerprints_of(statement: ParsedStatement) -> list[str]:
    """Each entry's fingerprint, in the statement's order (see the module's docstring)."""
    family = family_of(statement.format)
    hashes = array("Q", (_key_hash(_key(entry, family)) for entry in statement.entries))
    return [fingerprint for _, fingerprint in fingerprinted(statement, _repeated(hashes))]


def fingerprinted(
    statement: ParsedStatement, repeated: frozenset[int]
) -> Iterator[tuple[ParsedEntry, str]]:
    """Each entry with its fingerprint, in one pass: `repeated` holds the hashes of the keys
    that occur more than once in the statement, the only ones counted."""
    seen: Counter[tuple[str, ...]] = Counter()
    family = family_of(statement.format)
    for entry in statement.entries:
        key = _key(entry, family)
        occurrence = 1
        if repeated and _key_hash(key) in repeated:
            seen[key] += 1
            occurrence = seen[key]
        yield entry, fingerprint_of(key, occurrence)


def _key_hash(key: tuple[str, ...]) -> int:
    digest = hashlib.blake2b(_SEPARATOR.join(key).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _repeated(hashes: array) -> frozenset[int]:
    """The hashes that occur more than once (a key's occurrences are then counted; two keys
    sharing a hash are told apart by the count of the keys themselves). Sorts `hashes` in
    place: no copy of 8 bytes an entry."""
    if len(hashes) < 2:
        return frozenset()
    keys = numpy.frombuffer(hashes, dtype=numpy.uint64)
    keys.sort()
    twice = keys[1:][keys[1:] == keys[:-1]]
    return frozenset(int(value) for value in twice)


def _key(entry: ParsedEntry, family: str) -> tuple[str, ...]:
    reference = (entry.bank_reference or "").strip()
    if reference.upper() not in _NO_REFERENCE:
        return ("ref", family, reference)
    return (
        "entry",
        entry.booking_date.isoformat(),
        str(cents(entry.amount)),
        compact(entry.counterparty_iban),
        (entry.end_to_end_id or "").strip(),
        " ".join((entry.remittance_information or "").split()),
    )


def fingerprint_of(key: tuple[str, ...], occurrence: int) -> str:
    text = _SEPARATOR.join((*key, str(occurrence)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
