"""The count sheet of a closed vote as pages and minutes show it: counts as members read them,
and the STV stages with their non-transferable votes and loss by fractions."""

from decimal import Decimal
from fractions import Fraction
from typing import Any

from babel.numbers import format_decimal

from coop.locale_formats import babel_locale


def count_number(text: str) -> str:
    """A count from the tally ("3", "5/2", "12345/100000") as members read it, in the notation
    of the active language: 3, 2.5, 0.12345 in English; 2,5 and 12.345 in Spanish and German.

    Counts are exact multiples of 1/100000 (STV truncates transfer values to five decimals)."""
    value = Fraction(text)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    return format_decimal(
        decimal.quantize(Decimal("0.00001")), format="#,##0.#####", locale=babel_locale()
    )


def stv_stage_rows(stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The STV stages as the count sheet shows them: each candidate's votes, the
    non-transferable votes, the loss by fractions and the total, which is the valid vote at
    every stage. Tallies stored before the loss was recorded get it back from the first stage,
    which has none: the loss is whatever a later stage falls short of the first one's total."""
    if not stages:
        return []
    first = stages[0]
    valid = sum(map(Fraction, first["votes"].values()), Fraction(first["exhausted"]))
    rows = []
    for stage in stages:
        counted = sum(map(Fraction, stage["votes"].values()), Fraction(stage["exhausted"]))
        lost = Fraction(stage.get("fractions_lost", valid - counted))
        rows.append(
            {
                **stage,
                "votes": {option: count_number(v) for option, v in stage["votes"].items()},
                "exhausted": count_number(stage["exhausted"]),
                "fractions_lost": count_number(str(lost)),
                "total": count_number(str(counted + lost)),
            }
        )
    return rows
