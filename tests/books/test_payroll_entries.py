"""Payroll's money events write their entries (payroll.bookkeeping), checked by hand; the
backfill writes what the live path writes; the check finds a tampered amount."""

import datetime
from decimal import Decimal

import pytest

from books import sources
from books.charts import Role
from books.models import AccountMapping, BooksSettings, JournalEntry, JournalLine
from payroll import book_sources, bookkeeping, capital, claims, distributing
from payroll.models import CapitalAccountEntry, Distribution, DistributionLine
from payroll.services import money_in, spending
from tests.conftest import as_member
from tests.factories import ClientFactory
from tests.payroll.books import SEPTEMBER
from tests.payroll.factories_claims import file_claim

D = Decimal
OCTOBER = datetime.date(2026, 10, 1)


def number(cooperative, role):
    return AccountMapping.objects.get(cooperative=cooperative, role=role).account.number


def lines_of(entry):
    """(account number, amount, member id) of each line, in order."""
    return [
        (line.account.number, line.amount, line.member_id)
        for line in entry.lines.select_related("account").order_by("id")
    ]


def entries(cooperative, source_type, source_id):
    return list(
        JournalEntry.objects.filter(
            cooperative=cooperative, source_type=source_type, source_id=str(source_id)
        ).order_by("id")
    )


def snapshot(cooperative):
    """The journal as a comparable set (no ids, no creation times)."""
    return sorted(
        (
            entry.date, entry.kind, entry.source_type, entry.source_id,
            tuple(sorted((n, str(a), m or 0) for n, a, m in lines_of(entry))),
        )
        for entry in JournalEntry.objects.filter(cooperative=cooperative)
    )  # fmt: skip


def no_problems(cooperative):
    return {name: problems for name, problems in sources.check(cooperative).items() if problems}


@pytest.fixture
def roles(cooperative):
    bookkeeping.accounts_for(cooperative, [Role.BANK])  # installs the chart

    def of(role):
        return number(cooperative, role)

    return of


@pytest.fixture
def spanish(cooperative):
    """The co-op is Spanish before its first money event: its books follow the PGC."""
    cooperative.country = "ES"
    cooperative.save()
    return cooperative


@pytest.mark.django_db
class TestMoneyIn:
    def test_revenue_by_hand_is_bank_against_other_revenue(self, cooperative, treasurer, roles):
        client = ClientFactory(cooperative=cooperative)
        revenue = money_in.record_revenue(
            actor=treasurer, cooperative=cooperative, client=client,
            amount=D("1250.50"), received_on=datetime.date(2026, 10, 3),
        )  # fmt: skip
        (entry,) = entries(cooperative, "payroll.revenue", revenue.pk)
        assert (entry.kind, entry.date) == ("revenue", datetime.date(2026, 10, 3))
        assert lines_of(entry) == [
            (roles("bank"), D("1250.50"), None),
            (roles("other_revenue"), D("-1250.50"), None),
        ]
        assert not no_problems(cooperative)

    def test_revenue_booked_elsewhere_is_not_booked(self, cooperative, treasurer, roles):
        client = ClientFactory(cooperative=cooperative)
        revenue = money_in.record_revenue(
            actor=treasurer, cooperative=cooperative, client=client, amount=D("80.00"),
            received_on=datetime.date(2026, 10, 3), book=False,
        )  # fmt: skip
        assert not entries(cooperative, "payroll.revenue", revenue.pk)
        money_in.delete_revenue(actor=treasurer, revenue=revenue, book=False)
        assert not JournalEntry.objects.filter(cooperative=cooperative).exists()

    def test_deleting_revenue_reverses_its_entry_on_its_day(self, cooperative, treasurer, roles):
        client = ClientFactory(cooperative=cooperative)
        revenue = money_in.record_revenue(
            actor=treasurer, cooperative=cooperative, client=client, amount=D("99.99"),
            received_on=datetime.date(2026, 10, 3),
        )  # fmt: skip
        revenue_id = revenue.pk
        money_in.delete_revenue(actor=treasurer, revenue=revenue)
        booked, reversal = entries(cooperative, "payroll.revenue", revenue_id)
        assert reversal.reverses == booked and reversal.date == booked.date
        assert lines_of(reversal) == [
            (roles("bank"), D("-99.99"), None),
            (roles("other_revenue"), D("99.99"), None),
        ]
        assert not no_problems(cooperative)

    def test_a_correction_books_the_opposite_lines(self, cooperative, treasurer, books, roles):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        distributing.approve_distribution(actor=treasurer, distribution=run)
        revenue = cooperative.revenue.get()
        correction = money_in.correct_revenue(
            actor=treasurer, revenue=revenue, received_on=datetime.date(2026, 10, 2)
        )
        (entry,) = entries(cooperative, "payroll.revenue", correction.pk)
        assert entry.date == datetime.date(2026, 10, 2)
        assert lines_of(entry) == [
            (roles("bank"), D("-12000.00"), None),
            (roles("other_revenue"), D("12000.00"), None),
        ]
        assert not no_problems(cooperative)


