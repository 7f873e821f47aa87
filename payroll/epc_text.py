"""Names and references in the character set that SEPA banks accept (no Django here).

The EPC's SEPA implementation guidelines (EPC132-08, "Character set") restrict the text of a
credit transfer to the basic Latin set::

    a-z A-Z 0-9 / - ? : ( ) . , ' + and the space

A bank may accept more, but a file that keeps to this set is accepted by every bank. A member's
legal name is whatever they wrote ("Zoë Ñúñez-Øster", "Łukasz", "Ελένη", "王小明"): it is
transliterated with anyascii (a maintained Unicode-to-ASCII table covering every script), then
whatever is still outside the set (emoji, control characters, "_", "&", …) is dropped or
replaced, so that the file never fails to build because of a name.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

EPC_CHARACTERS = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_SPACES = re.compile(r"\s+")
# Symbols and invisible characters have no name to transliterate (anyascii spells emoji as
# ":slight_smile:"); they go before transliteration.
_DROPPED_CATEGORIES = ("So", "Sk", "Cc", "Cf", "Cs", "Co", "Cn")
_REPLACEMENTS = str.maketrans({"&": "+", "_": " ", "\u2019": "'", "\u2018": "'", '"': "'"})


def epc_text(text: str, limit: int, *, fallback: str = "") -> str:
    """`text` in the EPC character set, spaces collapsed, at most `limit` characters.

    An empty result (a name made only of emoji, say) becomes `fallback`, so that a required
    element of the file is never empty.
    """
    kept = "".join(
        character
        for character in unicodedata.normalize("NFC", text or "")
        if unicodedata.category(character) not in _DROPPED_CATEGORIES or character in "\t\n\r"
    )
    ascii_text = anyascii(kept).translate(_REPLACEMENTS)
    cleaned = _SPACES.sub(" ", EPC_CHARACTERS.sub(" ", ascii_text)).strip()
    cleaned = cleaned[:limit].rstrip()
    if not cleaned:
        cleaned = epc_text(fallback, limit) if fallback else ""
    return cleaned
