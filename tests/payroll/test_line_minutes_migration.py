"""Migration 0004: a line's minutes are stored once, in the column; the explanation's copy goes."""

import pytest

from payroll import distributing
from payroll.models import DistributionLine
from tests.migration_steps import latest_schema_after, migrate  # noqa: F401 (a fixture)
from tests.payroll.books import SEPTEMBER

BEFORE = [("payroll", "0003_document_failures")]
AFTER = [("payroll", "0004_line_minutes_once")]


def member_lines():
    return DistributionLine.objects.filter(kind="member").order_by("id")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_the_copy_is_dropped_when_it_agrees(cooperative, treasurer, books):
    distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    assert all("minutes" not in line.explanation for line in member_lines())
    migrate(BEFORE)
    try:
        rows = list(member_lines().values_list("minutes", "explanation"))
        assert rows and all(explanation["minutes"] == minutes for minutes, explanation in rows)
    finally:
        migrate(AFTER)
    assert all("minutes" not in line.explanation for line in member_lines())
    assert [line.minutes for line in member_lines()] == [minutes for minutes, _ in rows]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_lines_that_disagree_stop_the_migration(cooperative, treasurer, books):
    distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    migrate(BEFORE)
    try:
        line = member_lines().first()
        line.explanation["minutes"] = line.minutes + 1
        line.save()
        with pytest.raises(RuntimeError, match=str(line.pk)):
            migrate(AFTER)
        line.explanation["minutes"] = line.minutes
        line.save()
    finally:
        migrate(AFTER)
