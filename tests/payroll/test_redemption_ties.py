"""Which allocations a redemption pays back, and the 1099-PATR box 5 that follows (United States).

Each year of patronage below is written as the approval of its December distribution writes
it: the member's line (share, money paid, retained) and the allocation entry of the retained
part; debits go through the services (a redemption by the treasurer, a settlement's
retention and instalments). The figures are checked by hand in the docstrings; docs/capital.md,
"Which allocations a redemption pays", has the rules.
"""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop.errors import DomainError
from coop.services import change_member_status
from payroll import capital, consents, distributing, patronage, redemption_ties
from payroll.capital_models import CapitalEntryTie
from payroll.models import CapitalAccountEntry, Distribution, DistributionLine
from payroll.redemption_order import Credit, draw
from payroll.services import policies
from tests.factories import CooperativeFactory, MemberFactory
from tests.payroll.books import SEPTEMBER
from tests.payroll.test_buyin import POLICY

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date


@pytest.fixture
def us(cooperative, treasurer):
    cooperative.legal_profile = "us"
    cooperative.save(update_fields=["legal_profile"])
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    return cooperative


def patronage_year(member, year, share, paid, buyin="0"):
    """The year's patronage of `member` as one approved December: `share`, of which `paid` in
    money (`buyin` of it put into their buy-in); the rest allocated."""
    cooperative = member.cooperative
    policy = policies.current_policy(cooperative)
    share, paid, buyin = D(share), D(paid), D(buyin)
    run, _ = Distribution.objects.get_or_create(
        cooperative=cooperative,
        month=day(year, 12, 1),
        defaults={
            "policy": policy,
            "status": Distribution.Status.APPROVED,
            "currency": cooperative.currency,
            "approved_at": datetime.datetime(year + 1, 1, 10, tzinfo=datetime.UTC),
        },
    )
    DistributionLine.objects.create(
        distribution=run, kind="member", member=member, name=member.display_name,
        share=share, cash=paid - buyin, retained=share - paid,
    )  # fmt: skip
    CapitalAccountEntry.objects.create(
        cooperative=cooperative, member=member, kind="allocation", amount=share - paid,
        date=day(year, 12, 31), distribution=run,
    )  # fmt: skip
    if buyin:
        CapitalAccountEntry.objects.create(
            cooperative=cooperative, member=member, kind="buyin", amount=buyin,
            date=day(year, 12, 31), distribution=run,
        )  # fmt: skip


def redeem(treasurer, member, amount, on):
    return capital.record_capital_entry(
        actor=treasurer, member=member, kind="redemption", amount=D(amount), date=on,
        note="Revolving fund",
    )  # fmt: skip


def row(cooperative, member, year):
    return next(r for r in patronage.patr_rows(cooperative, year) if r.member == member)


def consent(treasurer, member, given_on):
    consents.record_consent(actor=treasurer, member=member, method="written", given_on=given_on)


# The order, without a database -----------------------------------------------------------------


def test_the_order_the_bylaws_set():
    credits = [
        Credit(1, day(2024, 12, 31), True, D("100.00")),
        Credit(2, day(2023, 6, 30), False, D("50.00")),  # a buy-in instalment
        Credit(3, day(2025, 12, 31), True, D("100.00")),
    ]
    assert draw(D("120.00"), credits) == [(1, D("100.00")), (3, D("20.00"))]
    assert draw(D("120.00"), credits, redemption_order="newest_first") == [
        (3, D("100.00")),
        (1, D("20.00")),
    ]
    assert draw(D("60.00"), credits, member_capital_redeemed="before_notices") == [
        (2, D("50.00")),
        (1, D("10.00")),
    ]
    assert draw(D("999.00"), credits) == [(1, D("100.00")), (3, D("100.00")), (2, D("50.00"))]


# Hand-checked examples ---------------------------------------------------------------------------


