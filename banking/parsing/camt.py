"""ISO 20022 camt.053 (bank-to-customer statement) and camt.054 (debit/credit notification).

Versions .001.02, .03, .04 and .08 are read; each file is validated against the official XSD of
its own version (vendored in `banking/schemas/`, see its README) while it is read. A version whose
schema is not vendored (.05 to .07) is refused, never read unvalidated.

Memory stays flat as the file grows. The file is copied into a temporary file of the parser's
own (so that it does not depend on the caller's file staying open), and libxml2 checks that it
is well-formed XML as it is copied, building nothing. Then one pass with `lxml.etree.iterparse`
validates it against the schema as it goes (libxml2's streaming validation) and turns each `Ntry`
into `ParsedEntry`s at its end tag, checked, counted and cleared from the tree; an error in the
data is kept until the end of the pass, so that a schema error, which says more about the file,
is reported first. No statement holds its entries: its `entries` (`CamtEntries`) reads them from
the copy again each time they are iterated, so that the import's checks and its writer each
stream them. Streaming validation says what is wrong but not where; when it fails, a file below
`LOCATE_LIMIT` is validated once more as a tree to name the line (the failure path only).

Only booked entries are read (`Sts` BOOK; `Sts/Cd` BOOK from .08 on): pending (PDNG) and
informational (INFO) entries are not on the account yet. A batch booking (one `Ntry` with
several `TxDtls`) gives one entry per `TxDtls` with that transaction's own amount, when those
amounts add up to the entry's (see `camt_reader.Reader._split`).

The file is refused (StatementFileError naming the line or element) when it is not XML, has a
DTD (entities are never expanded: no XXE, no "billion laughs"), is not camt.053/.054, fails its
XSD, or books an entry in another currency than the account's.
"""

import io
import re
import tempfile
from collections.abc import Iterator
from functools import cache
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from banking.parsing.camt_reader import Reader, clean_message
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
_COPY_CHUNK = 256 * 1024


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
    source, malformed = _own_copy(source)
    start = 0
    message, version = detect(source.read(HEAD_SIZE))
    if (message, version) not in SCHEMAS:
        raise StatementFileError(
            f"{message}.001.{version} is not supported: Cooperage reads {message} versions "
            + ", ".join(f".001.{v}" for m, v in sorted(SCHEMAS) if m == message)
            + ".",
            "line 1",
        )
    if malformed is not None:
        raise malformed
    schema = schema_of(message, version)
    source.seek(start)
    reader = Reader(message, version)
    try:
        reader.read(source, schema)
    except etree.XMLSyntaxError as error:
        source.seek(start)
        raise _located(source, schema, error) from None
    if not reader.seen_root:
        raise StatementFileError("The file is empty.", "line 1")
    if reader.data_error is not None:
        raise reader.data_error
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
        reader = Reader(self._message, self._version)
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


class _NoTree:
    """A parser target without start, end or data: libxml2 reads the XML and builds nothing."""

    def close(self) -> None:
        return None


def _own_copy(source: BinaryIO) -> tuple[BinaryIO, StatementFileError | None]:
    """The file from the source's position on, in a temporary file of the parser's own (in
    memory up to `HEAD_SIZE`): the statements' entries read it again after `parse` returns.

    With it, why the file is not well-formed XML, if it is not: libxml2 reads each chunk as it
    is copied (no tree, no Python call per element), because the validating pass, which expands
    no entity, stops quietly where a file is cut short."""
    copy = tempfile.SpooledTemporaryFile(max_size=HEAD_SIZE)  # noqa: SIM115
    checker = etree.XMLParser(
        target=_NoTree(), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    malformed: StatementFileError | None = None
    while chunk := source.read(_COPY_CHUNK):
        copy.write(chunk)
        if malformed is None:
            malformed = _well_formed(checker.feed, chunk)
    if malformed is None:
        malformed = _well_formed(checker.close)
    copy.seek(0)
    return copy, malformed  # type: ignore[return-value]


def _well_formed(step, *arguments: bytes) -> StatementFileError | None:
    try:
        step(*arguments)
    except etree.XMLSyntaxError as error:
        return StatementFileError(
            "The file is not well-formed XML: " + clean_message(str(error.msg)),
            f"line {error.lineno}" if error.lineno else "",
        )
    return None


def _located(source: BinaryIO, schema: etree.XMLSchema, error: etree.XMLSyntaxError):
    """The streaming pass failed: say why, and where when the file is small enough to look."""
    fallback = StatementFileError(
        "The file is not valid XML or breaks the camt schema: " + clean_message(str(error.msg))
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
            "The file is not well-formed XML: " + clean_message(str(syntax.msg)),
            f"line {syntax.lineno}" if syntax.lineno else "",
        )
    if schema.validate(tree):
        return fallback
    first = schema.error_log[0]
    return StatementFileError(
        "The file breaks the camt schema (XSD): " + clean_message(first.message),
        f"line {first.line}",
    )