@pytest.mark.django_db
class TestMoneyOut:
    def test_an_approved_expense_is_paid_from_the_bank(self, cooperative, treasurer, roles):
        expense = spending.record_expense(
            actor=treasurer, cooperative=cooperative, category="Hosting", amount=D("240.00"),
            date=datetime.date(2026, 10, 3), payee="Hetzner",
        )  # fmt: skip
        assert not entries(cooperative, "payroll.expense", expense.pk)  # submitted: nothing yet
        spending.decide_expense(actor=treasurer, expense=expense, approve=True)
        (entry,) = entries(cooperative, "payroll.expense", expense.pk)
        assert entry.kind == "expense"
        assert lines_of(entry) == [
            (roles("expenses"), D("240.00"), None),
            (roles("bank"), D("-240.00"), None),
        ]

    def test_an_expense_recorded_approved_is_booked_at_once(self, cooperative, treasurer, roles):
        expense = spending.record_expense(
            actor=treasurer, cooperative=cooperative, category="Bank fees", amount=D("4.50"),
            date=datetime.date(2026, 10, 3), payee="Bank", approved=True, role="bank_fees",
        )  # fmt: skip
        assert expense.status == "approved"
        (entry,) = entries(cooperative, "payroll.expense", expense.pk)
        assert entry.kind == "bank_fee"
        assert lines_of(entry)[0] == (roles("bank_fees"), D("4.50"), None)

    def test_a_rejected_expense_books_nothing(self, cooperative, treasurer, roles):
        expense = spending.record_expense(
            actor=treasurer, cooperative=cooperative, category="Hosting", amount=D("240.00"),
            date=datetime.date(2026, 10, 3), payee="Hetzner",
        )  # fmt: skip
        spending.decide_expense(actor=treasurer, expense=expense, approve=False)
        assert not JournalEntry.objects.filter(cooperative=cooperative).exists()

    def test_a_claim_is_owed_to_its_member_then_paid_on_its_line(
        self, cooperative, treasurer, books, roles
    ):
        worker = books[1]
        claim = file_claim(worker, date=datetime.date(2026, 9, 25), amount=D("42.50"))
        claim = claims.approve_claim(actor=treasurer, claim=claim)
        (entry,) = entries(cooperative, "payroll.expense", claim.expense_id)
        assert lines_of(entry) == [
            (roles("expenses"), D("42.50"), None),
            (roles("claims_payable"), D("-42.50"), worker.pk),
        ]
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        (distribution_entry,) = entries(cooperative, "payroll.distribution", run.pk)
        assert roles("claims_payable") not in {n for n, _a, _m in lines_of(distribution_entry)}
        run = distributing.mark_paid(actor=treasurer, distribution=run)
        line = run.lines.get(kind=DistributionLine.Kind.REIMBURSEMENT)
        (payout,) = entries(cooperative, "payroll.distributionline", line.pk)
        assert lines_of(payout) == [
            (roles("claims_payable"), D("42.50"), worker.pk),
            (roles("bank"), D("-42.50"), None),
        ]
        # the claim's expense is booked once, as the member's claim
        assert len(entries(cooperative, "payroll.expense", claim.expense_id)) == 1
        assert not no_problems(cooperative)


