"""The explanation of a member's share in the reader's language, for pages and payslips.

A distribution line stores the computation's steps with their figures
(`payroll.allocation.explanation`); the sentences are written here, when a page or a PDF is
rendered, with gettext in the active language. Lines stored before the steps existed keep
their English sentence (`explanation["text"]`), which is shown as it is.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext

from payroll.allocation.explanation import sentences


def explain(steps: Sequence[Mapping[str, Any]], currency: str) -> list[str]:
    """The steps as sentences in the active language, one per step."""
    return sentences(steps, currency, gettext)


def explain_line(
    explanation: Mapping[str, Any], currency: str, *, translated: bool = True
) -> list[str]:
    """A stored line's explanation in words: its steps, or the sentence of an older line.

    `translated=False` writes it in English whatever the active language, for what machines
    read (the API does not change with the language).
    """
    if explanation.get("steps"):
        if not translated:
            return sentences(explanation["steps"], currency)
        return explain(explanation["steps"], currency)
    return [explanation["text"]] if explanation.get("text") else []
