"""The books' pages: every member reads balances, funds, reports, the journal and the
ledgers; anyone outside the co-op gets 404, and anonymous visitors the login page."""

import datetime

import pytest
from django.urls import reverse

from books.models import JournalEntry, LedgerAccount
from tests.books.example_books import D, post, worked_books
from tests.factories import MemberFactory
from tests.web import signed_in


@pytest.fixture
def books(cooperative):
    alice = MemberFactory(cooperative=cooperative, user__full_name="Alice Adler")
    bob = MemberFactory(cooperative=cooperative, user__full_name="Bob Berg")
    worked_books(cooperative, alice, bob)
    return alice, bob


def url(cooperative, name, *args):
    return reverse(name, args=[cooperative.slug, *args])


def page(client, member, address):
    response = signed_in(client, member).get(address)
    return response, response.content.decode()


@pytest.mark.django_db
def test_balances_show_the_funds_and_each_members_capital(client, cooperative, member, books):
    response, html = page(client, member, url(cooperative, "books-balances"))
    assert response.status_code == 200
    for figure in ("€79.00", "€39.50", "€118.50", "€610.60", "€1,580.00", "€560.00", "€50.60"):
        assert figure in html
    assert "Alice Adler" in html and "Bob Berg" in html
    assert 'aria-current="page">Books</a>' in html  # the co-op's navigation


@pytest.mark.django_db
def test_funds_by_month(client, cooperative, member, books):
    response, html = page(client, member, url(cooperative, "books-funds") + "?year=2026")
    assert response.status_code == 200
    assert "Funds in 2026" in html
    assert "September 2026" in html and "October 2026" in html
    assert "110.60" in html and "€610.60" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("report", "figures"),
    [
        ("trial-balance", ['id="tb-debits">3,380.00', 'id="tb-credits">3,380.00']),
        ("balance-sheet", ['id="bs-assets">1,580.00', 'id="bs-liabilities-equity">1,580.00',
                           'id="bs-result">790.00']),
        ("income-statement", ['id="is-income">1,000.00', 'id="is-expenses">210.00',
                              'id="is-result">790.00']),
    ],
)  # fmt: skip
def test_reports_of_a_month(client, cooperative, member, books, report, figures):
    address = url(cooperative, "books-report", report) + "?month=2026-10"
    response, html = page(client, member, address)
    assert response.status_code == 200
    for figure in figures:
        assert figure in html
    assert "October 2026" in html


@pytest.mark.django_db
def test_a_report_of_a_year_has_a_chart(client, cooperative, member, books):
    address = url(cooperative, "books-report", "income-statement") + "?year=2026"
    response, html = page(client, member, address)
    assert 'id="is-result">890.00' in html
    assert '<svg role="img"' in html and "Show as a table" in html


@pytest.mark.django_db
def test_a_period_without_entries_says_so(client, cooperative, member, books):
    address = url(cooperative, "books-report", "balance-sheet") + "?month=2026-11"
    response, html = page(client, member, address)
    assert response.status_code == 200
    assert "The books have no entries in November 2026" in html
    assert "bs-assets" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [("year=20x6", "year"), ("month=2026-13", "month"), ("year=2026&month=2026-10", "month")],
)
def test_a_bad_period_is_a_400_naming_it(client, cooperative, member, books, query, field):
    address = url(cooperative, "books-report", "trial-balance") + "?" + query
    response, html = page(client, member, address)
    assert response.status_code == 400
    assert f"<strong>{field}</strong>" in html


@pytest.mark.django_db
def test_an_unknown_report_is_404(client, cooperative, member):
    response, _html = page(client, member, url(cooperative, "books-report", "cash-flow"))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_journal_shows_entries_with_their_lines_and_sources(client, cooperative, member, books):
    response, html = page(client, member, url(cooperative, "books-journal"))
    assert response.status_code == 200
    assert "Invoice 2026-0001" in html and "Distribution October 2026" in html
    assert "1,190.00" in html
    invoice_link = reverse("billing-invoice", args=[cooperative.slug, 7])
    assert f'href="{invoice_link}"' in html