def test_consent_all_along(clock, us, treasurer, member):
    """Consent from 2024; 2024: 1,000.00, 800.00 paid, 200.00 allocated (qualified, taxed in
    2025's box 1). A 150.00 redemption in 2026 pays back a qualified notice: box 5 is 0."""
    clock.set(day(2026, 3, 1))
    consent(treasurer, member, day(2024, 1, 1))
    patronage_year(member, 2024, "1000.00", "800.00")
    redeem(treasurer, member, "150.00", day(2026, 2, 27))
    assert row(us, member, 2025).box1_patronage_dividends == D("1000.00")
    figures = row(us, member, 2026)
    assert (figures.box5_redemptions, figures.review) == (D("0"), False)
    standing = patronage.notice_of_allocation(member, 2024).standing
    assert (standing.redeemed, standing.outstanding) == (D("150.00"), D("50.00"))


def test_no_consent(clock, us, treasurer, member):
    """No consent: 2024's 200.00 was not taxed (box 1 of 2025 is the 800.00 paid); the 150.00
    redeemed in 2026 is in box 5."""
    clock.set(day(2026, 3, 1))
    patronage_year(member, 2024, "1000.00", "800.00")
    redeem(treasurer, member, "150.00", day(2026, 2, 27))
    assert row(us, member, 2025).box1_patronage_dividends == D("800.00")
    figures = row(us, member, 2026)
    assert (figures.box5_redemptions, figures.review) == (D("150.00"), False)


def test_consent_given_mid_way(clock, us, treasurer, member):
    """2024 and 2025: 200.00 allocated each year. Consent given on October 1, 2025: after 2024's
    payment period (September 15, 2025), before 2025's. So 2024's notice is nonqualified and
    2025's qualified. A 300.00 redemption in 2027, oldest first: 200.00 of 2024 (box 5) and
    100.00 of 2025; the row needs no review (it did before the ties)."""
    clock.set(day(2027, 3, 1))
    patronage_year(member, 2024, "1000.00", "800.00")
    patronage_year(member, 2025, "1000.00", "800.00")
    consent(treasurer, member, day(2025, 10, 1))
    redeem(treasurer, member, "300.00", day(2027, 2, 1))
    figures = row(us, member, 2027)
    assert (figures.box5_redemptions, figures.review) == (D("200.00"), False)
    assert row(us, member, 2026).box1_patronage_dividends == D("1000.00")  # 2025: qualified
    ties = CapitalEntryTie.objects.filter(member=member).order_by("credit__date")
    assert [(t.credit.date.year, t.amount) for t in ties] == [
        (2024, D("200.00")),
        (2025, D("100.00")),
    ]


def test_newest_first_where_the_bylaws_say_so(clock, us, treasurer, member):
    """The same years under `redemption_order: newest_first`: the 300.00 pays 200.00 of 2025
    (qualified) and 100.00 of 2024 (box 5)."""
    us.bylaws = {**us.bylaws, "redemption_order": "newest_first"}
    us.save()
    clock.set(day(2027, 3, 1))
    patronage_year(member, 2024, "1000.00", "800.00")
    patronage_year(member, 2025, "1000.00", "800.00")
    consent(treasurer, member, day(2025, 10, 1))
    redeem(treasurer, member, "300.00", day(2027, 2, 1))
    assert row(us, member, 2027).box5_redemptions == D("100.00")


def test_a_year_with_too_little_money_is_nonqualified_despite_consent(clock, us, treasurer, member):
    """Consent all along; 2024 paid 10% in money (100.00 of 1,000.00): its 900.00 notice is
    nonqualified (§1388(c)(1)). 2025 paid 80%. A 1,000.00 redemption in 2027 pays 900.00 of
    2024 (box 5) and 100.00 of 2025 (qualified)."""
    clock.set(day(2027, 3, 1))
    consent(treasurer, member, day(2024, 1, 1))
    patronage_year(member, 2024, "1000.00", "100.00")
    patronage_year(member, 2025, "1000.00", "800.00")
    redeem(treasurer, member, "1000.00", day(2027, 2, 1))
    assert not patronage.notice_of_allocation(member, 2024).qualified
    assert row(us, member, 2025).box1_patronage_dividends == D("100.00")
    assert row(us, member, 2027).box5_redemptions == D("900.00")


