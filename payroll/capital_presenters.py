"""How a capital entry of interest or of a loss is explained to the member, in their language:
the words the capital page, the statements page and the API's ledger share."""

import datetime
from decimal import Decimal

from babel import numbers as babel_numbers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop.locale_formats import babel_locale, format_medium_day
from coop.money import format_money
from payroll.models import CapitalAccountEntry


def rate_text(rate: Decimal) -> str:
    """A yearly rate in percent as the reader's language writes it: "4.5", "4,5", "10"."""
    return babel_numbers.format_decimal(rate, format="#,##0.####", locale=babel_locale())


def _day(text: str) -> str:
    return format_medium_day(datetime.date.fromisoformat(text))


def interest_sentences(entry: CapitalAccountEntry, currency: str) -> list[str]:
    """One sentence per balance segment of the run, then the sum and its rounding."""
    line = getattr(entry, "interest_line", None)
    if line is None:
        return []
    figures = line.explanation
    sentences = []
    for segment in figures.get("segments", []):
        sentences.append(
            ngettext(
                "%(start)s to %(end)s: %(days)s day at %(balance)s",
                "%(start)s to %(end)s: %(days)s days at %(balance)s",
                segment["days"],
            )
            % {
                "start": _day(segment["start"]),
                "end": _day(segment["end"]),
                "days": segment["days"],
                "balance": format_money(Decimal(segment["balance"]), currency),
            }
        )
    year_days = sorted({segment["year_days"] for segment in figures.get("segments", [])})
    sentences.append(
        _(
            "Each balance above zero × its days × %(rate)s %% ÷ %(year_days)s days = "
            "%(exact)s, rounded once to %(amount)s."
        )
        % {
            "rate": rate_text(Decimal(figures.get("rate_pct", line.run.rate))),
            "year_days": " / ".join(str(days) for days in year_days) or "365",
            "exact": babel_numbers.format_decimal(
                Decimal(figures.get("exact", "0")), format="#,##0.000000", locale=babel_locale()
            ),
            "amount": format_money(line.amount, currency),
        }
    )
    return sentences


def loss_sentences(entry: CapitalAccountEntry, currency: str) -> list[str]:
    share = getattr(entry, "loss_share", None)
    if share is None:
        return []
    loss = share.loss
    sentences = [
        _("The loss was %(amount)s; the collective reserve bore %(reserve)s.")
        % {
            "amount": format_money(loss.amount, currency),
            "reserve": format_money(loss.from_reserve, currency),
        }
    ]
    return sentences


def explain(entry: CapitalAccountEntry, currency: str) -> list[str]:
    if entry.kind == CapitalAccountEntry.Kind.INTEREST:
        return interest_sentences(entry, currency)
    if entry.kind == CapitalAccountEntry.Kind.LOSS:
        return loss_sentences(entry, currency)
    return []