@pytest.mark.django_db
def test_the_journal_filters(client, cooperative, member, books):
    alice, bob = books
    bank = LedgerAccount.objects.get(cooperative=cooperative, number="1010")
    cases = {
        "kind=expense": {"Hosting"},
        f"account={bank.pk}&date_after=2026-10-01": {"Payment of 2026-0001", "Hosting",
                                                      "Account fee"},
        f"member={bob.pk}": {"Distribution October 2026"},
        "source=billing.invoice:7": {"Invoice 2026-0001"},
        "date_before=2026-09-30": {"Alice&#x27;s share", "Workshop"},
    }  # fmt: skip
    everything = set(JournalEntry.objects.values_list("description", flat=True)) | {
        "Alice&#x27;s share"
    }
    for query, expected in cases.items():
        response, html = page(client, member, url(cooperative, "books-journal") + "?" + query)
        assert response.status_code == 200, query
        shown = {d for d in everything if f"· {d} <span" in html}
        assert shown == expected, query


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field"),
    [("account=999999", "account"), ("account=1e30", "account"), ("member=x", "member"),
     ("kind=gift", "kind"), ("date_after=2026-02-30", "date_after"),
     ("date_after=2026-10-02&date_before=2026-10-01", "date_before"), ("source=:7", "source")],
)  # fmt: skip
def test_a_bad_filter_is_a_400_naming_it(client, cooperative, member, books, query, field):
    response, html = page(client, member, url(cooperative, "books-journal") + "?" + query)
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in html


@pytest.mark.django_db
def test_the_ledger_runs_its_balance_from_the_opening(client, cooperative, member, books):
    bank = LedgerAccount.objects.get(cooperative=cooperative, number="1010")
    address = url(cooperative, "books-ledger", bank.pk) + "?date_after=2026-10-01"
    response, html = page(client, member, address)
    assert response.status_code == 200
    assert 'id="ledger-opening">€600.00' in html
    assert html.index("€1,790.00") < html.index("€1,590.00") < html.index("€1,580.00")


@pytest.mark.django_db
def test_another_coops_account_is_404(client, cooperative, member, books, outsider):
    bank = LedgerAccount.objects.get(cooperative=cooperative, number="1010")
    response, _html = page(client, outsider, url(cooperative, "books-ledger", bank.pk))
    assert response.status_code == 404


PAGES = [
    ("books-balances", ()),
    ("books-funds", ()),
    ("books-journal", ()),
    ("books-accounts", ()),
    ("books-report", ("trial-balance",)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_who_reads_the_pages(client, cooperative, member, treasurer, outsider, books, name, args):
    address = url(cooperative, name, *args)
    assert client.get(address).status_code == 302  # to the login page
    assert page(client, outsider, address)[0].status_code == 404
    assert page(client, member, address)[0].status_code == 200
    assert page(client, treasurer, address)[0].status_code == 200


@pytest.mark.django_db
def test_pages_of_books_not_set_up_yet(client, cooperative, member):
    for name, args in PAGES:
        response, html = page(client, member, url(cooperative, name, *args))
        assert response.status_code == 200, name


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 5])
def test_the_journal_page_costs_a_fixed_number_of_queries(
    client, cooperative, member, books, size, django_assert_num_queries
):
    for number in range(size * 3):
        post(cooperative, datetime.date(2026, 11, 1 + number), "expense", f"Thing {number}", [
            ("expenses", D("1.00"), member), ("bank", D("-1.00")),
        ])  # fmt: skip
    signed_in(client, member)
    # The page's own: the membership, the count, the page of entries, their lines, and the
    # filter's accounts and members; the rest is the session and the base template's (the
    # user, memberships, timer, projects, session save).
    with django_assert_num_queries(14):
        assert client.get(url(cooperative, "books-journal") + "?kind=expense").status_code == 200


@pytest.mark.django_db
def test_the_running_balance_carries_over_pages(client, cooperative, member):
    """The database runs the balance over the whole filtered ledger, so that page 2 starts
    where page 1 ended (100 lines a page)."""
    from tests.books.example_books import install_generic

    install_generic(cooperative)
    for number in range(105):
        post(cooperative, datetime.date(2026, 3, 1 + number % 28), "revenue", f"r{number}", [
            ("bank", D("1.00")), ("other_revenue", D("-1.00")),
        ])  # fmt: skip
    bank = LedgerAccount.objects.get(cooperative=cooperative, number="1010")
    address = url(cooperative, "books-ledger", bank.pk)
    first = page(client, member, address)[1]
    second = page(client, member, address + "?page=2")[1]
    assert "€100.00" in first and "€101.00" not in first
    assert "€101.00" in second and "€105.00" in second
