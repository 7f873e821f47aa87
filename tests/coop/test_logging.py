"""Structured logging: one JSON object per line."""

import json
import logging
import sys

from coop.logging import JsonFormatter


def test_a_record_is_one_json_line():
    record = logging.makeLogRecord(
        {"name": "payroll.tasks", "levelname": "WARNING", "msg": "draft of %s failed",
         "args": ("demo",), "created": 0, "distribution": 7}
    )  # fmt: skip
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "1970-01-01T00:00:00+00:00", "level": "WARNING", "logger": "payroll.tasks",
        "message": "draft of demo failed", "distribution": 7,
    }  # fmt: skip


def test_an_exception_is_kept():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.makeLogRecord({"msg": "failed", "exc_info": sys.exc_info()})
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]
