"""Interest on capital accounts: the bylaws' rate and cap, a run per period, exact to the cent."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape
from pypdf import PdfReader

from books import sources
from books.charts import Role
from books.models import AccountMapping, JournalLine
from coop.bylaws import validate_bylaws
from coop.errors import InvalidInput, NotAllowed, StateConflict
from payroll import book_sources, capital, capital_interest, capital_statement_pdf
from payroll.allocation.interest import interest
from payroll.capital_models import CapitalInterestRun
from payroll.capital_statements import annual_statement
from payroll.models import CapitalAccountEntry
from tests.factories import MemberFactory
from tests.web import signed_in

D = Decimal


def _set_bylaws(cooperative, **settings):
    cooperative.bylaws = {**cooperative.bylaws, **settings}
    validate_bylaws(cooperative.bylaws)
    cooperative.save()


@pytest.fixture
def year_2026(clock, cooperative, treasurer):
    """A co-op paying 4.5 % a year (cap 6 %), a member whose balance changes twice in 2026."""
    clock.set(datetime.date(2027, 1, 15))
    _set_bylaws(cooperative, capital_interest_rate_cap_pct="6", capital_interest_rate_pct="4.5")
    ana = MemberFactory(cooperative=cooperative, user__full_name="Ana")

    def entry(kind, amount, day):
        capital.record_capital_entry(
            actor=treasurer, member=ana, kind=kind, amount=D(amount), date=day, note="hand"
        )

    entry("adjustment", "1000.00", datetime.date(2025, 12, 15))
    entry("adjustment", "500.00", datetime.date(2026, 7, 1))
    entry("redemption", "200.00", datetime.date(2026, 10, 1))
    return ana


def test_interest_over_a_year_on_a_balance_that_changes_mid_year(cooperative, treasurer, year_2026):
    """Worked by hand, 4.5 % a year, 2026 has 365 days, each day earns its end-of-day balance:

    1 Jan – 30 Jun, 181 days at 1,000.00: 1000 × 0.045 × 181 / 365 = 22.3150685…
    1 Jul – 30 Sep,  92 days at 1,500.00: 1500 × 0.045 ×  92 / 365 = 17.0136986…
    1 Oct – 31 Dec,  92 days at 1,300.00: 1300 × 0.045 ×  92 / 365 = 14.7452055…
    sum 54.0739726…, rounded once, half to even: 54.07, credited on 31 December 2026.
    The treasurer (balance 0 all year) gets nothing, so no entry.
    """
    run = capital_interest.run_capital_interest(
        actor=treasurer, cooperative=cooperative, period="2026"
    )
    assert (run.period_start, run.period_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert run.rate == D("4.5") and run.total == D("54.07")
    (line,) = run.lines.all()
    assert line.member == year_2026 and line.amount == D("54.07")
    assert line.entry.kind == "interest" and line.entry.date == datetime.date(2026, 12, 31)
    assert line.entry.amount == D("54.07")
    assert "4.5 % a year on the daily balance" in line.entry.note
    assert [(s["start"], s["days"], s["balance"]) for s in line.explanation["segments"]] == [
        ("2026-01-01", 181, "1000.00"),
        ("2026-07-01", 92, "1500.00"),
        ("2026-10-01", 92, "1300.00"),
    ]
    assert line.explanation["exact"] == "54.073973"
    assert capital.capital_balance(year_2026) == D("1354.07")
    # The books: Dr interest on capital, Cr the member's capital; everything agrees.
    interest_account = AccountMapping.objects.get(
        cooperative=cooperative, role=Role.CAPITAL_INTEREST
    ).account
    assert interest_account.number == "6200"
    debit = JournalLine.objects.get(entry__source_id=str(line.entry_id), account=interest_account)
    assert debit.amount == D("54.07")
    assert book_sources.check_capital(cooperative) == []
    assert all(not source.check(cooperative) for source in sources.sources())


def test_the_statement_explains_the_interest(client, cooperative, treasurer, year_2026):
    capital_interest.run_capital_interest(actor=treasurer, cooperative=cooperative, period="2026")
    client.force_login(year_2026.user)
    page = client.get(f"/c/{cooperative.slug}/money/capital/{year_2026.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "181 days at" in text and "92 days at" in text and "4.5 %" in text


def test_a_period_runs_once(cooperative, treasurer, year_2026):
    capital_interest.run_capital_interest(actor=treasurer, cooperative=cooperative, period="2026")
    with pytest.raises(StateConflict) as refused:
        capital_interest.run_capital_interest(
            actor=treasurer, cooperative=cooperative, period="2026"
        )
    assert refused.value.code == "interest_already_run"
    assert "2026 was credited already" in refused.value.message
    assert CapitalInterestRun.objects.count() == 1
    assert CapitalAccountEntry.objects.filter(kind="interest").count() == 1


def test_a_month_inside_a_year_already_run_is_refused(cooperative, treasurer, year_2026):
    capital_interest.run_capital_interest(actor=treasurer, cooperative=cooperative, period="2026")
    _set_bylaws(cooperative, capital_interest_period="monthly")
    with pytest.raises(StateConflict, match="credited already"):
        capital_interest.run_capital_interest(
            actor=treasurer, cooperative=cooperative, period="2026-03"
        )


def test_a_period_not_ended_and_a_co_op_without_a_rate_are_refused(
    cooperative, treasurer, year_2026
):
    with pytest.raises(StateConflict) as refused:
        capital_interest.run_capital_interest(
            actor=treasurer, cooperative=cooperative, period="2027"
        )
    assert refused.value.code == "period_not_ended"
    _set_bylaws(cooperative, capital_interest_rate_pct="0")
    with pytest.raises(StateConflict) as refused:
        capital_interest.run_capital_interest(actor=treasurer, cooperative=cooperative)
    assert refused.value.code == "no_interest_rate"
    assert "capital_interest" not in refused.value.message  # the page shows it: no bylaws key
    assert not CapitalInterestRun.objects.exists()


def test_only_the_treasurer_runs_interest(cooperative, year_2026):
    with pytest.raises(NotAllowed):
        capital_interest.run_capital_interest(actor=year_2026, cooperative=cooperative)


def test_the_period_is_written_as_the_bylaws_count(cooperative, treasurer, year_2026):
    with pytest.raises(InvalidInput, match="yearly") as refused:
        capital_interest.run_capital_interest(
            actor=treasurer, cooperative=cooperative, period="2026-03"
        )
    assert refused.value.field == "period"
    assert "capital_interest" not in refused.value.message  # the page shows it: no bylaws key
    _set_bylaws(cooperative, capital_interest_period="monthly")
    with pytest.raises(InvalidInput, match="monthly"):
        capital_interest.run_capital_interest(
            actor=treasurer, cooperative=cooperative, period="2026"
        )
    run = capital_interest.run_capital_interest(
        actor=treasurer, cooperative=cooperative, period="2026-07"
    )
    # July: 31 days at 1,500.00 × 4.5 % / 365 = 5.7328767… → 5.73
    assert (run.period_start, run.period_end, run.total) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 7, 31),
        D("5.73"),
    )


def test_the_beat_runs_the_period_just_ended_once(cooperative, treasurer, year_2026):
    assert capital_interest.run_due_interest() == {"run": 1, "skipped": 0}
    assert capital_interest.run_due_interest() == {"run": 0, "skipped": 0}
    run = CapitalInterestRun.objects.get()
    assert run.period_start == datetime.date(2026, 1, 1) and run.run_by is None
    assert run.total == D("54.07")


def test_the_beat_task_leaves_co_ops_without_a_rate_alone(clock, cooperative, treasurer):
    from payroll.tasks import credit_capital_interest

    clock.set(datetime.date(2027, 1, 15))
    assert credit_capital_interest() == {"run": 0, "skipped": 0}


# The bylaws ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bylaws", "message"),
    [
        ({"capital_interest_rate_cap_pct": "5", "capital_interest_rate_pct": "5.5"},
         "above the bylaws' cap"),
        ({"capital_interest_rate_pct": "1"}, "capital_interest_rate_cap_pct, 0 %"),
        ({"capital_interest_rate_cap_pct": "6", "capital_interest_rate_pct": "1.23456"},
         "at most 4 decimals"),
        ({"capital_interest_rate_cap_pct": 6.5}, "write it as text"),
        ({"capital_interest_rate_cap_pct": "101"}, "between 0 and 100"),
        ({"capital_interest_rate_cap_pct": "-1"}, "between 0 and 100"),
        ({"capital_interest_rate_cap_pct": "six"}, "write it as a number"),
        ({"capital_interest_period": "weekly"}, "capital_interest_period"),
        ({"loss_allocation": "members"}, "loss_allocation"),
    ],
)  # fmt: skip
def test_the_bylaws_refuse_bad_capital_settings(bylaws, message):
    with pytest.raises(ValidationError) as refused:
        validate_bylaws(bylaws)
    assert any(message in text for text in refused.value.messages), refused.value.messages


def test_the_bylaws_take_a_rate_at_or_below_the_cap():
    validate_bylaws({"capital_interest_rate_cap_pct": "6", "capital_interest_rate_pct": "6"})
    validate_bylaws({"capital_interest_rate_cap_pct": 6, "capital_interest_rate_pct": "2.1234"})


def test_the_api_refuses_a_rate_above_the_cap(api, cooperative, clock):
    admin = MemberFactory(cooperative=cooperative, is_admin=True)
    api.force_authenticate(admin.user)
    bylaws = {**cooperative.settings, "capital_interest_rate_cap_pct": "5"}
    bylaws["capital_interest_rate_pct"] = "7"
    response = api.patch(f"/api/v1/coops/{cooperative.slug}/", {"bylaws": bylaws}, format="json")
    assert response.status_code == 400
    assert "above the bylaws' cap" in str(response.json())
    cooperative.refresh_from_db()
    assert cooperative.settings["capital_interest_rate_pct"] == "0"


# The arithmetic, without a database ------------------------------------------------------------


def test_a_leap_year_at_a_constant_balance_earns_exactly_the_rate():
    """2028 has 366 days: 1000 × 5 % × 366 / 366 = 50.00 (actual/actual)."""
    figures = interest(
        D("1000"), [], datetime.date(2028, 1, 1), datetime.date(2028, 12, 31), D("5")
    )
    assert figures.amount == D("50.00")


@pytest.mark.parametrize(
    ("balance", "expected"), [("0.10", "0.00"), ("0.30", "0.02"), ("0.50", "0.02")]
)
def test_half_a_cent_rounds_to_even(balance, expected):
    """0.10 × 5 % = 0.005 → 0.00; 0.30 × 5 % = 0.015 → 0.02; 0.50 × 5 % = 0.025 → 0.02."""
    year = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert interest(D(balance), [], *year, D("5")).amount == D(expected)


def test_days_below_zero_earn_nothing_and_a_yen_has_no_cents():
    year = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    changes = [(datetime.date(2026, 7, 2), D("-2000"))]
    # 182 days at 1000 (1 Jan – 1 Jul) earn 1000 × 0.1 × 182/365 = 49.863…; then -1000 earns 0.
    assert interest(D("1000"), changes, *year, D("10")).amount == D("49.86")
    assert interest(D("1000"), changes, *year, D("10"), places=0).amount == D("50")


# A bylaws proposal changes the capital settings ------------------------------------------------


def test_a_bylaws_proposal_sets_the_rate_and_its_cap(client, clock, cooperative):
    from governance.models import Proposal
    from tests.governance.test_action_forms import draft, new, saved
    from tests.web import signed_in

    clock.set(datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC))  # the drafts' dates
    member = MemberFactory(cooperative=cooperative)
    data = draft(
        "bylaws", "amend_bylaws", capital_interest_rate_cap_pct="5",
        capital_interest_rate_pct="3.25", capital_interest_period="monthly",
        loss_allocation="patronage",
    )  # fmt: skip
    proposal = saved(signed_in(client, member), cooperative, data)
    assert proposal.action_payload == {
        "capital_interest_rate_cap_pct": "5",
        "capital_interest_rate_pct": "3.25",
        "capital_interest_period": "monthly",
        "loss_allocation": "patronage",
    }
    Proposal.objects.all().delete()
    above = draft("bylaws", "amend_bylaws", capital_interest_rate_pct="3.25")
    response = signed_in(client, member).post(new(cooperative), above)
    assert response.status_code == 400
    assert (
        "Interest rate on capital (% a year): 3.25 % is above the cap of 0 % that the bylaws "
        "allow; the rate may not exceed the cap." in response.content.decode()
    )


def test_a_rate_is_written_as_the_language_writes_it():
    from django.utils import translation

    from payroll.capital_presenters import rate_text

    assert rate_text(D("10.0000")) == "10"  # not 1E+1
    with translation.override("de"):
        assert rate_text(D("4.5000")) == "4,5"


def test_the_beat_leaves_a_co_op_founded_since_the_period_alone(clock, cooperative, treasurer):
    clock.set(datetime.date(2027, 1, 15))
    cooperative.founded_on = datetime.date(2027, 1, 2)
    cooperative.bylaws = {
        **cooperative.bylaws,
        "capital_interest_rate_cap_pct": "6",
        "capital_interest_rate_pct": "4",
    }
    cooperative.save()
    assert capital_interest.run_due_interest() == {"run": 0, "skipped": 0}


def test_the_yearly_statement_explains_the_interest(
    client, cooperative, treasurer, year_2026, django_assert_max_num_queries
):
    """The 2026 statement: 1,000.00 on January 1, +500.00, −200.00, +54.07 interest, with the
    segments it was computed on; 1,354.07 on December 31 (page and PDF alike)."""
    capital_interest.run_capital_interest(actor=treasurer, cooperative=cooperative, period="2026")
    statement = annual_statement(year_2026, 2026)
    assert statement.opening == D("1000.00") and statement.closing == D("1354.07")
    assert [(t.kind, t.amount) for t in statement.totals] == [
        ("redemption", D("-200.00")), ("adjustment", D("500.00")), ("interest", D("54.07")),
    ]  # fmt: skip
    explained = statement.ledger[-1].explanation
    assert explained and any("181" in sentence for sentence in explained)
    page = signed_in(client, year_2026).get(
        f"/c/{cooperative.slug}/money/capital/{year_2026.pk}/statements/2026/"
    )
    html = page.content.decode()
    for sentence in explained:
        assert escape(sentence) in html
    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(capital_statement_pdf.build(statement))).pages
    )
    assert "181" in " ".join(text.split())
