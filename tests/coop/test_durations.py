"""The day cap and durations: one pure module, used by every layer that checks minutes."""

import ast
import pathlib

import pytest

from api.serializers.hours import TimeEntrySerializer
from coop import durations
from coop.durations import MINUTES_PER_DAY, fits_an_adjustment, fits_in_a_day
from coop.models import TimeEntry


def test_a_day_holds_1440_minutes():
    assert MINUTES_PER_DAY == 1440
    assert [fits_in_a_day(m) for m in (0, 1, 1440, 1441, -1)] == [False, True, True, False, False]
    assert [fits_an_adjustment(m) for m in (0, -1, -1440, -1441, 1440, 1441)] == [
        False, True, True, False, True, False
    ]  # fmt: skip


def test_the_module_is_pure():
    tree = ast.parse(pathlib.Path(durations.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"re", "decimal"}


def test_every_layer_takes_the_cap_from_it():
    field = TimeEntry._meta.get_field("minutes")
    limits = {type(v).__name__: v.limit_value for v in field.validators}
    assert limits["MaxValueValidator"] == MINUTES_PER_DAY
    assert limits["MinValueValidator"] == -MINUTES_PER_DAY
    (constraint,) = [
        c for c in TimeEntry._meta.constraints if c.name == "time_entry_minutes_in_day"
    ]
    assert ("minutes__lte", MINUTES_PER_DAY) in constraint.condition.children[0].children
    minutes = TimeEntrySerializer().fields["minutes"]
    assert (minutes.min_value, minutes.max_value) == (-MINUTES_PER_DAY, MINUTES_PER_DAY)


@pytest.mark.parametrize("text", ["abc", "1:75"])
def test_the_error_keeps_what_was_typed(text):
    with pytest.raises(durations.DurationError) as caught:
        durations.parse_duration(text)
    assert caught.value.text == text
