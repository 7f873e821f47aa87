"""The books' API: journal entries with filters, accounts with balances, balances and funds,
and the reports; a bad filter or period is a 400 naming it, a period without entries a 404."""

import datetime

import pytest

from books.models import JournalEntry, LedgerAccount
from tests.books.example_books import D, post, worked_books
from tests.conftest import as_member
from tests.factories import MemberFactory

BASE = "/api/v1/coops/{slug}/"


@pytest.fixture
def books(cooperative):
    alice = MemberFactory(cooperative=cooperative)
    bob = MemberFactory(cooperative=cooperative)
    worked_books(cooperative, alice, bob)
    return alice, bob


def get(api, member, cooperative, path):
    return as_member(api, member).get(BASE.format(slug=cooperative.slug) + path)


@pytest.mark.django_db
def test_journal_entries_with_their_lines(api, cooperative, member, books):
    response = get(api, member, cooperative, "journal-entries/?kind=invoice_issued")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert {k: entry[k] for k in ("date", "kind", "description", "source_type", "source_id")} == {
        "date": "2026-10-03", "kind": "invoice_issued", "description": "Invoice 2026-0001",
        "source_type": "billing.invoice", "source_id": "7",
    }  # fmt: skip
    assert [(line["account_number"], line["amount"], line["debit"], line["credit"])
            for line in entry["lines"]] == [
        ("1100", "1190.00", "1190.00", None),
        ("4000", "-1000.00", None, "1000.00"),
        ("2200", "-190.00", None, "190.00"),
    ]  # fmt: skip
    one = get(api, member, cooperative, f"journal-entries/{entry['id']}/")
    assert one.status_code == 200 and one.json() == entry


@pytest.mark.django_db
def test_journal_filters(api, cooperative, member, books):
    alice, bob = books
    bank = LedgerAccount.objects.get(cooperative=cooperative, number="1010")
    cases = {
        f"account={bank.pk}&date_after=2026-10-01&date_before=2026-10-31": [
            "Payment of 2026-0001", "Hosting", "Account fee"],
        f"member={alice.pk}": ["Alice's share", "Distribution October 2026"],
        "source=payroll.distribution": ["Distribution October 2026"],
        "source=billing.invoice:8": [],
    }  # fmt: skip
    for query, expected in cases.items():
        body = get(api, member, cooperative, "journal-entries/?" + query).json()
        assert [entry["description"] for entry in body["results"]] == expected, query


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [("account=12345678", "account"), ("account=99999999999999999999", "account"),
     ("member=-1", "member"), ("kind=gift", "kind"), ("date_before=31.10.2026", "date_before"),
     ("source=billing.invoice:", "source")],
)  # fmt: skip
def test_a_bad_filter_is_a_400_naming_it(api, cooperative, member, books, query, field):
    response = get(api, member, cooperative, "journal-entries/?" + query)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.django_db
def test_another_coops_entry_and_account_are_404(api, cooperative, member, books, outsider):
    entry = JournalEntry.objects.filter(cooperative=cooperative).first()
    account = LedgerAccount.objects.filter(cooperative=cooperative).first()
    theirs = outsider.cooperative
    for path in (f"journal-entries/{entry.pk}/", f"ledger-accounts/{account.pk}/"):
        assert get(api, outsider, theirs, path).status_code == 404
        assert get(api, outsider, cooperative, path).status_code == 404


@pytest.mark.django_db
def test_accounts_with_balances(api, cooperative, member, books):
    body = get(api, member, cooperative, "ledger-accounts/?page_size=100").json()
    accounts = {a["number"]: a for a in body["results"]}
    assert (accounts["1010"]["signed_balance"], accounts["1010"]["balance"]) == (
        "1580.00", "1580.00",
    )  # fmt: skip
    assert (accounts["3000"]["signed_balance"], accounts["3000"]["balance"]) == (
        "-610.60", "610.60",
    )  # fmt: skip
    on = get(api, member, cooperative, "ledger-accounts/?on=2026-09-30&page_size=100").json()
    assert {a["number"]: a["balance"] for a in on["results"]}["1010"] == "600.00"
    bad = get(api, member, cooperative, "ledger-accounts/?on=yesterday")
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["on"]


