"""coop.months: the one home of the month helpers that hours, payroll, the API and PDFs share."""

import ast
import datetime
from pathlib import Path

import pytest
from django.utils import translation

from coop.months import month_bounds, month_label, month_of, parse_month

ROOT = Path(__file__).resolve().parents[2]
HELPERS = {"parse_month", "month_of", "month_bounds", "month_range", "month_label"}


def test_month_of_is_its_first_day():
    assert month_of(datetime.date(2028, 2, 29)) == datetime.date(2028, 2, 1)


@pytest.mark.parametrize(
    ("day", "last"),
    [
        (datetime.date(2028, 2, 10), datetime.date(2028, 2, 29)),
        (datetime.date(2027, 2, 1), datetime.date(2027, 2, 28)),
        (datetime.date(2027, 12, 31), datetime.date(2027, 12, 31)),
        (datetime.date(2027, 4, 30), datetime.date(2027, 4, 30)),
    ],
)
def test_month_bounds_are_its_first_and_last_day(day, last):
    assert month_bounds(day) == (day.replace(day=1), last)


def test_month_label_is_in_the_active_language():
    november = datetime.date(2026, 11, 1)
    assert month_label(november) == "November 2026"
    with translation.override("es"):
        assert month_label(november) == "noviembre de 2026"
    with translation.override("de"):
        assert month_label(november) == "November 2026"


def test_parse_month_refuses_what_is_not_a_month():
    assert parse_month("2026-11") == datetime.date(2026, 11, 1)
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("2026-13")


def test_the_month_helpers_are_defined_only_in_coop_months():
    elsewhere = []
    for app in ("cooperage", "coop", "governance", "payroll", "api"):
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "coop" / "months.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef) and node.name in HELPERS:
                    elsewhere.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert elsewhere == [], "use coop.months instead:\n" + "\n".join(elsewhere)
