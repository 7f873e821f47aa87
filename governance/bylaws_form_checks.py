"""The bylaws amendment form's own refusals, in the form's words: the field's label, numbers as
the page's language writes them, beside the field they are about.

The bylaws' validators (coop/bylaws.py and its neighbours) answer the API and the admin, who
write JSON: their sentences name keys and say "written as text". The form's fields check each
number against the same bounds first (`SettingNumber`, `WholeNumberSetting`, `ShareSetting`),
and `amendment_refusals` words what only the amended bylaws as a whole can tell (a buy-in in
shares without a nominal value, a rate above the cap) from the validators' own findings
(`coop.bylaws_buyin.buyin_mistakes`, `coop.capital_bylaws.rate_above_cap`), so that a web user
never meets the API's sentences.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel import numbers as babel_numbers
from django import forms
from django.utils.translation import gettext as _

from coop.bylaws import merged_with_defaults, parse_share
from coop.bylaws_buyin import BuyinProblem, amended_buyin, buyin_mistakes
from coop.capital_bylaws import rate_above_cap
from coop.forms import LocalizedDecimalField, page_locale
from coop.money import MAX_AMOUNT

BUYIN = "buyin_"  # the prefix of the buy-in terms' fields


def shown(number: Decimal | int) -> str:
    """A number as the page's language writes it: 100.000 and 2,5 in German."""
    return babel_numbers.format_decimal(number, locale=page_locale(), decimal_quantization=False)


class SettingNumber(LocalizedDecimalField):
    """A number of the bylaws, typed as the page's language writes it, from `least` (or, with
    `above`, more than it: an amount, whose `most` is only what the books hold) up to `most` (or,
    with `below`, less than it), with at most `places` decimals; refused with the rule in the
    field's own words."""

    def __init__(
        self,
        *,
        least: Decimal,
        most: Decimal | None = None,
        above: bool = False,
        below: bool = False,
        places: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.least, self.most, self.places = least, most, places
        self.above, self.below = above, below
        super().__init__(**kwargs)

    def rule(self) -> str:
        words = {
            "field": self.label,
            "least": shown(self.least),
            "most": shown(self.most) if self.most is not None else "",
            "places": self.places,
        }
        if self.above:
            return _("%(field)s: more than %(least)s, with at most %(places)s decimals.") % words
        if self.most is None:
            return _("%(field)s: at least %(least)s.") % words
        if self.below:
            return _("%(field)s: at least %(least)s and below %(most)s.") % words
        if self.places is not None:
            return (
                _("%(field)s: from %(least)s to %(most)s, with at most %(places)s decimals.")
                % words
            )
        return _("%(field)s: from %(least)s to %(most)s.") % words

    def notation_problem(self, text: str) -> str:
        if not any(character.isdigit() for character in text):
            return self.rule()  # words, not a number: say what the number is
        return super().notation_problem(text)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        exponent = value.normalize().as_tuple().exponent
        fits = (
            (value > self.least if self.above else value >= self.least)
            and (self.most is None or (value < self.most if self.below else value <= self.most))
            and (self.places is None or not isinstance(exponent, int) or exponent >= -self.places)
        )
        if fits:
            return
        if self.above and self.most is not None and value > self.most:  # an amount too large
            raise forms.ValidationError(self.too_large(), code="too_large")
        raise forms.ValidationError(self.rule(), code="out_of_bounds")

    def too_large(self) -> str:
        """The refusal of an amount above `most`: the lower bound goes without saying."""
        assert self.most is not None  # only a field with an upper bound refuses this
        return _("%(field)s: at most %(most)s.") % {"field": self.label, "most": shown(self.most)}


class WholeNumberSetting(forms.IntegerField):
    """A whole number of the bylaws from `least` to `most`, typed as the page's language writes
    it, refused in the field's own words. Django's own reading takes "1.000" for 1, which a
    Spanish or German member writes for a thousand."""

    def __init__(self, *, least: int, most: int, **kwargs: Any) -> None:
        self.least, self.most = least, most
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = LocalizedDecimalField(label=self.label).to_python(value)
        if number is None or number != number.to_integral_value():
            raise forms.ValidationError(self.rule(), code="invalid")
        return int(number)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "min": self.least, "max": self.most}

    def rule(self) -> str:
        return _("%(field)s: a whole number from %(least)s to %(most)s.") % {
            "field": self.label,
            "least": shown(self.least),
            "most": shown(self.most),
        }

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not self.least <= value <= self.most:
            raise forms.ValidationError(self.rule(), code="out_of_bounds")