def test_a_redemption_within_the_notices_payment_period_is_for_review(clock, us, treasurer, member):
    """2025's notice redeemed on March 1, 2026, before its payment period ends (September 15,
    2026): the accountant decides whether it is a redemption or part of the dividend."""
    clock.set(day(2026, 3, 2))
    patronage_year(member, 2025, "1000.00", "800.00")
    redeem(treasurer, member, "100.00", day(2026, 3, 1))
    figures = row(us, member, 2026)
    assert figures.box5_redemptions == D("100.00") and figures.review
    assert "within its payment period" in figures.review_reasons[0]


def test_a_redemption_below_zero_pays_back_nothing_and_is_for_review(clock, us, treasurer, member):
    us.bylaws = {**us.bylaws, "negative_capital_balance": True}
    us.save()
    clock.set(day(2026, 3, 2))
    patronage_year(member, 2024, "1000.00", "800.00")
    redeem(treasurer, member, "250.00", day(2026, 3, 1))
    figures = row(us, member, 2026)
    assert figures.box5_redemptions == D("200.00") and figures.review
    assert "€50.00 more than the capital account held" in figures.review_reasons[0]


def test_a_buyin_then_a_settlement_paid_over_years(clock, us, treasurer, admin_member, books):
    """Ana bought in 1,000.00 (2022). 2023: 4,000.00 allocated, no consent (nonqualified).
    2024: 5,000.00 allocated, consent given on October 1, 2024, after 2023's payment period
    ended (September 15, 2024): 2024's notice is qualified, 2023's is not. Balance 10,000.00.
    She departs on August 31, 2025; the bylaws pay back 70% in 5 yearly instalments of
    1,400.00 from August 2026 (tests/payroll/test_settlements.py). Oldest first, buy-in last:
    the retention of 3,000.00 cancels 3,000.00 of 2023; instalment 1 (September 2026) pays the
    last 1,000.00 of 2023 (box 5 of 2026) and 400.00 of 2024; instalment 2 (2027) 1,400.00 of
    2024 (qualified: box 5 is 0)."""
    from tests.payroll.test_settlements import FIVE_YEARS

    us.bylaws = {**us.bylaws, "settlement": FIVE_YEARS}
    us.iban, us.legal_name = "DE89370400440532013000", "Cooperage eG"
    us.save()
    clock.set(day(2025, 9, 2))
    ana = MemberFactory(cooperative=us, iban="ES9121000418450200051332", legal_name="Ana")
    CapitalAccountEntry.objects.create(
        cooperative=us, member=ana, kind="buyin", amount=D("1000.00"), date=day(2022, 6, 30)
    )
    consent(treasurer, ana, day(2024, 10, 1))
    patronage_year(ana, 2023, "20000.00", "16000.00")
    patronage_year(ana, 2024, "25000.00", "20000.00")
    change_member_status(
        member=ana, actor=admin_member, status="departed", effective_on=day(2025, 8, 31)
    )
    from payroll import settlement_approval

    settlement_approval.approve_settlement(actor=treasurer, settlement=ana.settlement)
    assert patronage.notice_of_allocation(ana, 2023).standing.cancelled == D("3000.00")
    clock.set(day(2026, 10, 5))
    run = distributing.create_draft(actor=treasurer, cooperative=us, month=SEPTEMBER)
    distributing.approve_distribution(actor=treasurer, distribution=run)
    figures = row(us, ana, 2026)
    assert (figures.box5_redemptions, figures.review) == (D("1000.00"), False)
    assert patronage.notice_of_allocation(ana, 2023).standing.outstanding == D("0")
    assert patronage.notice_of_allocation(ana, 2024).standing.outstanding == D("4600.00")
    clock.set(day(2027, 10, 5))
    run = distributing.create_draft(actor=treasurer, cooperative=us, month=day(2027, 9, 1))
    distributing.approve_distribution(actor=treasurer, distribution=run)
    assert row(us, ana, 2027).box5_redemptions == D("0")
    standing = patronage.notice_of_allocation(ana, 2024).standing
    assert (standing.redeemed, standing.outstanding) == (D("1800.00"), D("3200.00"))
    buyin = CapitalAccountEntry.objects.get(member=ana, kind="buyin")
    assert not buyin.drawn_by.exists()  # paid back last, with the fifth instalment


