"""Migration coop 0014 fills the kept counts from the entries already there, and goes back."""

import datetime

import pytest
from django.db import connection

from coop.models import TimeEntry
from tests.coop.test_month_counts import assert_kept_right, kept
from tests.factories import MemberFactory, TimeEntryFactory
from tests.migration_steps import latest_schema_after, migrate  # noqa: F401 (a fixture)

BEFORE = [("coop", "0013_member_probation")]
AFTER = [("coop", "0014_timeentry_month_counts")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_the_counts_are_filled_from_the_entries_there():
    members = [MemberFactory(), MemberFactory()]
    for member in members:
        for day in (1, 2, 40, 41, 42):
            TimeEntryFactory(
                member=member, date=datetime.date(2026, 5, 1) + datetime.timedelta(days=day)
            )
    migrate(BEFORE)
    try:
        assert "coop_timeentrymonthcount" not in connection.introspection.table_names()
        TimeEntry.objects.filter(member=members[1], date__day=2).delete()  # nothing to keep yet
    finally:
        migrate(AFTER)
    assert_kept_right()
    assert sum(kept().values()) == 9