class ShareSetting(forms.CharField):
    """A quorum or threshold of the bylaws floors: a fraction "2/3", or a number from 0 to 1
    as the page's language writes it ("0,75" in German, kept as "0.75") or as the API does
    ("0.75"); refused beside the field, led by its label (`coop.bylaws.parse_share` decides)."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text or "/" in text:
            return text
        try:
            number = babel_numbers.parse_decimal(text, locale=page_locale(), strict=True)
        except babel_numbers.NumberFormatError:
            return text  # "0.75" in German: the API's notation, which parse_share reads
        return format(number, "f") if number.is_finite() else text

    def prepare_value(self, value: Any) -> Any:
        """A stored "0.75" shown as the page's language writes it ("0,75" in German); a
        fraction "2/3", or text that is not a number, as it is."""
        if not isinstance(value, str) or not value or "/" in value:
            return value
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        return shown(number) if number.is_finite() else value

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            try:
                parse_share(value)
            except ValueError as problem:
                raise forms.ValidationError(
                    _("%(what)s: %(problem)s") % {"what": self.label, "problem": problem},
                    code="invalid",
                ) from None


def amendment_refusals(
    bylaws: dict[str, Any] | None, payload: dict[str, Any], fields: dict[str, forms.Field]
) -> list[tuple[str, str]]:
    """(field name, refusal) for what is wrong with the bylaws once amended by this payload
    and that no field could tell alone, in the form's words. `fields` are the amendment's
    fields by name (governance/bylaws_form_fields.py)."""
    refusals: list[tuple[str, str]] = []
    if isinstance(payload.get("buyin"), dict):
        amended = amended_buyin((bylaws or {}).get("buyin"), payload["buyin"])
        for problem in buyin_mistakes(amended):
            name = BUYIN + problem.term if BUYIN + problem.term in fields else BUYIN + "amount"
            refusals.append((name, _buyin_refusal(problem, amended, fields[name])))
    settings = {**merged_with_defaults(bylaws), **payload}
    above = rate_above_cap(settings)
    if above:
        rate, cap = above
        words = {"rate": shown(rate), "cap": shown(cap)}
        if "capital_interest_rate_pct" in payload or "capital_interest_rate_cap_pct" not in payload:
            field = fields["capital_interest_rate_pct"]
            message = _(
                "%(field)s: %(rate)s %% is above the cap of %(cap)s %% that the bylaws allow; the "
                "rate may not exceed the cap."
            )
            refusals.append(
                ("capital_interest_rate_pct", message % {**words, "field": field.label})
            )
        else:
            field = fields["capital_interest_rate_cap_pct"]
            message = _(
                "%(field)s: %(cap)s %% is below the interest rate of %(rate)s %% in force; the "
                "rate may not exceed the cap."
            )
            refusals.append(
                ("capital_interest_rate_cap_pct", message % {**words, "field": field.label})
            )
    return refusals


def _buyin_refusal(problem: BuyinProblem, amended: dict[str, Any], field: forms.Field) -> str:
    words = {"field": field.label}
    missing = problem.term not in amended
    if problem.code == "amount_or_shares":
        return (
            _(
                "%(field)s: the buy-in is either an amount or a number of shares at a nominal "
                "value; fill in one of the two, not both."
            )
            % words
        )
    if problem.code in ("shares", "nominal_value") and missing:
        return _("%(field)s: needed for a buy-in in shares.") % words
    if problem.code == "monthly_max_needed" and missing:
        return _("%(field)s: needed for a buy-in paid in instalments.") % words
    if problem.code == "monthly_max_at_once":
        return _("%(field)s: only for a buy-in paid in instalments; this one is paid at once.") % (
            words
        )
    if problem.code == "too_large" and isinstance(field, SettingNumber):
        return field.too_large()  # a stored term the amendment keeps, above the books' most
    if problem.code == "total_too_large":
        return _(
            "%(field)s: the number of shares times the nominal value of a share comes to more "
            "than %(most)s, the most the books hold."
        ) % {**words, "most": shown(MAX_AMOUNT)}
    if isinstance(field, SettingNumber | WholeNumberSetting):
        return field.rule()  # a stored term the amendment keeps, out of bounds
    # A term that does not exist or a payment not offered: this form's fields cannot send them.
    return problem.message