# The property ------------------------------------------------------------------------------------

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("allocation"), st.sampled_from(["0.01", "120.00", "999.99"])),
        st.tuples(st.just("buyin"), st.sampled_from(["50.00", "100.00"])),
        # An instalment taken from a distribution's cash share (a notice under "notice").
        st.tuples(st.just("buyin_from_cash"), st.sampled_from(["40.00", "100.00"])),
        st.tuples(st.just("interest"), st.sampled_from(["0.37", "12.00"])),
        st.tuples(st.just("redemption"), st.sampled_from(["0.01", "75.50", "300.00", "2000"])),
        st.tuples(st.just("loss"), st.sampled_from(["10.00", "150.00"])),
    ),
    max_size=12,
)


class Rollback(Exception):
    pass


@pytest.mark.slow
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=STEPS,
    order=st.sampled_from(["oldest_first", "newest_first"]),
    place=st.sampled_from(["after_notices", "before_notices"]),
    buyin=st.sampled_from(["notice", "money"]),
)
def test_ties_add_up(clock, steps, order, place, buyin):
    """Whatever happens to an account: the parts tied to a debit add up to it, no credit is
    taken beyond its amount, and the outstanding notices are the balance less what is
    outstanding of the member's own capital (interest, and the buy-in when the bylaws count it
    as money)."""
    clock.set(day(2030, 1, 15))
    try:
        with transaction.atomic():
            cooperative = CooperativeFactory(
                legal_profile="us",
                bylaws={
                    "redemption_order": order,
                    "member_capital_redeemed": place,
                    "buyin_instalments": buyin,
                },
            )
            treasurer = MemberFactory(cooperative=cooperative, is_treasurer=True)
            member = MemberFactory(cooperative=cooperative)
            policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
            for index, (kind, amount) in enumerate(steps):
                on = day(2026, 1, 1) + datetime.timedelta(days=30 * index)
                if kind == "redemption":
                    # More than the balance is refused, and nothing is written.
                    with contextlib.suppress(DomainError):
                        redeem(treasurer, member, amount, on)
                elif kind == "loss":
                    if capital.capital_balance(member) >= D(amount):
                        entry = CapitalAccountEntry.objects.create(
                            cooperative=cooperative, member=member, kind="loss",
                            amount=-D(amount), date=on,
                        )  # fmt: skip
                        redemption_ties.tie_debit(entry, cooperative)
                elif kind == "buyin_from_cash":
                    CapitalAccountEntry.objects.create(
                        cooperative=cooperative, member=member, kind="buyin", amount=D(amount),
                        date=on, distribution=_approved_month(cooperative, on),
                    )  # fmt: skip
                else:
                    CapitalAccountEntry.objects.create(
                        cooperative=cooperative, member=member, kind=kind, amount=D(amount),
                        date=on,
                    )  # fmt: skip
            _check(member, buyin)
            raise Rollback
    except Rollback:
        pass


def _approved_month(cooperative, on):
    run, _ = Distribution.objects.get_or_create(
        cooperative=cooperative,
        month=on.replace(day=1),
        defaults={
            "policy": policies.current_policy(cooperative),
            "status": Distribution.Status.APPROVED,
            "currency": cooperative.currency,
        },
    )
    return run


def _is_notice(entry, buyin_instalments):
    if entry.kind == "buyin":
        return entry.distribution_id is not None and buyin_instalments == "notice"
    return entry.kind == "allocation"


def _check(member, buyin_instalments):
    entries = list(CapitalAccountEntry.objects.filter(member=member))
    for entry in entries:
        tied = sum((t.amount for t in entry.ties.all()), D(0))
        taken = sum((t.amount for t in entry.drawn_by.all()), D(0))
        if entry.amount < 0:
            assert tied == -entry.amount  # the bylaws forbid a negative balance here
        else:
            assert taken <= entry.amount
    outstanding = dict(
        (credit.pk, left) for credit, left in redemption_ties.outstanding_by_credit(member)
    )
    notice = [e for e in entries if _is_notice(e, buyin_instalments)]
    notices = sum((outstanding[e.pk] for e in notice), D(0))
    own = sum((outstanding[e.pk] for e in entries if e.amount > 0 and e not in notice), D(0))
    assert notices == capital.capital_balance(member) - own
    years = {e.date.year for e in notice}
    assert notices == sum(
        (redemption_ties.notice_standing(member, year).outstanding for year in years), D(0)
    )
