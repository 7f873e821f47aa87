"""The default charts of accounts: every role once, numbers as the standards write them."""

import ast
import dataclasses
import itertools
import re
import sys
from pathlib import Path

import pytest

from books.charts import (
    CHARTS,
    ROLE_TYPES,
    AccountType,
    Chart,
    ChartAccount,
    Role,
    account_for,
    chart,
    default_chart_for,
    type_fits,
)

ROOT = Path(__file__).resolve().parents[2]
ALL_CHARTS = sorted(CHARTS)


@pytest.mark.parametrize("key", ALL_CHARTS)
def test_every_role_has_exactly_one_account(key):
    accounts = CHARTS[key].accounts
    for role in Role:
        playing = [account.number for account in accounts if role in account.roles]
        assert len(playing) == 1, f"{key}: {role} is played by {playing}"


@pytest.mark.parametrize("key", ALL_CHARTS)
def test_numbers_are_unique_and_written_as_digits(key):
    numbers = [account.number for account in CHARTS[key].accounts]
    assert len(numbers) == len(set(numbers)), f"{key}: a number appears twice"
    assert all(re.fullmatch(r"\d{3,4}", number) for number in numbers), numbers


@pytest.mark.parametrize("key", ALL_CHARTS)
def test_each_account_type_fits_its_roles(key):
    for account in CHARTS[key].accounts:
        assert account.name.strip() and account.name == account.name.strip()
        assert len(account.roles) == len(set(account.roles))
        for role in account.roles:
            assert type_fits(role, account.type), f"{key} {account.number} cannot be {role}"


def test_role_types_name_every_role_and_the_education_fund_may_be_either():
    assert set(ROLE_TYPES) == set(Role)
    assert ROLE_TYPES[Role.BANK] == {AccountType.ASSET}
    assert ROLE_TYPES[Role.MEMBERS_PAYABLE] == {AccountType.LIABILITY}
    assert ROLE_TYPES[Role.MEMBERS_CAPITAL] == {AccountType.EQUITY}
    assert ROLE_TYPES[Role.EDUCATION_FUND] == {AccountType.EQUITY, AccountType.LIABILITY}
    assert not type_fits(Role.BANK, AccountType.LIABILITY)
    assert not type_fits(Role.BANK_FEES, AccountType.INCOME)
    assert type_fits(Role.EDUCATION_FUND, AccountType.LIABILITY)


def test_charts_say_where_they_come_from():
    assert {key: c.country for key, c in CHARTS.items()} == {
        "generic": "",
        "skr03": "DE",
        "skr04": "DE",
        "pgc": "ES",
        "us": "US",
    }
    assert "DATEV" in CHARTS["skr03"].source and "SKR 03" in CHARTS["skr03"].source
    assert "DATEV" in CHARTS["skr04"].source and "SKR 04" in CHARTS["skr04"].source
    assert "1514/2007" in CHARTS["pgc"].source and "EHA/3360/2010" in CHARTS["pgc"].source
    assert "No statutory" in CHARTS["us"].source
    assert all(c.key == key and c.name for key, c in CHARTS.items())


# Hand-checked against the sources named in docs/books.md (two of them for each number).
WELL_KNOWN = [
    ("skr03", Role.BANK, "1200", "Bank"),
    ("skr03", Role.RECEIVABLES, "1400", "Forderungen aus Lieferungen und Leistungen"),
    ("skr03", Role.VAT_STANDARD, "1776", "Umsatzsteuer 19 %"),
    ("skr03", Role.VAT_REDUCED, "1771", "Umsatzsteuer 7 %"),
    ("skr03", Role.REVENUE_STANDARD, "8400", "Erlöse 19 % USt"),
    ("skr03", Role.REVENUE_REDUCED, "8300", "Erlöse 7 % USt"),
    ("skr03", Role.REVENUE_REVERSE_CHARGE, "8336", None),
    ("skr03", Role.BANK_FEES, "4970", "Nebenkosten des Geldverkehrs"),
    ("skr03", Role.INTEREST_INCOME, "2650", "Sonstige Zinsen und ähnliche Erträge"),
    ("skr03", Role.MEMBERS_CAPITAL, "0810", "Geschäftsguthaben der verbleibenden Mitglieder"),
    ("skr03", Role.RESERVE_FUND, "0846", "Gesetzliche Rücklage"),
    ("skr04", Role.BANK, "1800", "Bank"),
    ("skr04", Role.RECEIVABLES, "1200", "Forderungen aus Lieferungen und Leistungen"),
    ("skr04", Role.VAT_STANDARD, "3806", "Umsatzsteuer 19 %"),
    ("skr04", Role.VAT_REDUCED, "3801", "Umsatzsteuer 7 %"),
    ("skr04", Role.REVENUE_STANDARD, "4400", "Erlöse 19 % USt"),
    ("skr04", Role.REVENUE_REVERSE_CHARGE, "4336", None),
    ("skr04", Role.BANK_FEES, "6855", "Nebenkosten des Geldverkehrs"),
    ("skr04", Role.INTEREST_INCOME, "7100", "Sonstige Zinsen und ähnliche Erträge"),
    ("skr04", Role.MEMBERS_CAPITAL, "2901", "Geschäftsguthaben der verbleibenden Mitglieder"),
    ("skr04", Role.RESERVE_FUND, "2930", "Gesetzliche Rücklage"),
    ("pgc", Role.BANK, "572", "Bancos e instituciones de crédito c/c vista, euros"),
    ("pgc", Role.RECEIVABLES, "430", "Clientes"),
    ("pgc", Role.VAT_STANDARD, "477", "Hacienda Pública, IVA repercutido"),
    ("pgc", Role.REVENUE_STANDARD, "705", "Prestaciones de servicios"),
    ("pgc", Role.BANK_FEES, "626", "Servicios bancarios y similares"),
    ("pgc", Role.INTEREST_INCOME, "769", "Otros ingresos financieros"),
    ("pgc", Role.MEMBERS_CAPITAL, "100", "Capital social"),
    ("pgc", Role.EDUCATION_FUND, "148", None),
    ("us", Role.BANK, "1010", "Checking account"),
    ("us", Role.RECEIVABLES, "1100", "Accounts receivable"),
    ("us", Role.MEMBERS_PAYABLE, "2300", "Patronage dividends payable"),
]


