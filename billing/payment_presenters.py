"""Wording and chart data of the payments pages: the aging buckets and the aging chart."""

from django.utils.translation import gettext as _

from billing.balances import BUCKETS, AgingReport
from coop.dashboard import BarChart, bar_chart
from coop.money import format_money


def bucket_labels() -> dict[str, str]:
    """The aging report's columns, as the reader's language names them."""
    return {
        "not_due": _("Not due yet"),
        "days_0_30": _("0–30 days"),
        "days_31_60": _("31–60 days"),
        "days_61_90": _("61–90 days"),
        "days_over_90": _("Over 90 days"),
    }


def aging_chart(report: AgingReport) -> BarChart:
    """One bar per bucket: the amount open in it, in the report's currency."""
    labels = bucket_labels()
    totals = report.totals
    return bar_chart(
        f"aging-{report.currency.lower()}",
        _("Open amounts in %(currency)s by days past due") % {"currency": report.currency},
        _("Days past due"),
        _("Open"),
        [
            (labels[bucket], totals[bucket], format_money(totals[bucket], report.currency))
            for bucket in BUCKETS
        ],
    )
