"""How a member's share was computed: steps with figures (stored as JSON), and them in words.

The computation records each step as a small mapping of figures, with no prose: `{"step":
"hours", "minutes": 600, "total_minutes": 1000}`. `sentences()` writes the steps in words with
the translation function it is given: English as is here (pure Python, no Django), the
reader's language through `payroll.explanation.explain`, which passes Django's gettext. The
msgids below are extracted by `make messages` because the parameter is named `gettext`.

An amount in a step is its exact decimal text, or `{"about": "…"}` when it has none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from payroll.allocation.figures import percent_text

Step = dict[str, Any]
Amount = str | dict[str, str]

# The rounding of a share (rule 4), as the share step records it.
NO_ROUNDING = "none"
ROUNDED_DOWN = "down"
ROUNDED_DOWN_PLUS_ONE = "down_plus_one"


def _untranslated(message: str) -> str:
    return message


def no_surplus() -> Step:
    return {"step": "no_surplus"}


def equal(members: int) -> Step:
    return {"step": "equal", "members": members}


def hours(minutes: int, total_minutes: int) -> Step:
    return {"step": "hours", "minutes": minutes, "total_minutes": total_minutes}


def weighted_hours(minutes: int, rate_weight: Decimal, weight: str, total: str) -> Step:
    return {
        "step": "weighted_hours",
        "minutes": minutes,
        "rate_weight": str(rate_weight),
        "weight": weight,
        "total": total,
    }


def wage(minutes: int, base_rate: Decimal | None, rate_weight: Decimal, amount: Amount) -> Step:
    return {
        "step": "wage",
        "minutes": minutes,
        "base_rate": str(base_rate),
        "rate_weight": str(rate_weight),
        "wage": amount,
    }


def wages_pro_rata(wages: Amount) -> Step:
    return {"step": "wages_pro_rata", "wages": wages}


def patronage(rest: Amount, minutes: int, total_minutes: int, amount: Amount) -> Step:
    return {
        "step": "patronage",
        "rest": rest,
        "minutes": minutes,
        "total_minutes": total_minutes,
        "patronage": amount,
    }


def project_part(project: str, minutes: int, on_project: int, amount: Amount) -> Step:
    """A project's revenue share of the pool, by this member's minutes on it."""
    return {"part": "project", "project": project, "minutes": minutes, "of": on_project,
            "amount": amount}  # fmt: skip


def unlogged_project_part(project: str, minutes: int, total: int, amount: Amount) -> Step:
    """A project nobody logged time on: its share goes by all minutes."""
    return {"part": "unlogged_project", "project": project, "minutes": minutes, "of": total,
            "amount": amount}  # fmt: skip


def no_project_part(minutes: int, total: int, amount: Amount) -> Step:
    """Revenue with no project: its share goes by all minutes."""
    return {"part": "no_project", "minutes": minutes, "of": total, "amount": amount}


def project_hours(parts: Sequence[Step]) -> Step:
    return {"step": "project_hours", "parts": list(parts)}


def share(fraction: str, pool: Decimal, exact: Amount, rounding: str, amount: Decimal) -> Step:
    return {
        "step": "share",
        "fraction": fraction,
        "pool": str(pool),
        "exact": exact,
        "rounding": rounding,
        "share": str(amount),
    }


def cash(cash_pct: Decimal, amount: Decimal, retained: Decimal) -> Step:
    return {"step": "cash", "cash_pct": str(cash_pct), "cash": str(amount),
            "retained": str(retained)}  # fmt: skip


def sentences(
    steps: Sequence[Mapping[str, Any]],
    currency: str,
    gettext: Callable[[str], str] = _untranslated,
    *,
    amount_text: Callable[[str], str] = _untranslated,
    fraction_text: Callable[[str], str] = _untranslated,
    count_text: Callable[[int], str] = str,
    figure_text: Callable[[str], str] = _untranslated,
    percentage_text: Callable[[Decimal], str] = percent_text,
) -> list[str]:
    """The steps in words, one sentence each, in the language `gettext` translates to.

    By default the figures are written as stored ("7350.00", "4/7", "9600"), as the API gives
    them; a reader's page or payslip passes `amount_text` (an amount's decimal text in the
    reader's number format), `fraction_text` (a share of the pool in words and percent) and
    `count_text` (a whole number, such as minutes, grouped as the reader's language groups it)
    and `figure_text` (a stored figure such as a weight, "9600" or "1.5", in that notation) and
    `percentage_text` (a fraction such as 0.8 as that language writes a percentage, "80 %").
    """

    def counts(step: Mapping[str, Any], *names: str) -> dict[str, Any]:
        return {**step, **{name: count_text(int(step[name])) for name in names}}

    def amount(value: Amount) -> str:
        if isinstance(value, Mapping):
            return gettext("about %(amount)s") % {"amount": amount_text(value["about"])}
        return amount_text(value)

    def part(item: Mapping[str, Any]) -> str:
        figures = {
            "project": item.get("project", ""),
            "minutes": count_text(item["minutes"]),
            "of": count_text(item["of"]),
            "amount": amount(item["amount"]),
        }
        if item["part"] == "project":
            text = gettext("project %(project)s: %(minutes)s of %(of)s minutes → %(amount)s")
        elif item["part"] == "unlogged_project":
            text = gettext(
                "project %(project)s (nobody logged time on it): %(minutes)s of all %(of)s "
                "minutes → %(amount)s"
            )
        else:
            text = gettext(
                "revenue with no project: %(minutes)s of all %(of)s minutes → %(amount)s"
            )
        return text % figures

    def sentence(step: Mapping[str, Any]) -> str:
        kind = step["step"]
        if kind == "no_surplus":
            return gettext("There was no surplus this month, so nothing was distributed.")
        if kind == "equal":
            return gettext("Equal shares: weight 1 for each of the %(members)d members.") % step
        if kind == "hours":
            return gettext(
                "By hours: %(minutes)s of the %(total_minutes)s minutes worked this month."
            ) % counts(step, "minutes", "total_minutes")
        if kind == "weighted_hours":
            return gettext(
                "By weighted hours: %(minutes)s minutes × rate weight %(rate_weight)s = "
                "%(weight)s of %(total)s in all."
            ) % {
                **counts(step, "minutes"),
                **{name: figure_text(step[name]) for name in ("rate_weight", "weight", "total")},
            }
        if kind == "wage":
            base_rate = step["base_rate"]
            return gettext(
                "Wage: %(minutes)s minutes / 60 × base rate %(base_rate)s × rate weight "
                "%(rate_weight)s = %(wage)s."
            ) % {
                **counts(step, "minutes"),
                "rate_weight": figure_text(step["rate_weight"]),
                "base_rate": base_rate if base_rate == "None" else amount_text(base_rate),
                "wage": amount(step["wage"]),
            }
        if kind == "wages_pro_rata":
            return gettext(
                "The wages (%(wages)s in all) reach the pool, so they are paid pro rata."
            ) % {"wages": amount(step["wages"])}
        if kind == "patronage":
            return gettext(
                "Patronage: the %(rest)s left after all wages × %(minutes)s of "
                "%(total_minutes)s minutes = %(patronage)s."
            ) % {
                **counts(step, "minutes", "total_minutes"),
                "rest": amount(step["rest"]),
                "patronage": amount(step["patronage"]),
            }
        if kind == "project_hours":
            if not step["parts"]:
                return gettext("By project hours: no minutes on paid work.")
            return gettext("By project hours: %(parts)s.") % {
                "parts": "; ".join(part(item) for item in step["parts"])
            }
        if kind == "share":
            figures = {
                "fraction": fraction_text(step["fraction"]),
                "pool": amount_text(step["pool"]),
                "currency": currency,
                "exact": amount(step["exact"]),
                "rounding": {
                    NO_ROUNDING: gettext("no rounding was needed"),
                    ROUNDED_DOWN: gettext("rounded down"),
                    ROUNDED_DOWN_PLUS_ONE: gettext(
                        "rounded down, plus one unit left over by the rounding (largest remainder)"
                    ),
                }[step["rounding"]],
                "share": amount_text(step["share"]),
            }
            if step["fraction"] == "1":
                text = gettext(
                    "This is all of the member pool of %(pool)s %(currency)s: %(exact)s, "
                    "%(rounding)s: %(share)s."
                )
            elif step["fraction"] == "0":
                text = gettext(
                    "This is none of the member pool of %(pool)s %(currency)s: %(exact)s, "
                    "%(rounding)s: %(share)s."
                )
            else:
                text = gettext(
                    "This is %(fraction)s of the member pool of %(pool)s %(currency)s: "
                    "%(exact)s, %(rounding)s: %(share)s."
                )
            return text % figures
        if kind == "cash":
            return gettext(
                "Paid in cash at %(percent)s: %(cash)s; retained in the capital account: "
                "%(retained)s."
            ) % {
                "cash": amount_text(step["cash"]),
                "retained": amount_text(step["retained"]),
                "percent": percentage_text(Decimal(step["cash_pct"])),
            }
        raise ValueError(f"Unknown explanation step {kind!r}")

    return [sentence(step) for step in steps]