@pytest.mark.django_db
class TestDistribution:
    def test_the_approval_books_the_surplus_to_funds_payables_and_capital(
        self, cooperative, treasurer, books, roles
    ):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        (entry,) = entries(cooperative, "payroll.distribution", run.pk)
        assert (entry.kind, entry.date) == ("distribution", datetime.date(2026, 9, 30))
        by_account: dict[str, D] = {}
        for account, amount, _member in lines_of(entry):
            by_account[account] = by_account.get(account, D(0)) + amount
        # 12,000 revenue - 1,500 expenses = 10,500: 15 % commons, 10 % reserve, 5 % education,
        # 7,350 to the members, of which 80 % in cash and 20 % retained.
        assert by_account == {
            roles("surplus"): D("10500.00"),
            roles("reserve_fund"): D("-1050.00"),
            roles("education_fund"): D("-525.00"),
            roles("commons_payable"): D("-1575.00"),
            roles("members_payable"): D("-5880.00"),
            roles("members_capital"): D("-1470.00"),
        }
        for line in run.lines.filter(kind="member"):
            member_lines = [(n, a) for n, a, m in lines_of(entry) if m == line.member_id]
            assert sorted(member_lines) == sorted(
                [(roles("members_payable"), -line.cash), (roles("members_capital"), -line.retained)]
            )
        assert not no_problems(cooperative)

    def test_payouts_once_per_line_and_taken_back_when_unpaid(
        self, cooperative, treasurer, books, roles
    ):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        run = distributing.mark_paid(actor=treasurer, distribution=run)
        payouts = JournalEntry.objects.filter(cooperative=cooperative, kind="payout")
        cash_lines = run.lines.filter(cash__gt=0)
        assert payouts.count() == cash_lines.count() == 5  # 3 members, 2 commons recipients
        member_line = cash_lines.filter(kind="member").first()
        (payout,) = entries(cooperative, "payroll.distributionline", member_line.pk)
        assert lines_of(payout) == [
            (roles("members_payable"), member_line.cash, member_line.member_id),
            (roles("bank"), -member_line.cash, None),
        ]
        bookkeeping.settle_payouts(run)  # again: nothing more
        assert payouts.count() == 5
        distributing.mark_unpaid(actor=treasurer, distribution=run)
        reversals = JournalEntry.objects.filter(cooperative=cooperative, kind="reversal")
        assert reversals.count() == 5
        assert not no_problems(cooperative)

    def test_an_adjustment_line_is_owed_like_a_share(self, cooperative, treasurer, books, roles):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        worker = books[1]
        adjustment = DistributionLine.objects.create(
            distribution=run, kind=DistributionLine.Kind.ADJUSTMENT, member=worker,
            name="August, hours logged late", share=D("12.34"), cash=D("12.34"),
        )  # fmt: skip
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        (entry,) = entries(cooperative, "payroll.distribution", run.pk)
        assert (roles("members_payable"), D("-12.34"), worker.pk) in lines_of(entry)
        assert (roles("surplus"), D("10512.34"), None) in lines_of(entry)
        assert capital.capital_balance(worker) == sum(
            line.retained for line in run.lines.filter(kind="member", member=worker)
        )
        distributing.mark_paid(actor=treasurer, distribution=run)
        (payout,) = entries(cooperative, "payroll.distributionline", adjustment.pk)
        assert lines_of(payout)[0] == (roles("members_payable"), D("12.34"), worker.pk)
        assert not no_problems(cooperative)

    def test_a_loss_month_books_nothing(self, cooperative, treasurer, books, roles):
        for _ in range(6):  # 1,500 + 6 × 1,900 = 12,900 spent, 12,000 received
            spending.record_expense(
                actor=treasurer, cooperative=cooperative, category="Office",
                amount=D("1900.00"), date=datetime.date(2026, 9, 22), payee="Landlord",
                approved=True,
            )  # fmt: skip
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        assert run.loss > 0 and run.surplus == 0
        assert not entries(cooperative, "payroll.distribution", run.pk)
        assert not no_problems(cooperative)

    def test_spain_endows_the_education_fund_as_an_expense(self, spanish, treasurer, books):
        cooperative = treasurer.cooperative
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        (entry,) = entries(cooperative, "payroll.distribution", run.pk)
        debits = {n: a for n, a, _m in lines_of(entry) if a > 0}
        assert debits == {"657": D("525.00"), "129": D("9975.00")}
        assert (number(cooperative, "education_fund"), D("-525.00"), None) in lines_of(entry)

    def test_a_missing_account_refuses_the_approval_naming_the_role(
        self, api, cooperative, treasurer, books, roles
    ):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        # A chart of the treasurer's own (a default chart would give the role its account).
        BooksSettings.objects.filter(cooperative=cooperative).update(chart="own")
        AccountMapping.objects.filter(cooperative=cooperative, role="reserve_fund").delete()
        before = JournalEntry.objects.count()
        response = as_member(api, treasurer).post(
            f"/api/v1/coops/{cooperative.slug}/distributions/{run.pk}/approve/"
        )
        assert response.status_code == 409, response.content
        assert "reserve_fund" in response.content.decode()
        run.refresh_from_db()
        assert run.status == Distribution.Status.DRAFT
        assert not CapitalAccountEntry.objects.filter(distribution=run).exists()
        assert JournalEntry.objects.count() == before


