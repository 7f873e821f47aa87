"""What the billing app tells the core domain about a co-op's invoicing, at start-up.

`coop` imports no app above it, yet two rules of a client's details depend on billing's rows:
an exempt client needs a note unless the co-op's billing settings give one, and a client's
currency may not change while rates or invoices use the old one. Billing registers the two
answers here in its `AppConfig.ready()`; without billing installed, there is no default note
and nothing that holds a currency.
"""

from collections.abc import Callable
from typing import Any

_exemption_note: Callable[[Any], str] | None = None
_currency_holders: list[Callable[[Any, str], str | None]] = []


def register_exemption_note(reader: Callable[[Any], str]) -> None:
    """`reader(cooperative)` returns the co-op's default VAT exemption note ("" if none)."""
    global _exemption_note
    _exemption_note = reader


def register_currency_holder(check: Callable[[Any, str], str | None]) -> None:
    """`check(client, currency)` returns a sentence if rows of the client are in `currency`
    (rates, invoices) and so the client's currency cannot change, or None."""
    if check not in _currency_holders:
        _currency_holders.append(check)


def default_exemption_note(cooperative: Any) -> str:
    return _exemption_note(cooperative) if _exemption_note is not None else ""


def currency_held(client: Any, currency: str) -> str | None:
    """Why the client's currency cannot leave `currency`, or None."""
    for check in _currency_holders:
        reason = check(client, currency)
        if reason:
            return reason
    return None
