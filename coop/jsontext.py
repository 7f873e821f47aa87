"""JSON text read with a nesting limit, so that `[[[[…]]]]` is a parse error, never a crash.

Python's `json` module recurses once per level of nesting: a body a few thousand levels deep
raises `RecursionError` (and anything that walks the result recurses again). Every JSON the
project reads from a person or a script (API bodies, the proposal form's action details) goes
through `loads`, which counts the nesting first, without recursion, and refuses a document
deeper than `MAX_DEPTH`. No document Cooperage accepts comes close to it.
"""

import json
import re
from typing import Any

MAX_DEPTH = 32

# A string (with its escapes) or a bracket: brackets inside strings do not count.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class TooDeep(ValueError):
    """The document nests deeper than MAX_DEPTH."""

    def __init__(self, limit: int):
        super().__init__(f"JSON nested deeper than {limit} levels is not accepted")
        self.limit = limit


def nesting_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of arrays and objects in `text`; stops counting past `limit`."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        piece = match.group()
        if piece in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif piece in "]}":
            depth -= 1
    return deepest


def loads(text: str | bytes, *, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """`json.loads`, refusing (with `TooDeep`, a ValueError) a document nested too deep."""
    if isinstance(text, bytes | bytearray):
        text = text.decode()
    if nesting_depth(text, max_depth) > max_depth:
        raise TooDeep(max_depth)
    try:
        return json.loads(text, **kwargs)
    except RecursionError:  # belt and braces: never a 500
        raise TooDeep(max_depth) from None
