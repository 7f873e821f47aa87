"""The bylaws' buy-in: what a new member subscribes, and how much of it a month's pay may take.

Stored in the bylaws JSON under `buyin` (None: the co-op asks no buy-in), in one of two forms:

    {"amount": "1200.00", "payment": "instalments", "monthly_max": "100.00"}
    {"shares": 12, "nominal_value": "100.00", "payment": "at_once"}

An amount alone is one share of that nominal value. `payment` is "at_once" (the whole remaining
buy-in is deducted from the member's first distributions, as far as their cash share allows) or
"instalments" (at most `monthly_max` a month). Amounts are text, as every amount of the bylaws.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coop.money import exceeds_max, format_max

CENT = Decimal("0.01")
# The most shares one subscription holds: far above any co-op's, low enough for the books.
MAX_SHARES = 100_000
PAYMENTS = ("at_once", "instalments")
KEYS = {"amount", "shares", "nominal_value", "payment", "monthly_max"}

HELP = gettext_lazy(
    "The buy-in a new member subscribes when admitted: an amount, or a number of shares at a "
    "nominal value. It is paid at once or in instalments of at most the monthly maximum, "
    "deducted from the member's cash share in each distribution and credited to their capital "
    "account."
)


@dataclass(frozen=True)
class BuyinTerms:
    """The buy-in under the bylaws: `shares` × `nominal_value` = `amount`; `monthly_max` is None
    when it is paid at once."""

    shares: int
    nominal_value: Decimal
    monthly_max: Decimal | None

    @property
    def amount(self) -> Decimal:
        return (self.nominal_value * self.shares).quantize(CENT)


def _amount(raw: Any) -> Decimal | None:
    """A positive amount in cents written as text ("100.00"), else None."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return None
    try:
        amount = Decimal(str(raw).strip())
        # quantize() refuses a number with more digits than the context holds ("1e30")
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
            return None
    except InvalidOperation:
        return None
    return amount.quantize(CENT)


def buyin_errors(value: Any) -> list[str]:
    """What is wrong with a `buyin` setting, each a sentence that names the rule ([] if none).

    A flat list, for the bylaws settings edited as JSON (`coop.bylaws.validate_bylaws`), so each
    sentence about a term is led by the term's key there (`buyin.monthly_max: …`): nothing else
    says which term it is about."""
    return [
        f"buyin.{term}: {message}" if term in KEYS else message
        for term, messages in buyin_problems(value).items()
        for message in messages
    ]


@dataclass(frozen=True)
class BuyinProblem:
    """One thing wrong with a `buyin` setting: the term it is about ("" for the setting as a
    whole), what is wrong (`code`, for a form to say it in its own words) and the sentence the
    API and the admin give."""

    term: str
    code: str
    message: str


def buyin_problems(value: Any) -> dict[str, list[str]]:
    """What is wrong with a `buyin` setting, by the term each sentence is about ("" for the
    setting as a whole; the choice between an amount and shares is about "amount"), so that
    the API files each under the term's path (`action_payload.buyin.monthly_max`). {} if
    nothing is.

    The sentences speak of a term in words, never by its JSON key, and say how the JSON writes
    it ("written as text"): they are the API's. Only the mistakes the form cannot make (a
    setting that does not exist, a payment the form does not offer, a setting that is not an
    object) name keys and values. The proposal form words each `BuyinProblem` itself
    (governance/bylaws_form_checks.py)."""
    problems: dict[str, list[str]] = {}
    for problem in buyin_mistakes(value):
        problems.setdefault(problem.term, []).append(problem.message)
    return problems


