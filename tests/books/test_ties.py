"""The journal ties to the money pages (books.ties): revenue, expenses, what the distributions
gave, the funds and members' capital agree to the cent, month by month and over the year; a
journal entry tampered with, or a record changed behind the books' back, shows the difference,
on the page and in the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from books import periods
from books.charts import Role
from books.models import AccountMapping, JournalLine
from books.ties import KEYS, ties_to_money_pages
from coop.models import Cooperative
from payroll.models import Revenue
from tests.books.worked_month import NOVEMBER, OCTOBER, second_month, worked_month

D = Decimal
PERIODS = [
    periods.month(OCTOBER),
    periods.month(NOVEMBER),
    periods.month(datetime.date(2026, 12, 1)),
    periods.year(2026),
]


def figures(cooperative, period):
    return {
        tie.key: (tie.page, tie.journal) for tie in ties_to_money_pages(cooperative, period).ties
    }


@pytest.fixture
def two_months(clock, db):
    world = worked_month(clock)
    second_month(clock, world)
    return world


def test_every_tie_holds_to_the_cent_over_two_months(two_months):
    cooperative = two_months.cooperative
    for period in PERIODS:
        found = ties_to_money_pages(cooperative, period)
        assert {tie.key for tie in found.ties} == KEYS
        assert found.all_tie, [(t.key, t.page, t.journal) for t in found.differences]
    november = figures(cooperative, periods.month(NOVEMBER))
    # 500.00 of an invoice of 1,234.56 + 20 % (1,481.47): its net share, half up.
    assert november["revenue"] == (D("416.67"), D("416.67"))
    assert november["expenses"] == (D("77.77"), D("77.77"))
    year = figures(cooperative, periods.year(2026))
    assert year["revenue"] == (D("11234.56"), D("11234.56"))
    assert year["distributed_reserve"] == (D("933.89"), D("933.89"))
    # October's commons were paid out on 5 November; November's are owed.
    assert year["commons_payable"] == (D("50.83"), D("50.83"))
    assert figures(cooperative, periods.month(OCTOBER))["commons_payable"][0] == D("1350.00")


def test_a_revenue_row_changed_behind_the_books_back_shows(two_months):
    cooperative = two_months.cooperative
    row = Revenue.objects.filter(cooperative=cooperative, received_on__month=11).get()
    Revenue.objects.filter(pk=row.pk).update(amount=row.amount + D("0.01"))
    november = ties_to_money_pages(cooperative, periods.month(NOVEMBER))
    [tie] = november.differences
    assert (tie.key, tie.page, tie.journal, tie.difference) == (
        "revenue",
        D("416.68"),
        D("416.67"),
        D("-0.01"),
    )
    assert ties_to_money_pages(cooperative, periods.month(OCTOBER)).all_tie


def tamper(cooperative, source_type, moves):
    """Change the lines of a record's entry by hand, keeping it balanced: {role: change}."""
    for role, change in moves.items():
        account = AccountMapping.objects.get(cooperative=cooperative, role=role).account
        line = JournalLine.objects.get(
            entry__cooperative=cooperative, entry__source_type=source_type, account=account,
            entry__date__month=10,
        )  # fmt: skip
        JournalLine.objects.filter(pk=line.pk).update(amount=line.amount + change)


def test_a_tampered_invoice_entry_shows_in_the_revenue_a_payment_brings(two_months):
    cooperative = two_months.cooperative
    # 10.00 of October's invoice moved from revenue to VAT: its payment brings 10.00 less.
    tamper(
        cooperative,
        "billing.invoice",
        {Role.REVENUE_STANDARD: D("10"), Role.VAT_STANDARD: D("-10")},
    )
    october = ties_to_money_pages(cooperative, periods.month(OCTOBER))
    assert [(t.key, t.difference) for t in october.differences] == [("revenue", D("-10.00"))]


def test_a_tampered_expense_entry_shows(two_months):
    cooperative = two_months.cooperative
    tamper(cooperative, "payroll.expense", {Role.EXPENSES: D("-0.01"), Role.BANK: D("0.01")})
    for period in (periods.month(OCTOBER), periods.year(2026)):
        differences = ties_to_money_pages(cooperative, period).differences
        assert [(t.key, t.page, t.journal) for t in differences] == [
            ("expenses", D("1000.00") if period.kind == "month" else D("1077.77"),
             D("999.99") if period.kind == "month" else D("1077.76")),
        ]  # fmt: skip


def test_a_tampered_distribution_entry_shows_in_the_fund_and_its_balance(two_months):
    cooperative = two_months.cooperative
    tamper(
        cooperative, "payroll.distribution",
        {Role.RESERVE_FUND: D("-1.00"), Role.EDUCATION_FUND: D("1.00")},
    )  # fmt: skip
    year = ties_to_money_pages(cooperative, periods.year(2026))
    assert {t.key: t.difference for t in year.differences} == {
        "distributed_reserve": D("1.00"),
        "distributed_education": D("-1.00"),
        "reserve_fund": D("1.00"),
        "education_fund": D("-1.00"),
    }


