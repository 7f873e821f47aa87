"""A member on probation, for the probation tests (tests/coop/test_probation.py) and the tests
of its outcomes (tests/governance/test_probation_outcomes.py, test_voted_action.py)."""

import datetime

from coop import services
from coop.models import Member
from tests.factories import MemberFactory

ADMITTED = datetime.date(2027, 1, 31)
ENDS = datetime.date(2027, 7, 31)  # six months, the default probation_months
# The options of the vote that ends a probation, in the order the review proposal lists them.
ADMIT, EXTEND, END = 0, 1, 2


def at(clock, day: datetime.date, hour: int = 9) -> None:
    clock.set(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC))


def put_on_probation(clock, cooperative) -> Member:
    """A member admitted as probationary on 31 January 2027."""
    at(clock, ADMITTED)
    applicant = MemberFactory(
        cooperative=cooperative, status=Member.Status.APPLICANT, status_since=ADMITTED
    )
    return services.change_member_status(member=applicant, actor=None, status="probationary")
