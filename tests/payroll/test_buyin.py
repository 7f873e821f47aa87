"""The buy-in paid in instalments from the cash share: a year by hand, the treasurer's change,
the refusals, approval into the capital account and the books."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from books import sources
from books.charts import Role
from books.models import JournalEntry
from coop.errors import InvalidInput, StateConflict
from coop.services import members as member_services
from payroll import bookkeeping, capital, distributing, shares
from payroll.models import CapitalAccountEntry, DistributionLine
from payroll.services import money_in, policies
from payroll.share_models import Subscription
from tests.concurrency import at_once
from tests.factories import ClientFactory

D = Decimal
JANUARY = datetime.date(2026, 1, 1)
BUYIN = {"amount": "1200.00", "payment": "instalments", "monthly_max": "100.00"}
POLICY = {
    "method": "equal",
    "commons_pct": D("0"),
    "reserve_pct": D("0"),
    "education_pct": D("0"),
    "cash_pct": D("0.80"),
    "max_pay_ratio": D("3"),
    "approval": "treasurer",
}
# Revenue of each month of 2026, all of it Ana's share (she is the only member who worked:
# the treasurer's membership has no history in the months): her cash share is 80 % of it. May
# brings 75.00: a cash share of 60.00, less than the monthly maximum of 100.00.
REVENUE = ["1000.00"] * 4 + ["75.00"] + ["1000.00"] * 7


@pytest.fixture
def coop_with_buyin(cooperative, treasurer, clock):
    clock.set(datetime.date(2027, 3, 15))
    cooperative.bylaws = {**cooperative.bylaws, "buyin": BUYIN}
    cooperative.save()
    bookkeeping.accounts_for(cooperative, [Role.BANK])  # installs the chart
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    return cooperative


def admit_ana(cooperative, on=JANUARY):
    return member_services.add_member(
        cooperative=cooperative, actor=None, email="ana@example.org", full_name="Ana Pérez",
        status="active", joined_on=on, iban="DE89370400440532013000",
    )  # fmt: skip


def run_month(cooperative, treasurer, month, revenue):
    money_in.record_revenue(
        actor=treasurer, cooperative=cooperative,
        client=ClientFactory(cooperative=cooperative), amount=D(revenue),
        received_on=month.replace(day=10),
    )  # fmt: skip
    return distributing.create_draft(actor=treasurer, cooperative=cooperative, month=month)


def lines_of(distribution, member):
    member_line = distribution.lines.get(kind="member", member=member)
    buyin = distribution.lines.filter(kind="buyin", member=member).first()
    return member_line, buyin


@pytest.mark.django_db
class TestAdmission:
    def test_admission_subscribes_the_bylaws_buyin(self, coop_with_buyin):
        ana = admit_ana(coop_with_buyin)
        subscription = Subscription.objects.get(member=ana)
        assert (subscription.shares, subscription.nominal_value) == (1, D("1200.00"))
        assert (subscription.amount_subscribed, subscription.amount_paid) == (D("1200.00"), 0)
        assert subscription.subscribed_on == JANUARY

    def test_shares_at_a_nominal_value(self, coop_with_buyin):
        coop_with_buyin.bylaws = {
            **coop_with_buyin.bylaws,
            "buyin": {"shares": 6, "nominal_value": "250.00", "payment": "at_once"},
        }
        coop_with_buyin.save()
        subscription = Subscription.objects.get(member=admit_ana(coop_with_buyin))
        assert (subscription.shares, subscription.amount_subscribed) == (6, D("1500.00"))

    def test_an_applicant_admitted_later_subscribes_then(self, coop_with_buyin):
        applicant = member_services.add_member(
            cooperative=coop_with_buyin, actor=None, email="bo@example.org", joined_on=JANUARY
        )
        assert not Subscription.objects.filter(member=applicant).exists()
        member_services.change_member_status(
            member=applicant, actor=None, status="probationary",
            effective_on=datetime.date(2026, 3, 2),
        )  # fmt: skip
        assert applicant.subscription.subscribed_on == datetime.date(2026, 3, 2)

    def test_no_buyin_in_the_bylaws_no_subscription(self, cooperative, treasurer):
        assert not Subscription.objects.filter(member=admit_ana(cooperative)).exists()

    def test_departure_writes_the_exit_date(self, coop_with_buyin):
        ana = admit_ana(coop_with_buyin)
        member_services.change_member_status(
            member=ana, actor=None, status="departed", effective_on=datetime.date(2026, 6, 30)
        )
        assert Subscription.objects.get(member=ana).exited_on == datetime.date(2026, 6, 30)


@pytest.mark.django_db
class TestAYearOfInstalments:
    def test_1200_at_100_a_month_over_12_distributions(self, coop_with_buyin, treasurer):
        ana = admit_ana(coop_with_buyin)
        expected_instalments = []
        for index, revenue in enumerate(REVENUE):
            month = JANUARY + relativedelta(months=index)
            run = run_month(coop_with_buyin, treasurer, month, revenue)
            member_line, buyin = lines_of(run, ana)
            cash_share = (D(revenue) * D("0.80")).quantize(D("0.01"))
            # By hand: 100.00 a month; May's cash share is 60.00, so May takes 60.00 and
            # nothing else takes more than 100.00, so December takes the 40.00 still owed.
            expected = D("60.00") if month.month == 5 else D("100.00")
            expected_instalments.append(expected)
            assert buyin.retained == expected, month
            assert member_line.cash == cash_share - expected
            assert member_line.cash + buyin.retained + member_line.retained == member_line.share
            distributing.approve_distribution(actor=treasurer, distribution=run)
        # By hand: eleven months of 100.00 and May's 60.00 (its whole cash share) = 1,160.00.
        subscription = Subscription.objects.get(member=ana)
        assert subscription.amount_paid == D("1160.00") == sum(expected_instalments)
        # The thirteenth distribution takes the 40.00 that remain, and the buy-in is paid.
        run = run_month(coop_with_buyin, treasurer, datetime.date(2027, 1, 1), "1000.00")
        member_line, buyin = lines_of(run, ana)
        assert (member_line.cash, buyin.retained) == (D("760.00"), D("40.00"))
        distributing.approve_distribution(actor=treasurer, distribution=run)
        subscription.refresh_from_db()
        assert subscription.amount_paid == subscription.amount_subscribed == D("1200.00")
        run = run_month(coop_with_buyin, treasurer, datetime.date(2027, 2, 1), "1000.00")
        assert lines_of(run, ana) == (run.lines.get(kind="member", member=ana), None)
        assert lines_of(run, ana)[0].cash == D("800.00")
        ledger = CapitalAccountEntry.objects.filter(member=ana, kind="buyin")
        assert sum(entry.amount for entry in ledger) == D("1200.00")
        assert not any(sources.check(coop_with_buyin).values())

    def test_the_capital_account_and_the_books(self, coop_with_buyin, treasurer):
        ana = admit_ana(coop_with_buyin)
        for index in range(3):
            month = JANUARY + relativedelta(months=index)
            run = run_month(coop_with_buyin, treasurer, month, "1000.00")
            distributing.approve_distribution(actor=treasurer, distribution=run)
        entries = CapitalAccountEntry.objects.filter(member=ana, kind="buyin")
        assert [e.amount for e in entries] == [D("100.00")] * 3
        assert [e.date for e in entries] == [
            datetime.date(2026, 1, 31), datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)
        ]  # fmt: skip
        # 3 × (allocation 200.00 + buy-in 100.00)
        assert capital.capital_balance(ana) == D("900.00")
        entry = JournalEntry.objects.get(
            source_type=bookkeeping.CAPITAL, source_id=str(entries[0].pk)
        )
        roles = {
            line.account_id: line.amount for line in entry.lines.all()
        }  # Dr members' payable 100, Cr members' capital 100
        accounts = bookkeeping.accounts_for(
            coop_with_buyin, [Role.MEMBERS_PAYABLE, Role.MEMBERS_CAPITAL]
        )
        payable, members_capital = accounts[Role.MEMBERS_PAYABLE], accounts[Role.MEMBERS_CAPITAL]
        assert roles == {payable.pk: D("100.00"), members_capital.pk: D("-100.00")}
        assert {line.member_id for line in entry.lines.all()} == {ana.pk}
        assert not any(sources.check(coop_with_buyin).values())

    def test_the_sepa_and_csv_pay_the_net_amount(self, coop_with_buyin, treasurer):
        from payroll import documents

        ana = admit_ana(coop_with_buyin)
        run = run_month(coop_with_buyin, treasurer, JANUARY, "1000.00")
        lines = list(run.lines.all())
        paid = {line.member_id: line.cash for line in documents.sepa_payments(lines)}
        assert paid[ana.pk] == D("700.00")  # 800.00 cash share − 100.00
        csv = documents.payments_csv(run, lines).decode("utf-8-sig")
        assert f"buyin,{ana.pk},Ana Pérez" in csv

    def test_paid_once_a_month_is_paid(self, coop_with_buyin, treasurer):
        """A draft taken while another draft holds an instalment counts it as taken."""
        ana = admit_ana(coop_with_buyin)
        subscription = ana.subscription
        subscription.amount_paid = D("1150.00")
        subscription.save()
        first = run_month(coop_with_buyin, treasurer, JANUARY, "1000.00")
        second = run_month(coop_with_buyin, treasurer, datetime.date(2026, 2, 1), "1000.00")
        assert lines_of(first, ana)[1].retained == D("50.00")
        assert lines_of(second, ana)[1] is None

    def test_a_member_who_left_pays_no_more(self, coop_with_buyin, treasurer):
        ana = admit_ana(coop_with_buyin)
        member_services.change_member_status(
            member=ana, actor=None, status="departed", effective_on=datetime.date(2026, 1, 20)
        )
        run = run_month(coop_with_buyin, treasurer, JANUARY, "1000.00")
        assert not run.lines.filter(kind="buyin").exists()


@pytest.mark.django_db
class TestTheTreasurerChangesAnInstalment:
    @pytest.fixture
    def draft(self, coop_with_buyin, treasurer):
        self.ana = admit_ana(coop_with_buyin)
        return run_month(coop_with_buyin, treasurer, JANUARY, "1000.00")

    def test_a_smaller_instalment(self, draft, treasurer):
        shares.set_instalment(actor=treasurer, distribution=draft, member=self.ana, amount=D("25"))
        member_line, buyin = lines_of(draft, self.ana)
        assert (member_line.cash, buyin.retained) == (D("775.00"), D("25.00"))
        # the figures of the month did not change: the draft still approves
        distributing.approve_distribution(actor=treasurer, distribution=draft)
        assert Subscription.objects.get(member=self.ana).amount_paid == D("25.00")

    def test_none_this_month(self, draft, treasurer):
        shares.set_instalment(actor=treasurer, distribution=draft, member=self.ana, amount=D("0"))
        member_line, buyin = lines_of(draft, self.ana)
        assert (member_line.cash, buyin) == (D("800.00"), None)

    @pytest.mark.parametrize(
        ("amount", "code"),
        [
            (D("800.01"), "instalment_above_cash_share"),
            (D("150.00"), "instalment_above_monthly_max"),
            (D("-1"), "invalid"),
        ],
    )
    def test_refused_naming_the_rule(self, draft, treasurer, amount, code):
        with pytest.raises(InvalidInput) as refused:
            shares.set_instalment(
                actor=treasurer, distribution=draft, member=self.ana, amount=amount
            )
        assert refused.value.code == code
        assert lines_of(draft, self.ana)[1].retained == D("100.00")  # nothing written

    def test_the_cash_share_is_the_rule_even_above_the_maximum(
        self, coop_with_buyin, draft, treasurer
    ):
        coop_with_buyin.bylaws = {**coop_with_buyin.bylaws, "buyin": {"amount": "1200.00"}}
        coop_with_buyin.save()
        with pytest.raises(InvalidInput, match="never exceeds it"):
            shares.set_instalment(
                actor=treasurer, distribution=draft, member=self.ana, amount=D("800.01")
            )
        shares.set_instalment(actor=treasurer, distribution=draft, member=self.ana, amount=D("800"))
        assert lines_of(draft, self.ana)[0].cash == 0

    def test_not_on_an_approved_distribution(self, draft, treasurer):
        distributing.approve_distribution(actor=treasurer, distribution=draft)
        with pytest.raises(StateConflict):
            shares.set_instalment(
                actor=treasurer, distribution=draft, member=self.ana, amount=D("5")
            )


def test_next_instalment_is_the_least_of_the_three():
    assert shares.next_instalment(D("1200"), D("100"), D("400")) == D("100")
    assert shares.next_instalment(D("1200"), D("100"), D("60")) == D("60")
    assert shares.next_instalment(D("40"), D("100"), D("400")) == D("40")
    assert shares.next_instalment(D("1200"), None, D("400")) == D("400")
    assert shares.next_instalment(D("1200"), D("100"), D("0")) == D("0")
    assert shares.next_instalment(D("1200"), D("100"), D("-5")) == D("0")


@pytest.mark.django_db
def test_the_demo_member_pays_her_buyin_in_instalments(clock):
    from django.core.management import call_command

    from coop.models import Cooperative

    clock.set(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
    call_command("demo", quiet=True)
    cooperative = Cooperative.objects.get(slug="demo")
    subscription = Subscription.objects.get(cooperative=cooperative)
    assert subscription.member.user.email == "fatima@example.coop"
    assert subscription.amount_subscribed == D("1500.00")  # 6 × 250.00
    lines = DistributionLine.objects.filter(
        distribution__cooperative=cooperative, kind="buyin"
    ).order_by("distribution__month")
    # January is approved, February a draft: 150.00 from each (her cash shares are larger).
    assert [(line.distribution.status, line.retained) for line in lines] == [
        ("approved", D("150.00")),
        ("draft", D("150.00")),
    ]
    assert subscription.amount_paid == D("150.00")
    assert not any(sources.check(cooperative).values())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_instalment_changed_while_another_month_is_approved(cooperative, treasurer, clock):
    """January (150.00) is approved while the treasurer raises February's 50.00 to 100.00: in
    either order only 50.00 remains for February, so the change is refused and nothing more
    than the buy-in is ever taken."""
    clock.set(datetime.date(2026, 3, 15))
    cooperative.bylaws = {
        **cooperative.bylaws,
        "buyin": {"amount": "1200.00", "payment": "instalments", "monthly_max": "150.00"},
    }
    cooperative.save()
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    ana = admit_ana(cooperative)
    Subscription.objects.filter(member=ana).update(amount_paid=D("1000.00"))
    january = run_month(cooperative, treasurer, JANUARY, "1000.00")
    february = run_month(cooperative, treasurer, datetime.date(2026, 2, 1), "1000.00")
    assert lines_of(january, ana)[1].retained == D("150.00")
    assert lines_of(february, ana)[1].retained == D("50.00")

    def approve():
        return distributing.approve_distribution(actor=treasurer, distribution=january)

    def change():
        return shares.set_instalment(
            actor=treasurer, distribution=february, member=ana, amount=D("100.00")
        )

    approved, changed = at_once(approve, change, expected=InvalidInput)
    assert (approved.code, changed.code) == ("ok", "instalment_above_remaining")
    distributing.approve_distribution(actor=treasurer, distribution=february)
    subscription = Subscription.objects.get(member=ana)
    assert subscription.amount_paid == subscription.amount_subscribed == D("1200.00")


@pytest.mark.django_db
def test_an_instalment_that_would_overflow_the_capital_account_is_refused(
    coop_with_buyin, treasurer
):
    """January: 1,000.00, all Ana's: 200.00 retained and a 100.00 instalment. With the account
    250.00 below the largest amount the books hold, the retained part alone would fit; with the
    instalment it does not, and the approval is refused."""
    from coop.errors import AmountTooLarge

    ana = admit_ana(coop_with_buyin)
    CapitalAccountEntry.objects.create(
        cooperative=coop_with_buyin, member=ana, kind="adjustment",
        amount=D("999999999749.99"), date=datetime.date(2025, 12, 31), note="Written by hand",
    )  # fmt: skip
    draft = run_month(coop_with_buyin, treasurer, JANUARY, "1000.00")
    member_line, buyin = lines_of(draft, ana)
    assert (member_line.retained, buyin.retained) == (D("200.00"), D("100.00"))
    with pytest.raises(AmountTooLarge, match="more than the books can hold"):
        distributing.approve_distribution(actor=treasurer, distribution=draft)
