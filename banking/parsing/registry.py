"""The statement formats Cooperage reads, and how a file's first bytes tell which it is.

Each parser module exposes `looks_like(head: bytes) -> bool` (the first 4 KiB of the file) and
`parse(source: BinaryIO, **options) -> list[ParsedStatement]`; the CSV parser takes the
account's saved column mapping as `mapping=`. Modules are imported when asked for, so that the
registry stays importable while a parser's library is missing.
"""

from importlib import import_module
from types import ModuleType

# Sniffed in this order: the XML formats first, CSV (which looks like anything) never.
MODULES = {
    "camt.053": "banking.parsing.camt",
    "camt.054": "banking.parsing.camt",
    "mt940": "banking.parsing.mt940",
    "ofx": "banking.parsing.ofx",
    "csv": "banking.parsing.csv_statement",
}


def parser_of(format_name: str) -> ModuleType:
    return import_module(MODULES[format_name])