@pytest.mark.django_db
def test_balances(api, cooperative, member, books):
    alice, bob = books
    body = get(api, member, cooperative, "books/balances/").json()
    assert body["currency"] == "EUR"
    assert {row["role"]: row["balance"] for row in body["balances"]} == {
        "reserve_fund": "79.00", "education_fund": "39.50", "commons_payable": "118.50",
        "members_capital": "610.60", "bank": "1580.00",
    }  # fmt: skip
    capital = body["members_capital"]
    assert capital["total"] == "610.60"
    assert capital["members"] == [
        {"member": alice.pk, "balance": "560.00"},
        {"member": bob.pk, "balance": "50.60"},
    ]


@pytest.mark.django_db
def test_funds_by_month(api, cooperative, member, books):
    body = get(api, member, cooperative, "books/funds/?year=2026").json()
    assert body["period"] == {"kind": "year", "key": "2026", "first": "2026-01-01",
                              "last": "2026-12-31"}  # fmt: skip
    capital = next(fund for fund in body["funds"] if fund["role"] == "members_capital")
    assert capital["months"] == [
        {"month": "2026-09-01", "received": "500.00", "spent": "0.00"},
        {"month": "2026-10-01", "received": "110.60", "spent": "0.00"},
    ]
    assert (capital["opening"], capital["closing"]) == ("0.00", "610.60")


@pytest.mark.django_db
def test_the_reports(api, cooperative, member, books):
    trial = get(api, member, cooperative, "books/trial-balance/?month=2026-10").json()
    assert (trial["debits"], trial["credits"]) == ("3380.00", "3380.00")
    assert trial["period"]["key"] == "2026-10"
    bank = next(row for row in trial["accounts"] if row["number"] == "1010")
    assert bank == {
        "account": bank["account"], "number": "1010", "name": bank["name"], "type": "asset",
        "opening": "600.00", "debits": "1190.00", "credits": "210.00", "closing": "1580.00",
        "balance": "1580.00", "movement": "980.00",
    }  # fmt: skip
    sheet = get(api, member, cooperative, "books/balance-sheet/?month=2026-10").json()
    assert sheet["assets"]["total"] == sheet["liabilities_and_equity"] == "1580.00"
    assert (sheet["result_of_period"], sheet["result_before"]) == ("790.00", "100.00")
    income = get(api, member, cooperative, "books/income-statement/?year=2026").json()
    assert (income["income"]["total"], income["expenses"]["total"], income["result"]) == (
        "1100.00", "210.00", "890.00",
    )  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("report", ["trial-balance", "balance-sheet", "income-statement"])
def test_a_period_without_entries_is_404(api, cooperative, member, books, report):
    response = get(api, member, cooperative, f"books/{report}/?year=2024")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "no_books"
    assert body["detail"] == "The books have no entries in 2024: there is nothing to report."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [("year=26", "year"), ("year=3000", "year"), ("month=2026-00", "month"),
     ("month=2026-10&year=2026", "month")],
)  # fmt: skip
def test_a_bad_period_is_a_400_naming_it(api, cooperative, member, books, query, field):
    for path in ("books/trial-balance/", "books/funds/"):
        response = get(api, member, cooperative, f"{path}?{query}")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 8])
def test_the_journal_costs_a_fixed_number_of_queries(
    api, cooperative, member, books, size, django_assert_num_queries, clock
):
    clock.set(datetime.date(2026, 12, 9))  # the trial balance's default year is 2026
    for number in range(size):
        post(cooperative, datetime.date(2026, 11, 1 + number), "expense", f"Thing {number}", [
            ("expenses", D("1.00"), member), ("bank", D("-1.00")),
        ])  # fmt: skip
    as_member(api, member)
    # The membership, the page of entries (one page: no count), their lines.
    with django_assert_num_queries(3):
        response = api.get(f"/api/v1/coops/{cooperative.slug}/journal-entries/?kind=expense")
    assert response.json()["count"] == size + 1
    with django_assert_num_queries(3):  # the membership, whether there are entries, the sums
        response = api.get(f"/api/v1/coops/{cooperative.slug}/books/trial-balance/")
    assert response.json()["debits"] == response.json()["credits"]
