"""The distribution simulator (payroll.simulation) and its command; no database needed."""

import copy
import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from payroll.simulation import SimulationError, simulate

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).resolve().parent / "samples"


def sample(name: str) -> dict:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def doc_json_blocks() -> list[dict]:
    text = (ROOT / "docs" / "payroll-rules.md").read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]


WORKED_EXAMPLE_OUTPUT = {
    "surplus": "10500.00",
    "loss": "0.00",
    "commons": "1575.00",
    "commons_lines": [
        {"name": "Django Software Foundation", "amount": "1050.00"},
        {"name": "OpenStreetMap Foundation", "amount": "525.00"},
    ],
    "reserve": "1050.00",
    "education": "525.00",
    "member_pool": "7350.00",
    "lines": [
        {"id": "ana", "share": "3317.87", "cash": "2654.30", "retained": "663.57"},
        {"id": "bruno", "share": "2304.07", "cash": "1843.26", "retained": "460.81"},
        {"id": "chandra", "share": "1728.06", "cash": "1382.45", "retained": "345.61"},
    ],
}


def test_worked_example_output():
    assert simulate(sample("worked-example.json")) == WORKED_EXAMPLE_OUTPUT


def test_the_docs_show_the_sample_and_its_real_output():
    document, output = doc_json_blocks()
    assert document == sample("worked-example.json")
    assert simulate(document) == output == WORKED_EXAMPLE_OUTPUT


def test_amounts_are_strings_with_the_currencys_decimals():
    jpy = simulate(sample("jpy-project-hours.json"))
    assert jpy["member_pool"] == "640000" and jpy["education"] == "0"
    assert jpy["lines"] == [
        {"id": "aiko", "share": "458667", "cash": "229334", "retained": "229333"},
        {"id": "kenji", "share": "181333", "cash": "90667", "retained": "90666"},
    ]
    bhd = sample("loss-month.json") | {"currency": "BHD", "revenue": "9000.000"}
    bhd["expenses"] = "2500.000"
    bhd["losses_carried"] = "0"
    result = simulate(bhd)
    # surplus 9000.000 − 2500.000 − 0 = 6500.000; commons 5% = 325.000, reserve 10% = 650.000
    # pool 5525.000 over 2 equal members = 2762.500 each
    assert (result["surplus"], result["commons"], result["member_pool"]) == (
        "6500.000",
        "325.000",
        "5525.000",
    )
    assert {line["share"] for line in result["lines"]} == {"2762.500"}


def test_a_loss_month():
    # 3000.00 − 2500.00 − 800.00 carried = −300.00
    result = simulate(sample("loss-month.json"))
    assert result["loss"] == "300.00"
    assert result["surplus"] == result["commons"] == result["member_pool"] == "0.00"
    assert result["commons_lines"] == [{"name": "Commons fund", "amount": "0.00"}]
    assert [line["share"] for line in result["lines"]] == ["0.00", "0.00"]


def test_integers_and_decimals_are_accepted_for_numbers():
    document = sample("worked-example.json")
    document["revenue"] = 12000
    document["policy"]["max_pay_ratio"] = 3
    document["policy"]["commons_recipients"][1]["weight"] = 1
    assert simulate(document) == WORKED_EXAMPLE_OUTPUT
    document["expenses"] = Decimal("1500.00")
    assert simulate(document) == WORKED_EXAMPLE_OUTPUT


def test_optional_fields_may_be_left_out():
    document = sample("worked-example.json")
    del document["losses_carried"]
    document["policy"]["approval"] = "treasurer"
    assert simulate(document)["surplus"] == "10500.00"
    no_commons = copy.deepcopy(document)
    no_commons["policy"]["commons_pct"] = "0"
    del no_commons["policy"]["commons_recipients"]
    assert simulate(no_commons)["commons_lines"] == []


def test_wages_then_patronage_needs_and_uses_the_base_rate():
    document = sample("worked-example.json")
    document["policy"] |= {"method": "wages_then_patronage", "base_rate": "20.00"}
    # wages: ana 160 h × 20 × 1.2 = 3840, bruno 133.33 h × 20 = 2666.67, chandra 100 h × 20
    # = 2000: Σ 8506.67 > pool 7350.00, so the wages are paid pro rata (weights as before,
    # scaled: the same shares as weighted_hours)
    assert simulate(document)["lines"] == WORKED_EXAMPLE_OUTPUT["lines"]


def with_change(path: str, value: object, base: str = "worked-example.json") -> dict:
    """The sample with the field at `path` (dots and [index]) set to value, or removed."""
    document = sample(base)
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    target = document
    for key in keys[:-1]:
        target = target[key]
    if value is REMOVE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return document


REMOVE = object()

