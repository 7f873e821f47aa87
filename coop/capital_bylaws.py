"""The bylaws settings of interest on capital accounts and of losses, and their validation.

Kept apart from `coop.bylaws` (which calls `capital_errors`), so that the rules about members'
capital read in one place. The law leaves these choices to the bylaws: the ICA's third
principle ("members usually receive limited compensation, if any, on capital subscribed"),
Spain's Ley 27/1999 art. 48.2 (interest limited by the bylaws, at most six points above the
legal rate of interest) and art. 59 (losses to the reserves, then to the members in proportion
to their activity), Germany's GenG § 21a (interest on the Geschäftsguthaben if the Satzung
says so). docs/capital.md, "Interest" and "Losses", says how Cooperage applies them.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

CAPITAL_DEFAULTS: dict[str, Any] = {
    # The highest yearly interest rate on capital accounts the bylaws allow, in percent: 0 pays
    # no interest until the bylaws set a cap.
    "capital_interest_rate_cap_pct": "0",
    # The yearly rate in force, in percent, at most the cap and written with at most 4 decimals.
    "capital_interest_rate_pct": "0",
    # How often interest is credited: "yearly" (for each calendar year) or "monthly".
    "capital_interest_period": "yearly",
    # Who bears a loss: "reserve_first" (the collective reserve up to its balance, the rest by
    # patronage) or "patronage" (the members' accounts in proportion to their hours: ICA).
    "loss_allocation": "reserve_first",
    # Which allocations a redemption (or a loss, or what is kept on leaving) takes first
    # (payroll.redemption_order, docs/capital.md): the written notices "oldest_first" (a
    # revolving fund) or "newest_first"; and the member's own capital (buy-in, interest)
    # "after_notices" or "before_notices". The law leaves both to the bylaws.
    "redemption_order": "oldest_first",
    "member_capital_redeemed": "after_notices",
    # What a buy-in instalment taken from the cash share is under United States law (26 U.S.C.
    # §1388; payroll.patronage, docs/capital.md): "notice" (part of the year's written notice of
    # allocation: allocated, not paid in money; the conservative reading, since §1388(b) counts
    # capital stock as a notice) or "money" (paid to the member in money, who put it into their
    # buy-in: their own capital). How the bylaws issue the share decides, not the law.
    "buyin_instalments": "notice",
}

INTEREST_PERIODS = ("yearly", "monthly")
LOSS_ALLOCATIONS = ("reserve_first", "patronage")
REDEMPTION_ORDERS = ("oldest_first", "newest_first")
MEMBER_CAPITAL_PLACES = ("after_notices", "before_notices")
BUYIN_INSTALMENTS = ("notice", "money")
RATE_PLACES = 4
HUNDRED = Decimal(100)


def parse_rate(value: Any) -> Decimal:
    """A yearly rate in percent, written as text ("3.5") or a whole number: between 0 and 100,
    at most four decimals. The ValueError's message is a sentence in the active language."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_('write it as text, such as "3.5" (percent a year).'))
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_('write it as a number, such as "3.5" (percent a year).')) from None
    if not rate.is_finite() or not 0 <= rate <= HUNDRED:
        raise ValueError(_("it is between 0 and 100 (percent a year)."))
    exponent = rate.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -RATE_PLACES:
        raise ValueError(_("it has at most 4 decimals."))
    return rate


def interest_rate(settings: dict[str, Any]) -> Decimal:
    """The rate in force under these settings (defaults filled in), in percent a year."""
    return parse_rate(settings["capital_interest_rate_pct"])


def interest_cap(settings: dict[str, Any]) -> Decimal:
    return parse_rate(settings["capital_interest_rate_cap_pct"])


def rate_above_cap(value: dict[str, Any]) -> tuple[Decimal, Decimal] | None:
    """(rate, cap) when the rate in force of these settings (missing keys take the defaults) is
    above the cap; None when it is not, or when either is not a rate (`capital_errors` says so).
    """
    try:
        rate = parse_rate(
            value.get("capital_interest_rate_pct", CAPITAL_DEFAULTS["capital_interest_rate_pct"])
        )
        cap = parse_rate(
            value.get(
                "capital_interest_rate_cap_pct", CAPITAL_DEFAULTS["capital_interest_rate_cap_pct"]
            )
        )
    except ValueError:
        return None
    return (rate, cap) if rate > cap else None


def capital_errors(value: dict[str, Any]) -> list[str]:
    """The errors of the capital settings in a bylaws JSON (missing keys take the defaults)."""
    errors: list[str] = []
    names = {
        "capital_interest_rate_cap_pct": _("The cap on interest on capital"),
        "capital_interest_rate_pct": _("The interest rate on capital"),
    }
    for key, name in names.items():
        try:
            parse_rate(value.get(key, CAPITAL_DEFAULTS[key]))
        except ValueError as error:
            errors.append(_("%(what)s: %(problem)s") % {"what": name, "problem": error})
    above = rate_above_cap(value)
    if above:
        rate, cap = above
        errors.append(
            _(
                "The interest rate on capital (%(rate)s %%) is above the bylaws' cap "
                "(capital_interest_rate_cap_pct, %(cap)s %%): the rate may not exceed the cap."
            )
            % {"rate": rate, "cap": cap}
        )
    if value.get("capital_interest_period", "yearly") not in INTEREST_PERIODS:
        errors.append(
            _('Interest on capital is credited "yearly" or "monthly" (capital_interest_period).')
        )
    if value.get("loss_allocation", "reserve_first") not in LOSS_ALLOCATIONS:
        errors.append(
            _(
                'Losses are charged to the reserve first ("reserve_first") or to the members by '
                'patronage ("patronage") (loss_allocation).'
            )
        )
    if value.get("redemption_order", "oldest_first") not in REDEMPTION_ORDERS:
        errors.append(
            _(
                'A redemption pays the oldest notices of allocation first ("oldest_first") or '
                'the newest first ("newest_first") (redemption_order).'
            )
        )
    if value.get("member_capital_redeemed", "after_notices") not in MEMBER_CAPITAL_PLACES:
        errors.append(
            _(
                "A member's buy-in and interest are paid back after the notices of allocation "
                '("after_notices") or before them ("before_notices") (member_capital_redeemed).'
            )
        )
    if value.get("buyin_instalments", "notice") not in BUYIN_INSTALMENTS:
        errors.append(
            _(
                "A buy-in instalment taken from the cash share is part of the year's notice of "
                'allocation ("notice") or paid in money ("money") (buyin_instalments).'
            )
        )
    return errors
