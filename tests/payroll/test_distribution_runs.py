"""The monthly run against the database: members in the run, figures, approval, locking, votes."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from coop.clock import today_in
from coop.errors import InvalidInput, InvalidInputs, NotAllowed, PeriodLocked, StateConflict
from coop.hours import services as hours
from coop.models import Member, MemberStatusChange
from payroll import capital, distributing, run_inputs
from payroll.models import CapitalAccountEntry, Distribution, DistributionPolicy, Expense
from payroll.services import money_in, policies, spending
from tests.concurrency import at_once
from tests.factories import ClientFactory, MemberFactory, ProjectFactory
from tests.payroll.books import POLICY, SEPTEMBER


@pytest.mark.django_db
class TestDraft:
    def test_figures_of_the_worked_example(self, cooperative, treasurer, books):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        # surplus 10,500.00: commons 15% = 1,575.00 (1,050.00 + 525.00), reserve 10% = 1,050.00,
        # education 5% = 525.00, pool 7,350.00 split 9600:4800:2400 = 4:2:1 → 4,200/2,100/1,050.
        assert (run.surplus, run.commons, run.reserve, run.education, run.member_pool) == (
            Decimal("10500.00"), Decimal("1575.00"), Decimal("1050.00"), Decimal("525.00"),
            Decimal("7350.00"),
        )  # fmt: skip
        members = run.lines.filter(kind="member").order_by("member_id")
        assert [(line.minutes, line.share, line.cash, line.retained) for line in members] == [
            (9600, Decimal("4200.00"), Decimal("3360.00"), Decimal("840.00")),
            (4800, Decimal("2100.00"), Decimal("1680.00"), Decimal("420.00")),
            (2400, Decimal("1050.00"), Decimal("840.00"), Decimal("210.00")),
        ]
        commons = {line.name: line.share for line in run.lines.filter(kind="commons")}
        assert commons == {
            "Free Software Foundation Europe": Decimal("1050.00"),
            "Django Software Foundation": Decimal("525.00"),
        }
        total = sum(line.share for line in run.lines.all())
        assert total == run.surplus

    def test_one_run_per_month(self, cooperative, treasurer, books):
        distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        with pytest.raises(StateConflict, match="already has a distribution"):
            distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)

    def test_only_the_treasurer(self, cooperative, member, books):
        with pytest.raises(NotAllowed):
            distributing.create_draft(actor=member, cooperative=cooperative, month=SEPTEMBER)

    def test_recompute_picks_up_new_revenue(self, cooperative, treasurer, books):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        money_in.record_revenue(
            actor=treasurer, cooperative=cooperative, client=ClientFactory(cooperative=cooperative),
            amount=Decimal("100.00"), received_on=datetime.date(2026, 9, 30),
        )  # fmt: skip
        run = distributing.recompute_draft(actor=treasurer, distribution=run)
        assert run.surplus == Decimal("10600.00")

    def test_pay_ratio_refusal_names_the_members(self, cooperative, treasurer, books):
        books[1].rate_weight = Decimal("3.5")
        books[1].save()
        with pytest.raises(StateConflict) as error:
            distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        assert books[1].display_name in error.value.message
        assert f"(#{books[1].pk}) has rate weight 3.50" in error.value.message

    def test_pay_ratio_refusal_in_the_readers_language(self, cooperative, treasurer, books):
        books[1].rate_weight = Decimal("3.5")
        books[1].save()
        with translation.override("es"), pytest.raises(StateConflict) as error:
            distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        assert error.value.message.startswith("Se supera la proporción salarial")
        assert books[1].display_name in error.value.message

    def test_members_in_the_run(self, cooperative, treasurer, books):
        left = MemberFactory(cooperative=cooperative, status=Member.Status.DEPARTED)
        MemberStatusChange.objects.create(member=left, status="active", effective_on=SEPTEMBER)
        MemberStatusChange.objects.create(
            member=left, status="departed", effective_on=datetime.date(2026, 9, 10)
        )
        earlier = MemberFactory(cooperative=cooperative, status=Member.Status.DEPARTED)
        MemberStatusChange.objects.create(
            member=earlier, status="departed", effective_on=datetime.date(2026, 8, 31)
        )
        in_run = run_inputs.members_in_run(cooperative, SEPTEMBER)
        assert left in in_run and earlier not in in_run


@pytest.mark.django_db
class TestApproval:
    def test_approval_locks_hours_and_money_and_credits_capital(
        self, cooperative, treasurer, books
    ):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        assert run.status == Distribution.Status.APPROVED
        assert cooperative.period_locks.filter(month=SEPTEMBER).exists()
        with pytest.raises(PeriodLocked):
            hours.log_time(
                actor=treasurer, member=treasurer,
                project=ProjectFactory(client__cooperative=cooperative),
                date=SEPTEMBER.replace(day=29), minutes=30,
            )  # fmt: skip
        with pytest.raises(PeriodLocked, match="was distributed"):
            money_in.record_revenue(
                actor=treasurer, cooperative=cooperative,
                client=ClientFactory(cooperative=cooperative), amount=Decimal("1.00"),
                received_on=SEPTEMBER,
            )  # fmt: skip
        assert capital.capital_balance(treasurer) == Decimal("840.00")
        with pytest.raises(StateConflict):
            distributing.recompute_draft(actor=treasurer, distribution=run)
        with pytest.raises(StateConflict, match="already approved"):
            distributing.approve_distribution(actor=treasurer, distribution=run)
        run = distributing.mark_paid(actor=treasurer, distribution=run)
        assert run.status == Distribution.Status.PAID

    def test_a_month_not_over_cannot_be_approved(self, cooperative, treasurer, books):
        month = today_in(cooperative).replace(day=1)
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=month)
        with pytest.raises(StateConflict, match="is not over yet"):
            distributing.approve_distribution(actor=treasurer, distribution=run)

    def test_a_vote_policy_opens_a_proposal_whose_passing_approves(
        self, cooperative, treasurer, books, clock
    ):
        policies.adopt_policy(
            actor=treasurer, cooperative=cooperative, **{**POLICY, "approval": "vote"}
        )
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        run = distributing.approve_distribution(actor=treasurer, distribution=run)
        assert run.status == Distribution.Status.DRAFT
        proposal = run.approval_proposal
        # discussed for the day the bylaws ask of distribution proposals, then voted on
        assert (proposal.kind, proposal.action, proposal.state) == (
            "distribution", "approve_distribution", "discussion"
        )  # fmt: skip
        with pytest.raises(StateConflict, match="voting on this draft"):
            distributing.recompute_draft(actor=treasurer, distribution=run)
        from governance import services as governance

        clock.set(proposal.opens_at)
        governance.sweep()

        for member in books:
            governance.cast_vote(actor=member, proposal=proposal, ballot={"choice": "agree"})
        run.refresh_from_db()
        assert run.status == Distribution.Status.APPROVED
        assert run.approval_proposal_id == proposal.pk

    def test_void_frees_the_month(self, cooperative, treasurer, books):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        distributing.void_draft(actor=treasurer, distribution=run)
        again = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        assert again.pk != run.pk

    def test_losses_are_carried(self, cooperative, treasurer, books):
        october = datetime.date(2026, 10, 1)
        spending.record_expense(
            actor=treasurer, cooperative=cooperative, category="Rent", amount=Decimal("300.00"),
            date=october, payee="Landlord",
        )  # fmt: skip
        Expense.objects.filter(payee="Landlord").update(status="approved")
        loss = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=october)
        assert (loss.surplus, loss.loss) == (Decimal("0.00"), Decimal("300.00"))
        distributing.approve_distribution(actor=treasurer, distribution=loss)
        # November's 10,500 would be reduced by October's 300.00 loss
        november = datetime.date(2026, 11, 1)
        policy = DistributionPolicy.objects.first()
        inputs = run_inputs.month_inputs(cooperative, november, policy)
        assert inputs.losses_carried == Decimal("300.00")


@pytest.mark.django_db
class TestMoneyIn:
    def test_expense_above_the_limit_needs_a_vote(self, cooperative, treasurer):
        expense = spending.record_expense(
            actor=treasurer, cooperative=cooperative, category="Laptops",
            amount=Decimal("2400.00"), date=SEPTEMBER, payee="Shop",
        )  # fmt: skip
        with pytest.raises(StateConflict, match="spending proposal"):
            spending.decide_expense(actor=treasurer, expense=expense, approve=True)

    def test_amounts_are_checked(self, cooperative, treasurer):
        client = ClientFactory(cooperative=cooperative)
        for amount in (Decimal("0"), Decimal("-5"), Decimal("1.001")):
            with pytest.raises(InvalidInput) as error:
                money_in.record_revenue(
                    actor=treasurer, cooperative=cooperative, client=client, amount=amount,
                    received_on=SEPTEMBER,
                )  # fmt: skip
            assert error.value.field == "amount"

    def test_policy_rules_name_the_field(self, cooperative, treasurer):
        with pytest.raises(InvalidInputs) as error:
            policies.adopt_policy(
                actor=treasurer, cooperative=cooperative, **{**POLICY, "cash_pct": Decimal("1.5")}
            )
        assert "cash_pct" in error.value.errors

    def test_policies_are_versioned(self, cooperative, treasurer):
        first = policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
        second = policies.adopt_policy(
            actor=treasurer, cooperative=cooperative, **{**POLICY, "method": "equal"}
        )
        assert (first.version, second.version) == (1, 2)

    def test_bylaws_can_require_a_vote_for_policies(self, cooperative, treasurer):
        cooperative.bylaws = {**cooperative.bylaws, "policy_adoption": "vote"}
        cooperative.save()
        with pytest.raises(NotAllowed, match="adopted by vote"):
            policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)


@pytest.mark.django_db
def test_capital_account_redemptions(cooperative, treasurer, books):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    distributing.approve_distribution(actor=treasurer, distribution=run)
    member = books[1]
    with pytest.raises(StateConflict, match="below zero"):
        capital.record_capital_entry(
            actor=treasurer, member=member, kind="redemption", amount=Decimal("420.01"),
            date=datetime.date(2026, 10, 5), note="Leaving",
        )  # fmt: skip
    capital.record_capital_entry(
        actor=treasurer, member=member, kind="redemption", amount=Decimal("20.00"),
        date=datetime.date(2026, 10, 5), note="Partial payout",
    )  # fmt: skip
    assert capital.capital_balance(member) == Decimal("400.00")
    assert CapitalAccountEntry.objects.filter(member=member).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_one_wins(cooperative, treasurer, books):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)

    def approve():
        return distributing.approve_distribution(actor=treasurer, distribution=run)

    outcomes = at_once(approve, approve, expected=StateConflict)
    assert sorted(outcome.ok for outcome in outcomes) == [False, True]  # one conflict, one ok
    assert CapitalAccountEntry.objects.filter(kind="allocation").count() == 3