INVALID = [
    # (field path to change, new value, error path, part of the message)
    ("revenue", 12000.5, "revenue", 'Give amounts as strings, such as "12000.00"'),
    ("revenue", 12000.0, "revenue", "a JSON number with a fraction"),
    ("revenue", "12000.001", "revenue", "EUR amounts have at most 2 decimals"),
    ("revenue", "-1.00", "revenue", "cannot be negative"),
    ("revenue", "12,000.00", "revenue", "is not an amount"),
    ("revenue", "€12000", "revenue", "is not an amount"),
    ("revenue", "NaN", "revenue", "is not an amount"),
    ("revenue", "1e4", "revenue", "is not an amount"),
    ("revenue", True, "revenue", "is not an amount"),
    ("revenue", "1" * 16, "revenue", "more than 15 digits"),
    ("revenue", REMOVE, "revenue", "This field is required"),
    ("expenses", "-0.01", "expenses", "cannot be negative"),
    ("losses_carried", "-5", "losses_carried", "cannot be negative"),
    ("losses_carried", 5.5, "losses_carried", "strings"),
    ("currency", "XYZ", "currency", "“XYZ” is not an ISO 4217 currency code"),
    ("currency", "eur", "currency", "is not an ISO 4217 currency code"),
    ("currency", 978, "currency", "is not an ISO 4217 currency code"),
    ("currency", REMOVE, "currency", "This field is required"),
    ("revenue_by_project", {"p1": "-1.00"}, "revenue_by_project.p1", "cannot be negative"),
    ("revenue_by_project", {"p1": 100.5}, "revenue_by_project.p1", "strings"),
    ("revenue_by_project", {"p1": "1.001"}, "revenue_by_project.p1", "at most 2 decimals"),
    ("revenue_by_project", {"p1": "7000.00", "p2": "5000.01"}, "revenue_by_project",
     "adds up to 12000.01, more than the month's revenue of 12000.00"),
    ("revenue_by_project", ["p1"], "revenue_by_project", "must be a JSON object"),
    ("bonus", "1.00", "bonus", "Unknown field “bonus”"),
    ("policy.bonus_pct", "0.1", "policy.bonus_pct", "Unknown field “bonus_pct”"),
    ("policy.cash_pct", REMOVE, "policy.cash_pct", "This field is required"),
    ("policy.commons_pct", "1.5", "policy.commons_pct", "between 0 and 1"),
    ("policy.commons_pct", 0.15, "policy.commons_pct", 'such as "0.15" for 15%'),
    ("policy.commons_pct", "15%", "policy.commons_pct", "as a fraction of 1"),
    ("policy.commons_pct", "0.1234567890123", "policy.commons_pct", "at most 12 decimals"),
    ("policy.reserve_pct", "0.80", "policy", "add up to 1; together they must stay below 1"),
    ("policy.commons_recipients", [], "policy.commons_recipients", "at least one commons"),
    ("policy.commons_recipients[0].weight", "0", "policy.commons_recipients[0].weight",
     "positive"),
    ("policy.commons_recipients[0].weight", REMOVE, "policy.commons_recipients[0].weight",
     "This field is required"),
    ("policy.commons_recipients[1].name", "Django Software Foundation",
     "policy.commons_recipients[1].name", "listed twice"),
    ("policy.commons_recipients[0].url", "x", "policy.commons_recipients[0].url",
     "Unknown field"),
    ("policy.method", "seniority", "policy.method", "“seniority” is not a way of splitting"),
    ("policy.method", "wages_then_patronage", "policy.base_rate", "needs a base rate"),
    ("policy.base_rate", "-1", "policy.base_rate", "cannot be negative"),
    ("policy.base_rate", "10.005", "policy.base_rate", "at most 2 decimals"),
    ("policy.max_pay_ratio", "0.5", "policy.max_pay_ratio", "at least 1"),
    ("policy.carry_losses", "yes", "policy.carry_losses", "true or false"),
    ("policy.approval", "king", "policy.approval", "choose one of treasurer, vote"),
    ("policy", "equal", "policy", "must be a JSON object"),
    ("members", {"id": "ana"}, "members", "This must be a JSON list"),
    ("members[0]", "ana", "members[0]", "This must be a JSON object"),
    ("members[0].id", None, "members[0].id", "may not be null"),
    ("members[1].id", "ana", "members[1].id", "“ana” appears more than once"),
    ("members[2].id", "", "members[2].id", "non-empty string"),
    ("members[2].minutes", REMOVE, "members[2].minutes", "This field is required"),
    ("members[2].minutes", -60, "members[2].minutes", "at least 0"),
    ("members[2].minutes", 60.5, "members[2].minutes", "whole number"),
    ("members[2].minutes", "6000", "members[2].minutes", "whole number"),
    ("members[2].rate_weight", "0", "members[2].rate_weight", "positive"),
    ("members[2].rate_weight", 1.5, "members[2].rate_weight", "as a string"),
    ("members[2].hourly", 1, "members[2].hourly", "Unknown field"),
    ("members[0].minutes_by_project", {"p1": 9601}, "members[0].minutes_by_project",
     "add up to 9601, more than the member's 9600 minutes"),
    ("members[0].minutes_by_project", {"p1": -1}, "members[0].minutes_by_project.p1",
     "at least 0"),
    ("members[0].rate_weight", "3.61", "members",
     "member “ana” has rate weight 3.61 and member “bruno” has rate weight 1"),
    ("members", [], "members", "no members"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "value", "path", "message"), INVALID)