def buyin_mistakes(value: Any) -> list[BuyinProblem]:
    """What is wrong with a `buyin` setting, each a `BuyinProblem` ([] if nothing is)."""
    if value is None:
        return []
    if not isinstance(value, dict):
        return [
            BuyinProblem(
                "",
                "not_an_object",
                _('The buy-in is an object such as {"amount": "1200.00"}, or null for none.'),
            )
        ]
    problems: list[BuyinProblem] = []
    most = {"max": format_max()}  # the largest amount the books hold, as the reader writes it

    def add(term: str, code: str, message: str) -> None:
        problems.append(BuyinProblem(term, code, message))

    unknown = sorted(set(value) - KEYS)
    if unknown:
        add(
            unknown[0],
            "unknown_term",
            _("The buy-in has no setting “%(key)s”; its settings are %(known)s.")
            % {"key": unknown[0], "known": ", ".join(sorted(KEYS))},
        )
    has_amount = "amount" in value
    has_shares = "shares" in value or "nominal_value" in value
    amount = _amount(value["amount"]) if has_amount else None
    if has_amount == has_shares:
        add(
            "amount",
            "amount_or_shares",
            _(
                "The buy-in is either an amount or a number of shares at a nominal value of a "
                "share, not both nor neither."
            ),
        )
    elif has_amount and amount is None:
        add(
            "amount",
            "amount",
            _('The buy-in amount is more than 0, in cents, written as text: "1200.00".'),
        )
    elif amount is not None and exceeds_max(amount):
        add("amount", "too_large", _("The buy-in amount is at most %(max)s.") % most)
    elif has_shares:
        shares = value.get("shares")
        if isinstance(shares, bool) or not isinstance(shares, int) or not 1 <= shares <= MAX_SHARES:
            shares = None
            add(
                "shares",
                "shares",
                _("The number of shares of the buy-in is a whole number from 1 to %(most)s.")
                % {"most": MAX_SHARES},
            )
        nominal = _amount(value.get("nominal_value"))
        if nominal is None:
            add(
                "nominal_value",
                "nominal_value",
                _(
                    "The nominal value of a share is more than 0, in cents, written as text: "
                    '"100.00".'
                ),
            )
        elif exceeds_max(nominal):
            add(
                "nominal_value",
                "too_large",
                _("The nominal value of a share is at most %(max)s.") % most,
            )
        elif shares is not None and exceeds_max(nominal * shares):
            # Each term fits, their product does not: the subscription could not be written.
            add(
                "shares",
                "total_too_large",
                _(
                    "The buy-in, the number of shares times the nominal value of a share, is "
                    "at most %(max)s."
                )
                % most,
            )
    payment = value.get("payment", "at_once")
    monthly_max = _amount(value.get("monthly_max"))
    if payment not in PAYMENTS:
        add(
            "payment",
            "payment",
            _('The buy-in is paid at once ("at_once") or in instalments ("instalments").'),
        )
    elif payment == "instalments" and monthly_max is None:
        add(
            "monthly_max",
            "monthly_max_needed",
            _(
                "A buy-in paid in instalments needs the most a month may take, more than 0, in "
                'cents, written as text: "100.00".'
            ),
        )
    elif payment == "instalments" and monthly_max is not None and exceeds_max(monthly_max):
        add(
            "monthly_max",
            "too_large",
            _("The most a month may take of the buy-in is at most %(max)s.") % most,
        )
    elif payment == "at_once" and "monthly_max" in value:
        add(
            "monthly_max",
            "monthly_max_at_once",
            _(
                "A buy-in paid at once has no monthly maximum: the most a month may take is for "
                "a buy-in paid in instalments."
            ),
        )
    return problems


def amended_buyin(buyin: Any, amendment: Any) -> Any:
    """The buy-in after an amendment that names some of its terms: those change, the others
    stay. Naming the amount drops the number of shares and their nominal value, and naming
    either of those drops the amount (the buy-in is one or the other); naming payment at once
    drops the monthly maximum. An amendment that is not an object (null: no buy-in) replaces
    the setting whole, as does any amendment of bylaws that ask no buy-in."""
    if not isinstance(amendment, dict) or not isinstance(buyin, dict):
        return amendment
    kept = dict(buyin)
    if "amount" in amendment:
        kept.pop("shares", None)
        kept.pop("nominal_value", None)
    if "shares" in amendment or "nominal_value" in amendment:
        kept.pop("amount", None)
    if amendment.get("payment") == "at_once":
        kept.pop("monthly_max", None)
    return {**kept, **amendment}


def buyin_terms(settings: dict[str, Any]) -> BuyinTerms | None:
    """The buy-in of validated bylaws settings (defaults filled in), or None when there is none."""
    value = settings.get("buyin")
    if not value:
        return None
    if "amount" in value:
        shares, nominal = 1, _amount(value["amount"])
    else:
        shares, nominal = int(value["shares"]), _amount(value["nominal_value"])
    assert nominal is not None  # validated when stored
    monthly_max = _amount(value["monthly_max"]) if value.get("payment") == "instalments" else None
    return BuyinTerms(shares=shares, nominal_value=nominal, monthly_max=monthly_max)
