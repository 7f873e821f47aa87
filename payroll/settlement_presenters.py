"""A settlement's bylaws terms in words, for its page (and the vote that approves it)."""

from django.utils.translation import gettext as _

from coop.bylaws_settlement import settlement_terms
from coop.locale_formats import format_day
from payroll.presenters import percent
from payroll.settlement_models import Settlement


def settlement_terms_in_words(settlement: Settlement) -> list[tuple[str, str]]:
    """(term, value) rows of the terms the settlement was computed with."""
    terms = settlement_terms({"settlement": settlement.terms})
    every = _("every month") if terms.frequency == "monthly" else _("every year")
    if terms.start == "after_year_end":
        start = _("%(months)s months after the end of the financial year") % {
            "months": terms.start_months
        }
    else:
        start = _("%(months)s months after the settlement date") % {"months": terms.start_months}
    return [
        (_("Departed on"), format_day(settlement.departed_on)),
        (
            _("Notice period"),
            _("%(months)s months: settled as of %(day)s")
            % {"months": terms.notice_months, "day": format_day(settlement.settled_on)},
        ),
        (_("Paid back"), percent(terms.refundable_share)),
        (
            _("Losses borne"),
            _("up to the settlement date") if terms.bears_losses else _("up to the departure"),
        ),
        (
            _("Schedule"),
            _("%(count)s instalments, %(every)s, the first %(start)s")
            % {"count": terms.instalments, "every": every, "start": start},
        ),
        (
            _("Interest on the unpaid balance"),
            _("%(rate)s a year") % {"rate": percent(terms.interest_rate)},
        ),
        (
            _("Approved by"),
            _("the treasurer") if terms.approval == "treasurer" else _("a vote of the members"),
        ),
    ]