def test_the_page_shows_each_tie_and_the_differences(two_months, client):
    cooperative = two_months.cooperative
    client.force_login(two_months.ana.user)
    url = reverse("books-report", args=[cooperative.slug, "ties"])
    page = client.get(url, {"month": "2026-11"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ties to the money pages" in html and "Every figure ties." in html
    assert 'id="tie-revenue"' in html and "416.67" in html
    tamper(cooperative, "payroll.expense", {Role.EXPENSES: D("-0.01"), Role.BANK: D("0.01")})
    html = client.get(url, {"month": "2026-10"}).content.decode()
    assert "1 figure differs" in html and "-0.01" in html
    assert client.get(url, {"month": "2026-13"}).status_code == 400


def test_the_api_answers_the_ties(two_months, client):
    cooperative = two_months.cooperative
    client.force_login(two_months.bo.user)
    url = f"/api/v1/coops/{cooperative.slug}/books/ties/"
    body = client.get(url, {"month": "2026-11"}).json()
    assert body["all_tie"] is True and body["period"]["key"] == "2026-11"
    revenue = next(t for t in body["ties_to_money_pages"] if t["key"] == "revenue")
    assert revenue == {
        "key": "revenue", "label": "Revenue received, net of VAT",
        "page_name": "Money: the month's overview", "page": "416.67", "journal": "416.67",
        "difference": "0.00", "ties": True,
    }  # fmt: skip
    Revenue.objects.filter(cooperative=cooperative, received_on__month=11).update(amount=D("1"))
    body = client.get(url, {"month": "2026-11"}).json()
    assert body["all_tie"] is False
    bad = client.get(url, {"month": "11/2026"})
    assert bad.status_code == 400 and "month" in bad.json()["errors"]


@pytest.mark.django_db
def test_the_demo_co_op_ties_every_month_and_year(clock):
    clock.set(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
    call_command("demo", quiet=True)
    cooperative = Cooperative.objects.get(slug="demo")
    checked = [periods.year(2026), periods.year(2027)]
    checked += [periods.month(datetime.date(2027, month, 1)) for month in (1, 2, 3)]
    checked += [periods.month(datetime.date(2026, month, 1)) for month in range(1, 13)]
    for period in checked:
        found = ties_to_money_pages(cooperative, period)
        assert found.all_tie, (period.key, [(t.key, t.page, t.journal) for t in found.differences])
    revenue = figures(cooperative, periods.year(2027))["revenue"]
    assert revenue[0] == revenue[1] > 0


def test_a_payment_in_another_currency_brings_the_revenue_the_journal_books(clock, db):
    """Two VAT groups in US dollars: the journal splits the payment over revenue and VAT by
    largest remainder, and the money page's revenue is what that split leaves, to the cent
    (a net share rounded half up was a cent more: 563.70 against the journal's 563.69)."""
    from tests.billing.invoicing_factories import World
    from tests.books.test_billing_entries import issue as issue_lines
    from tests.books.test_billing_entries import pay as pay_invoice

    clock.set(datetime.date(2026, 11, 2))
    world = World()
    world.client.currency = "USD"
    world.client.save()
    invoice = issue_lines(world, ("105.62", "S", "20"), ("588.76", "S", "10"))
    pay_invoice(world, invoice, "720.17", exchange_rate=D("0.87290936"))
    november = ties_to_money_pages(world.cooperative, periods.month(NOVEMBER))
    revenue = next(tie for tie in november.ties if tie.key == "revenue")
    assert revenue.ties, (revenue.page, revenue.journal)
    assert revenue.page == Revenue.objects.get(cooperative=world.cooperative).amount


def test_a_loss_the_reserve_bears_keeps_the_reserve_tied(two_months, clock):
    """A loss of 100.00 charged to the collective reserve first (the bylaws' default): the
    reserve fund on the money pages and in the journal both fall by 100.00 in December."""
    from payroll import capital_losses

    cooperative = two_months.cooperative
    december = periods.month(datetime.date(2026, 12, 1))
    before = figures(cooperative, december)["reserve_fund"]
    clock.set(datetime.datetime(2026, 12, 20, 9, tzinfo=datetime.UTC))
    loss = capital_losses.record_capital_loss(
        actor=two_months.treasurer, cooperative=cooperative, period_start=OCTOBER,
        period_end=datetime.date(2026, 11, 30), amount=D("100.00"),
    )  # fmt: skip
    assert loss.from_reserve == D("100.00")
    found = ties_to_money_pages(cooperative, december)
    assert found.all_tie, [(t.key, t.page, t.journal) for t in found.differences]
    assert figures(cooperative, december)["reserve_fund"] == (
        before[0] - D("100.00"),
        before[1] - D("100.00"),
    )
