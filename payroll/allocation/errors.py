"""Why a month's distribution cannot be computed: the refusals, with the figures they name."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from coop.texts import Text
from payroll.allocation.figures import plain_text, ratio_text

if TYPE_CHECKING:
    from payroll.allocation.inputs import MemberId


class DistributionError(Exception):
    """The month's distribution cannot be computed as asked; the message says why and what to do.

    `errors` maps field paths (`revenue`, `members[2].minutes`, `policy.cash_pct`) to messages
    when the error is about input fields; it is empty for errors about the month as a whole.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Mapping[str, list[str]] | None = None,
        text: Text | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = dict(errors or {})
        # `text`, when given, is the message for a person (translated where it is shown)
        self.text = text

    @classmethod
    def of(cls, text: Text) -> DistributionError:
        """The error whose message is `text` (in English here, translated where shown)."""
        return cls(str(text), text=text)


class PolicyError(DistributionError):
    """A distribution policy breaks one of its rules. `field` names the first field to fix.

    `texts` holds every problem of the policy, keyed by field name (the key "" is the policy as
    a whole: the percentages together), each a `coop.texts.Text` that the page or the API
    translates; `errors` is the same in English.
    """

    def __init__(self, texts: Mapping[str, list[Text]]):
        self.texts = {key: list(problems) for key, problems in texts.items()}
        errors = {key: [str(text) for text in problems] for key, problems in self.texts.items()}
        self.field, messages = next(iter(errors.items()))
        super().__init__(messages[0], errors=errors)


class InputError(DistributionError):
    """The month's figures (amounts, members, minutes) break a rule; `errors` names each field."""

    def __init__(self, errors: Mapping[str, list[str]]):
        path, messages = next(iter(errors.items()))
        super().__init__(f"{path}: {messages[0]}" if path else messages[0], errors=errors)


class PayRatioExceeded(DistributionError):
    """The highest rate weight exceeds max_pay_ratio times the lowest (rule 6)."""

    def __init__(
        self,
        *,
        highest: MemberId,
        highest_weight: Decimal,
        lowest: MemberId,
        lowest_weight: Decimal,
        max_pay_ratio: Decimal,
    ):
        self.highest = highest
        self.highest_weight = highest_weight
        self.lowest = lowest
        self.lowest_weight = lowest_weight
        self.ratio = Fraction(highest_weight) / Fraction(lowest_weight)
        self.max_pay_ratio = max_pay_ratio
        super().__init__(
            f"The pay ratio is exceeded: member “{highest}” has rate weight {highest_weight} and "
            f"member “{lowest}” has rate weight {lowest_weight}, a ratio of "
            f"{self.ratio_text} to 1, above the policy's maximum of "
            f"{self.max_pay_ratio_text} to 1. Change the rate weights or adopt a policy with a "
            "higher max_pay_ratio."
        )

    @property
    def ratio_text(self) -> str:
        """The ratio as an exact decimal, or "about x" to 6 decimals."""
        return ratio_text(self.ratio)

    @property
    def max_pay_ratio_text(self) -> str:
        return plain_text(self.max_pay_ratio)