@pytest.mark.django_db
class TestCapital:
    def test_redemption_and_adjustment(self, cooperative, treasurer, books, roles):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        distributing.approve_distribution(actor=treasurer, distribution=run)
        worker = books[0]
        retained = capital.capital_balance(worker)
        redemption = capital.record_capital_entry(
            actor=treasurer, member=worker, kind="redemption", amount=D("100.00"),
            date=datetime.date(2026, 10, 5), note="Paid out on leaving",
        )  # fmt: skip
        (entry,) = entries(cooperative, "payroll.capitalaccountentry", redemption.pk)
        assert lines_of(entry) == [
            (roles("members_capital"), D("100.00"), worker.pk),
            (roles("bank"), D("-100.00"), None),
        ]
        adjustment = capital.record_capital_entry(
            actor=treasurer, member=worker, kind="adjustment", amount=D("-0.50"),
            date=datetime.date(2026, 10, 6), note="Rounding of September",
        )  # fmt: skip
        (entry,) = entries(cooperative, "payroll.capitalaccountentry", adjustment.pk)
        assert lines_of(entry) == [
            (roles("members_capital"), D("0.50"), worker.pk),
            (roles("collective_capital"), D("-0.50"), None),
        ]
        journal = book_sources.journal_capital(cooperative)
        assert journal[worker.pk] == capital.capital_balance(worker) == retained - D("100.50")
        for member in books:
            assert journal.get(member.pk, D(0)) == capital.capital_balance(member)
        assert not no_problems(cooperative)


def month_of_events(cooperative, treasurer, books):
    """Revenue, an expense (the `books` fixture), a claim, the month approved and paid, a
    redemption: every kind of entry payroll writes."""
    claim = file_claim(books[2], date=datetime.date(2026, 9, 25))
    claims.approve_claim(actor=treasurer, claim=claim)
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    run = distributing.approve_distribution(actor=treasurer, distribution=run)
    distributing.mark_paid(actor=treasurer, distribution=run)
    capital.record_capital_entry(
        actor=treasurer, member=books[0], kind="redemption", amount=D("10.00"),
        date=datetime.date(2026, 10, 5), note="Paid out",
    )  # fmt: skip


@pytest.mark.django_db
class TestBackfillAndCheck:
    def test_the_backfill_writes_what_the_live_path_wrote(
        self, cooperative, treasurer, books, clock
    ):
        clock.set(datetime.date(2026, 10, 9))
        month_of_events(cooperative, treasurer, books)
        live = snapshot(cooperative)
        # revenue, expense, claim, the run, 6 payouts, a redemption
        assert len(live) == 1 + 1 + 1 + 1 + 6 + 1
        assert not no_problems(cooperative)
        # the records from before the books: the same records, an empty journal
        JournalLine.objects.filter(entry__cooperative=cooperative).delete()
        JournalEntry.objects.filter(cooperative=cooperative, reverses__isnull=False).delete()
        JournalEntry.objects.filter(cooperative=cooperative).delete()
        assert no_problems(cooperative)
        written = sources.backfill(cooperative)
        assert sum(written.values()) == len(live)
        assert snapshot(cooperative) == live
        assert not no_problems(cooperative)
        assert sum(sources.backfill(cooperative).values()) == 0  # idempotent

    def test_the_check_finds_a_tampered_amount(self, cooperative, treasurer, books):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        entry = JournalEntry.objects.get(source_type="payroll.distribution", source_id=run.pk)
        reserve = number(cooperative, "reserve_fund")
        surplus = number(cooperative, "surplus")
        # a balanced tampering: a cent moved from the reserve back to the surplus
        for account, change in ((reserve, D("0.01")), (surplus, D("-0.01"))):
            line = entry.lines.filter(account__number=account).first()
            JournalLine.objects.filter(pk=line.pk).update(amount=line.amount + change)
        problems = no_problems(cooperative)
        assert problems == {
            "payroll.distribution": [
                f"distribution of 2026-09 (#{run.pk}), reserve_fund: 1050.00 in the records, "
                "1049.99 in the journal"
            ]
        }

    def test_the_check_finds_revenue_the_journal_lacks(self, cooperative, treasurer, roles):
        client = ClientFactory(cooperative=cooperative)
        revenue = money_in.record_revenue(
            actor=treasurer, cooperative=cooperative, client=client, amount=D("5.00"),
            received_on=datetime.date(2026, 10, 3),
        )  # fmt: skip
        JournalEntry.objects.filter(source_id=str(revenue.pk)).delete()
        assert no_problems(cooperative)["payroll.revenue"] == [
            "revenue of 2026-10: 5.00 in the records, 0 in the journal"
        ]