def test_invalid_input_names_the_field(field, value, path, message):
    with pytest.raises(SimulationError) as error:
        simulate(with_change(field, value))
    assert path in error.value.errors, error.value.errors
    assert any(message in text for text in error.value.errors[path]), error.value.errors
    for texts in error.value.errors.values():  # user-facing sentences
        assert all(text[0].isupper() or text[0] in '“"' or "_" in text.split()[0] for text in texts)
        assert all(text.rstrip().endswith(".") for text in texts)


def test_jpy_amounts_are_whole_numbers():
    document = sample("jpy-project-hours.json")
    document["expenses"] = "200000.00"
    with pytest.raises(SimulationError) as error:
        simulate(document)
    assert error.value.errors == {
        "expenses": ["JPY amounts are whole numbers: “200000.00” has decimals."]
    }


def test_nobody_logged_time():
    document = with_change("policy.method", "hours", "loss-month.json")
    document["expenses"] = "0"
    with pytest.raises(SimulationError) as error:
        simulate(document)
    assert "cannot be split by hours" in error.value.errors["members"][0]


def test_every_shape_error_is_reported_at_once():
    document = sample("worked-example.json")
    document["revenue"] = 1.5
    document["policy"]["cash_pct"] = 0.8
    del document["members"][1]["minutes"]
    document["members"][2]["rate_weight"] = None
    with pytest.raises(SimulationError) as error:
        simulate(document)
    assert set(error.value.errors) == {
        "revenue",
        "policy.cash_pct",
        "members[1].minutes",
        "members[2].rate_weight",
    }
    assert str(error.value).splitlines()[0].startswith("revenue: Give amounts as strings")


def test_every_rule_error_is_reported_at_once():
    document = sample("worked-example.json")
    document["expenses"] = "-1"
    document["policy"]["commons_pct"] = "0.9"  # with 0.10 and 0.05: 1.05
    document["policy"]["cash_pct"] = "1.5"
    document["members"][1]["id"] = "ana"
    with pytest.raises(SimulationError) as error:
        simulate(document)
    assert set(error.value.errors) == {"expenses", "policy", "policy.cash_pct", "members[1].id"}
    assert error.value.errors["policy"] == [
        "The shares to the commons, the collective reserve and the education fund add up to "
        "1.05; together they must stay below 1 so that something is left for the members."
    ]


def test_the_document_must_be_an_object():
    with pytest.raises(SimulationError) as error:
        simulate(["not", "an", "object"])  # type: ignore[arg-type]
    assert error.value.errors == {
        "non_field_errors": ["The simulation input must be a JSON object."]
    }


def test_the_document_is_not_changed():
    document = sample("worked-example.json")
    before = copy.deepcopy(document)
    simulate(document)
    assert document == before


# --- The command -----------------------------------------------------------------------------


def test_command_prints_the_distribution(tmp_path):
    path = tmp_path / "month.json"
    path.write_text(json.dumps(sample("worked-example.json")), encoding="utf-8")
    out = io.StringIO()
    call_command("simulate_distribution", str(path), stdout=out)
    assert json.loads(out.getvalue()) == WORKED_EXAMPLE_OUTPUT


def test_command_reads_stdin():
    out = io.StringIO()
    stdin = io.StringIO((SAMPLES / "jpy-project-hours.json").read_text(encoding="utf-8"))
    call_command("simulate_distribution", "-", stdin=stdin, stdout=out)
    assert json.loads(out.getvalue())["member_pool"] == "640000"


def test_command_reads_the_process_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(sample("loss-month.json"))))
    out = io.StringIO()
    call_command("simulate_distribution", "-", stdout=out)
    assert json.loads(out.getvalue())["loss"] == "300.00"


def test_command_names_the_invalid_field(tmp_path):
    path = tmp_path / "month.json"
    path.write_text(json.dumps(with_change("members[2].minutes", -1)), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("simulate_distribution", str(path))
    assert error.value.returncode == 2
    assert "members[2].minutes: Minutes must be a whole number of at least 0." in str(error.value)


def test_command_refuses_the_invalid_sample():
    with pytest.raises(CommandError) as error:
        call_command("simulate_distribution", str(SAMPLES / "invalid.json"))
    assert error.value.returncode == 2
    assert 'revenue: Give amounts as strings, such as "12000.00"' in str(error.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "is not valid JSON"), (None, "Cannot read"), ("[1]", "JSON object")],
)
def test_command_refuses_unreadable_input(tmp_path, content, message):
    path = tmp_path / "month.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message) as error:
        call_command("simulate_distribution", str(path))
    assert error.value.returncode == 2


def test_command_exit_status_and_stderr():
    """Run as a real process: invalid input → the field on stderr, exit status 2."""
    run = subprocess.run(
        [sys.executable, "manage.py", "simulate_distribution", "-"],
        input=json.dumps(with_change("policy.cash_pct", "2")),
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 2
    assert "policy.cash_pct: The share paid in cash must be between 0 and 1" in run.stderr
    assert run.stdout == ""
