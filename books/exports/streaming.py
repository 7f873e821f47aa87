"""Text in, bytes out, in pieces of about 64 KiB: a streamed file's chunks, never the whole."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

PIECE = 64 * 1024


def encoded(
    texts: Iterable[str], encoding: str = "utf-8", errors: str = "strict"
) -> Iterator[bytes]:
    pending: list[str] = []
    size = 0
    for text in texts:
        pending.append(text)
        size += len(text)
        if size >= PIECE:
            yield "".join(pending).encode(encoding, errors)
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode(encoding, errors)
