"""A distribution policy checked against the law of the co-op's country (its legal profile).

`shortfalls` is the rule, with no database: each minimum of the profile (coop/legal_profiles.py)
that the policy's shares do not reach, the law's own or the one the law leaves to the bylaws.
`refuse_below_legal_minimum` turns them into the refusal a treasurer or a proposal's author
reads: "Ley 27/1999, art. 58.1: the obligatory reserve fund takes at least 20% of the surplus;
this policy gives 10%".
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.numbers import format_percent
from django.utils.translation import gettext

from coop.bylaws import statutory_reserve_share
from coop.errors import InvalidInputs
from coop.legal_profiles import LegalProfile
from coop.locale_formats import babel_locale


class BelowLegalMinimum(InvalidInputs):
    """A policy gives a fund, or the members' cash, less than the co-op's law requires (a 400
    that names each policy field and the rule it breaks)."""

    code = "below_legal_minimum"


@dataclass(frozen=True)
class Shortfall:
    term: str  # the policy field: reserve_pct, education_pct, cash_pct
    least: Decimal
    given: Decimal
    citation: str
    rule: str  # an English template marked for translation (%(least)s, %(given)s)


def shortfalls(
    profile: LegalProfile, bylaws: Mapping[str, Any] | None, shares: Mapping[str, Decimal]
) -> tuple[Shortfall, ...]:
    """The profile's minimums that the policy's `shares` (fractions of the surplus, or of each
    member's part for cash_pct) fall below, in the profile's order. A minimum the law leaves to
    the bylaws binds only once the bylaws set it."""
    found: list[Shortfall] = []
    for minimum in profile.minimums:
        given = shares[minimum.term]
        if given < minimum.least:
            found.append(
                Shortfall(minimum.term, minimum.least, given, minimum.citation, minimum.rule)
            )
    for bylaws_minimum in profile.bylaws_minimums:
        least = _bylaws_share(bylaws, bylaws_minimum.setting)
        given = shares[bylaws_minimum.term]
        if least is not None and given < least:
            found.append(
                Shortfall(
                    bylaws_minimum.term, least, given, bylaws_minimum.citation, bylaws_minimum.rule
                )
            )
    return tuple(found)


def _bylaws_share(bylaws: Mapping[str, Any] | None, setting: str) -> Decimal | None:
    if setting == "statutory_reserve_pct":
        return statutory_reserve_share(dict(bylaws or {}))
    raise KeyError(setting)  # a profile names a bylaws setting this module does not read


def _percent(fraction: Decimal) -> str:
    return format_percent(fraction.normalize(), locale=babel_locale(), decimal_quantization=False)


def sentence(shortfall: Shortfall) -> str:
    """The refusal in the reader's language, the citation first, as the law writes it."""
    rule = gettext(shortfall.rule) % {
        "least": _percent(shortfall.least),
        "given": _percent(shortfall.given),
    }
    return f"{shortfall.citation}: {rule}."


def policy_shares(policy: Any) -> dict[str, Decimal]:
    """The shares a profile checks, read from a policy (a DistributionPolicy or PolicyTerms)."""
    return {term: getattr(policy, term) for term in ("reserve_pct", "education_pct", "cash_pct")}


def refuse_below_legal_minimum(
    *,
    profile: LegalProfile,
    bylaws: Mapping[str, Any] | None,
    shares: Mapping[str, Decimal],
    field_prefix: str = "",
) -> None:
    """Raise `BelowLegalMinimum`, one message per policy field that falls short, unless the
    policy meets every minimum of the profile. `field_prefix` places the fields in a request
    (a proposal's `action_payload.`)."""
    found = shortfalls(profile, bylaws, shares)
    if not found:
        return
    errors: dict[str, list[str]] = {}
    for shortfall in found:
        errors.setdefault(f"{field_prefix}{shortfall.term}", []).append(sentence(shortfall))
    raise BelowLegalMinimum(errors)
