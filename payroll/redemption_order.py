"""Which credits of a capital account a debit takes, in the order the bylaws set (pure Python).

A debit of a member's capital account (a redemption paid to them, a loss charged, what the
bylaws keep when they leave, a correction downwards) takes what is still outstanding of the
account's earlier credits. The credits are of two sorts:

- **notices**: the retained parts of patronage dividends (`allocation` entries), each part of
  the written notice of allocation of its year (26 U.S.C. §1388(b));
- **member capital**: what is not a patronage allocation: interest credited on capital,
  corrections upwards, a buy-in paid otherwise than from a distribution, and buy-in instalments
  taken from the cash share when the bylaws count them as paid in money (`buyin_instalments:
  "money"`); under the default (`"notice"`) such an instalment is part of its year's notice,
  like the retained part (`is_notice`).

The law does not say in which order a co-op redeems them; its bylaws do (docs/capital.md,
"Which allocations a redemption pays"). Two settings (`coop.capital_bylaws`):
`redemption_order` orders the notices, oldest first (a revolving fund: "first in, first out")
or newest first; `member_capital_redeemed` puts the member capital after the notices (the
default: the member's stake is the last thing paid back) or before them. Member capital is
always taken oldest first. Ties between credits of one day are broken by their id, so that the
same ledger always gives the same answer.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

OLDEST_FIRST = "oldest_first"
NEWEST_FIRST = "newest_first"
REDEMPTION_ORDERS = (OLDEST_FIRST, NEWEST_FIRST)
AFTER_NOTICES = "after_notices"
BEFORE_NOTICES = "before_notices"
MEMBER_CAPITAL_PLACES = (AFTER_NOTICES, BEFORE_NOTICES)
BUYIN_AS_NOTICE = "notice"
BUYIN_AS_MONEY = "money"
BUYIN_INSTALMENTS = (BUYIN_AS_NOTICE, BUYIN_AS_MONEY)
ZERO = Decimal("0")


def is_notice(
    kind: str, buyin_instalments: str = BUYIN_AS_NOTICE, *, from_cash_share: bool = True
) -> bool:
    """Whether a credit of this kind of capital entry is part of a written notice of allocation:
    an `allocation` always; a `buyin` instalment taken from the cash share of a distribution
    (`from_cash_share`) when the bylaws issue it as part of the notice (§1388(b) counts capital
    stock among notices), not when they count it as paid in money. A buy-in the member paid
    otherwise was never patronage: their own capital."""
    if buyin_instalments not in BUYIN_INSTALMENTS:
        raise ValueError(f"unknown treatment of buy-in instalments {buyin_instalments!r}")
    if kind == "buyin":
        return from_cash_share and buyin_instalments == BUYIN_AS_NOTICE
    return kind == "allocation"


@dataclass(frozen=True)
class Credit:
    """What is still outstanding of one credit of the account."""

    entry_id: int
    date: object  # a datetime.date; only compared with another credit's
    is_notice: bool
    outstanding: Decimal


def ordered(
    credits: Iterable[Credit],
    *,
    redemption_order: str = OLDEST_FIRST,
    member_capital_redeemed: str = AFTER_NOTICES,
) -> list[Credit]:
    """The credits in the order a debit takes them."""
    if redemption_order not in REDEMPTION_ORDERS:
        raise ValueError(f"unknown redemption order {redemption_order!r}")
    if member_capital_redeemed not in MEMBER_CAPITAL_PLACES:
        raise ValueError(f"unknown place of member capital {member_capital_redeemed!r}")
    credits = list(credits)
    notices = sorted(
        (c for c in credits if c.is_notice),
        key=lambda c: (c.date, c.entry_id),
        reverse=redemption_order == NEWEST_FIRST,
    )
    others = sorted((c for c in credits if not c.is_notice), key=lambda c: (c.date, c.entry_id))
    return notices + others if member_capital_redeemed == AFTER_NOTICES else others + notices


def draw(
    amount: Decimal,
    credits: Iterable[Credit],
    *,
    redemption_order: str = OLDEST_FIRST,
    member_capital_redeemed: str = AFTER_NOTICES,
) -> list[tuple[int, Decimal]]:
    """The (credit entry id, amount) parts a debit of `amount` takes: each credit up to what is
    outstanding of it, in the bylaws' order, until the debit is covered. The parts add up to
    `amount`, or to everything outstanding when that is less (the rest is left untied: the
    account went below zero, as the bylaws may allow)."""
    if amount <= 0:
        raise ValueError("a debit takes a positive amount")
    parts: list[tuple[int, Decimal]] = []
    left = amount
    for credit in ordered(
        credits,
        redemption_order=redemption_order,
        member_capital_redeemed=member_capital_redeemed,
    ):
        if left <= 0:
            break
        take = min(left, credit.outstanding)
        if take > 0:
            parts.append((credit.entry_id, take))
            left -= take
    return parts
