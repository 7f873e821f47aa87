"""Reading the simulator's JSON document value by value, collecting every problem by field path.

Pure Python (no Django); `payroll.simulation` checks the document's shape with it.
"""

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

NON_FIELD = "non_field_errors"
NOT_AN_OBJECT = "The simulation input must be a JSON object."

# Digits and an optional decimal point; no exponent, NaN or Infinity. Bounded so that a
# malicious number cannot make the exact arithmetic slow.
_NUMBER = re.compile(r"-?(?P<whole>[0-9]+)(?:\.(?P<decimals>[0-9]+))?")  # ASCII digits only
_MAX_WHOLE_DIGITS = 15
_MAX_DECIMALS = 12
_NULL = "This field may not be null."


class DocumentReader:
    """Reads JSON values by type and collects the problems, keyed by field path."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path or NON_FIELD, []).append(message)

    def fields(
        self, value: object, path: str, required: tuple[str, ...], optional: tuple[str, ...]
    ) -> Mapping[str, Any]:
        """The object's fields; names each missing required field and each unknown one."""
        if not isinstance(value, Mapping):
            self.add(path, "This must be a JSON object." if path else NOT_AN_OBJECT)
            return {}
        allowed = (*required, *optional)
        for name in required:
            if name not in value:
                self.add(_join(path, name), "This field is required.")
        for name in value:
            if name not in allowed:
                self.add(
                    _join(path, str(name)),
                    f"Unknown field “{name}”: the fields here are {', '.join(sorted(allowed))}.",
                )
        return value

    def list(self, value: object, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.add(path, "This must be a JSON list.")
            return []
        return value

    def mapping(self, value: object, path: str, what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.add(path, f"This must be a JSON object mapping {what}.")
            return {}
        return value

    def text(self, value: object, path: str) -> str | None:
        if value is None:
            self.add(path, _NULL)
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(path, "This must be a non-empty string.")
            return None
        return value

    def minutes(self, value: object, path: str) -> int | None:
        if value is None:
            self.add(path, _NULL)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, "Minutes must be a whole number, such as 9600 (160 hours).")
            return None
        return value

    def decimal(self, value: object, path: str, *, percentage: bool = False) -> Decimal | None:
        """A decimal number given as a string ("0.15") or an integer; never a float."""
        example = '"0.15" for 15%' if percentage else '"1.5"'
        if percentage and isinstance(value, str) and value.strip().endswith("%"):
            self.add(
                path,
                f"“{value}” is not accepted: write a percentage as a fraction of 1, such as "
                '"0.15" for 15%.',
            )
            return None
        return self._number(
            value,
            path,
            float_message=(
                f"Give this number as a string, such as {example}: a JSON number with a "
                "fraction is not exact."
            ),
            bad_text=(
                f"“{value}” is not a decimal number: write it with digits and a decimal "
                f"point, such as {example}."
            ),
            max_decimals=_MAX_DECIMALS,
            decimals_message=f"Give at most {_MAX_DECIMALS} decimals.",
        )

    def money(
        self, value: object, path: str, currency: str | None, exponent: int | None
    ) -> Decimal | None:
        """An amount given as a string ("12000.00") or an integer, with the currency's decimals."""
        if exponent is None:  # an unknown currency, reported already: check the form only
            decimals_message = ""
        elif exponent == 0:
            decimals_message = f"{currency} amounts are whole numbers: “{value}” has decimals."
        else:
            decimals_message = (
                f"{currency} amounts have at most {exponent} decimals: “{value}” has more."
            )
        return self._number(
            value,
            path,
            float_message=(
                'Give amounts as strings, such as "12000.00": a JSON number with a fraction '
                "can lose cents."
            ),
            bad_text=(
                f"“{value}” is not an amount: write it with digits and a decimal point, "
                'such as "12000.00" (no thousands separators or currency signs).'
            ),
            max_decimals=_MAX_DECIMALS if exponent is None else exponent,
            decimals_message=decimals_message or f"Give at most {_MAX_DECIMALS} decimals.",
        )

    def _number(
        self,
        value: object,
        path: str,
        *,
        float_message: str,
        bad_text: str,
        max_decimals: int,
        decimals_message: str,
    ) -> Decimal | None:
        if value is None:
            self.add(path, _NULL)
            return None
        if isinstance(value, float):
            self.add(path, float_message)
            return None
        if isinstance(value, Decimal):  # from Python callers; kept exactly as given
            text = format(value, "f") if value.is_finite() else "not finite"
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)
        elif isinstance(value, str):
            text = value
        else:
            self.add(path, bad_text)
            return None
        match = _NUMBER.fullmatch(text)
        if match is None:
            self.add(path, bad_text)
            return None
        if len(match["whole"].lstrip("0")) > _MAX_WHOLE_DIGITS:
            self.add(path, f"This number has more than {_MAX_WHOLE_DIGITS} digits.")
            return None
        if len(match["decimals"] or "") > max_decimals:
            self.add(path, decimals_message)
            return None
        return Decimal(text)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