@pytest.mark.parametrize(("key", "role", "number", "name"), WELL_KNOWN)
def test_well_known_numbers(key, role, number, name):
    account = account_for(chart(key), role)
    assert account.number == number
    if name is not None:
        assert account.name == name


def test_the_neighbours_carry_no_role():
    skr03 = {account.number: account for account in CHARTS["skr03"].accounts}
    assert (skr03["1000"].name, skr03["1000"].roles) == ("Kasse", ())
    assert (skr03["1576"].name, skr03["1576"].roles) == ("Abziehbare Vorsteuer 19 %", ())
    assert (skr03["1600"].type, skr03["1600"].roles) == (AccountType.LIABILITY, ())
    pgc = {account.number: account for account in CHARTS["pgc"].accounts}
    assert (pgc["570"].name, pgc["472"].type) == ("Caja, euros", AccountType.ASSET)


def test_the_pgc_keeps_one_account_for_vat_and_one_for_services():
    pgc = chart("pgc")
    assert account_for(pgc, Role.VAT_REDUCED) is account_for(pgc, Role.VAT_STANDARD)
    invoiced = (
        Role.REVENUE_STANDARD,
        Role.REVENUE_REDUCED,
        Role.REVENUE_TAX_FREE,
        Role.REVENUE_REVERSE_CHARGE,
    )
    revenue = {account_for(pgc, role).number for role in invoiced}
    assert revenue == {"705"}
    assert account_for(pgc, Role.EDUCATION_FUND).type == AccountType.LIABILITY
    assert account_for(chart("skr03"), Role.EDUCATION_FUND).type == AccountType.EQUITY


def test_the_two_datev_charts_give_each_role_the_same_type():
    for role in Role:
        skr03 = account_for(chart("skr03"), role)
        skr04 = account_for(chart("skr04"), role)
        assert skr03.type == skr04.type, role
        assert skr03.name == skr04.name or role in {Role.BANK, Role.RECEIVABLES}, role


def test_chart_by_key_and_unknown_key():
    assert chart("skr04") is CHARTS["skr04"]
    with pytest.raises(LookupError, match="'skr05'.*generic, skr03, skr04, pgc, us"):
        chart("skr05")


@pytest.mark.parametrize(
    ("country", "key"),
    [
        ("DE", "skr03"),
        ("de", "skr03"),
        (" ES ", "pgc"),
        ("US", "us"),
        ("FR", "generic"),
        ("AT", "generic"),
        ("", "generic"),
    ],
)
def test_default_chart_for_a_country(country, key):
    assert default_chart_for(country).key == key


def test_account_for_refuses_a_role_played_by_none_or_by_two():
    bank = ChartAccount("1", "Bank", AccountType.ASSET, (Role.BANK,))
    other_bank = ChartAccount("2", "Other bank", AccountType.ASSET, (Role.BANK,))
    broken = Chart("broken", "Broken", "", (bank, other_bank), "a test")
    with pytest.raises(LookupError, match="'broken' has 1, 2 for role 'bank', not one"):
        account_for(broken, Role.BANK)
    with pytest.raises(LookupError, match="has none for role 'receivables'"):
        account_for(broken, Role.RECEIVABLES)


def test_charts_are_frozen():
    account = account_for(chart("skr03"), Role.BANK)
    with pytest.raises(dataclasses.FrozenInstanceError):
        account.number = "1210"  # type: ignore[misc]


def test_the_module_imports_nothing_but_the_standard_library():
    tree = ast.parse((ROOT / "books" / "charts.py").read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported, "the module imports dataclasses and enum at least"
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def _docs_role_table() -> dict[str, dict[str, str]]:
    """The "Roles and accounts" table of docs/books.md, as {role: {chart key: number}}."""
    text = (ROOT / "docs" / "books.md").read_text(encoding="utf-8")
    lines = text.split("### Roles and accounts", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[start:]))
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    keys = header[2:]
    table = {}
    for line in rows[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        table[cells[0].strip("`")] = dict(zip(keys, cells[2:], strict=True))
    return table


def test_the_docs_table_matches_the_charts():
    table = _docs_role_table()
    assert set(table) == {role.value for role in Role}
    for role in Role:
        assert set(table[role.value]) == set(CHARTS)
        for key, number in table[role.value].items():
            assert account_for(CHARTS[key], role).number == number, (role, key)
