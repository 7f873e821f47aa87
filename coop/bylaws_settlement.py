"""The bylaws' `settlement` setting: how a departed member's capital account is paid out.

A member who leaves is paid the refundable part of their capital account (the rest, the
retention, goes to the collective reserve), in instalments that start when the bylaws say.
The law leaves these choices to the bylaws, so they are settings, not constants:

- Germany, GenG §73(2) sentence 2: the balance is paid out "binnen sechs Monaten nach
  Beendigung der Mitgliedschaft", and a membership ends at the end of a financial year (§65(2));
  §73(4) lets the bylaws set other terms and deadlines for the payout.
- Spain, Ley 27/1999 de Cooperativas, art. 51: the bylaws may deduct up to 30% (expulsion) or
  20% (leaving without cause), pay out within five years of leaving, and the unpaid amount earns
  the legal rate of interest.

docs/capital.md, "Leaving", explains every term with a worked example.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

FREQUENCIES = ("monthly", "yearly")
STARTS = ("after_departure", "after_year_end")
APPROVALS = ("treasurer", "vote")
# Spain's five years (art. 51 Ley 27/1999) paid monthly is 60; a longer schedule is allowed, a
# hundred years is not.
MAX_INSTALMENTS = 600
MAX_MONTHS = 120

DEFAULT_SETTLEMENT: dict[str, Any] = {
    # Months between the departure recorded and the settlement date (the day the member's
    # account is settled at): losses up to that day are borne as `bears_losses` says.
    "notice_months": 0,
    # The part of the balance paid back, as a fraction: "0.70" keeps 30% in the reserve.
    "refundable_share": "1",
    # Whether losses charged to the account up to the settlement date reduce the payout; if
    # not, only debits dated up to the departure count.
    "bears_losses": True,
    "instalments": 1,
    "frequency": "yearly",
    # Yearly interest on the unpaid balance, as a fraction ("0.02" is 2% a year).
    "interest_rate": "0",
    # The first instalment is paid by the distribution of the month `start_months` after the
    # settlement date, or after the end of the financial year (the calendar year) in which the
    # settlement date falls. May's distribution is paid in June: 5 months after the year end
    # pays within the six months of GenG §73(2).
    "start": "after_year_end",
    "start_months": 5,
    # Who approves a settlement: the treasurer, or a passed membership proposal.
    "approval": "treasurer",
}


@dataclass(frozen=True)
class SettlementTerms:
    """The `settlement` setting read: every key present, fractions as Decimals."""

    notice_months: int
    refundable_share: Decimal
    bears_losses: bool
    instalments: int
    frequency: str
    interest_rate: Decimal
    start: str
    start_months: int
    approval: str

    @property
    def months_between(self) -> int:
        return 1 if self.frequency == "monthly" else 12


def settlement_terms(bylaws: dict[str, Any] | None) -> SettlementTerms:
    """The terms of these bylaws settings (stored values, else the defaults)."""
    terms = {**DEFAULT_SETTLEMENT, **((bylaws or {}).get("settlement") or {})}
    return SettlementTerms(
        notice_months=int(terms["notice_months"]),
        refundable_share=Decimal(str(terms["refundable_share"])),
        bears_losses=bool(terms["bears_losses"]),
        instalments=int(terms["instalments"]),
        frequency=terms["frequency"],
        interest_rate=Decimal(str(terms["interest_rate"])),
        start=terms["start"],
        start_months=int(terms["start_months"]),
        approval=terms["approval"],
    )


def _fraction_error(value: Any, name: str, most: Decimal) -> str | None:
    problem = _('%(setting)s is a fraction between 0 and %(most)s written as text: "0.70".') % {
        "setting": name,
        "most": most,
    }
    if isinstance(value, bool | float) or not isinstance(value, str | int):
        return problem
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return problem
    if not number.is_finite() or not 0 <= number <= most:
        return problem
    return None


def _whole_error(value: Any, name: str, least: int, most: int) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        return _("%(setting)s is a whole number from %(least)s to %(most)s.") % {
            "setting": name,
            "least": least,
            "most": most,
        }
    return None


def settlement_errors(value: Any) -> list[str]:
    """What is wrong with a `settlement` setting, each a sentence naming the term."""
    if not isinstance(value, dict):
        return [_("The settlement terms are a JSON object (notice_months, instalments…).")]
    unknown = sorted(set(value) - set(DEFAULT_SETTLEMENT))
    if unknown:
        return [
            _("There is no settlement term “%(key)s”; the terms are %(known)s.")
            % {"key": unknown[0], "known": ", ".join(DEFAULT_SETTLEMENT)}
        ]
    checks = [
        _whole_error(value.get("notice_months", 0), "settlement.notice_months", 0, MAX_MONTHS),
        _fraction_error(
            value.get("refundable_share", "1"), "settlement.refundable_share", Decimal(1)
        ),
        _whole_error(value.get("instalments", 1), "settlement.instalments", 1, MAX_INSTALMENTS),
        _fraction_error(value.get("interest_rate", "0"), "settlement.interest_rate", Decimal(1)),
        _whole_error(value.get("start_months", 0), "settlement.start_months", 0, MAX_MONTHS),
    ]
    if not isinstance(value.get("bears_losses", True), bool):
        checks.append(_("settlement.bears_losses is yes (true) or no (false)."))
    if value.get("frequency", "yearly") not in FREQUENCIES:
        checks.append(_('settlement.frequency is "monthly" or "yearly".'))
    if value.get("start", "after_year_end") not in STARTS:
        checks.append(_('settlement.start is "after_departure" or "after_year_end".'))
    if value.get("approval", "treasurer") not in APPROVALS:
        checks.append(
            _('A settlement is approved by the treasurer ("treasurer") or a vote ("vote").')
        )
    return [problem for problem in checks if problem]
