"""Losses charged by the bylaws' choice: the collective reserve first, or by patronage (hours)."""

import datetime
from decimal import Decimal

import pytest

from books import sources
from books.charts import Role
from books.models import AccountMapping, JournalLine
from coop.bylaws import validate_bylaws
from coop.errors import InvalidInput, StateConflict
from payroll import capital, capital_losses, distributing
from payroll.capital_models import CapitalLoss
from payroll.models import CapitalAccountEntry
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory

D = Decimal
YEAR = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 12, 31)}


def _set_bylaws(cooperative, **settings):
    cooperative.bylaws = {**cooperative.bylaws, **settings}
    validate_bylaws(cooperative.bylaws)
    cooperative.save()


@pytest.fixture
def three(clock, cooperative, treasurer):
    """Ana, Bea and Cy worked 6:40, 5:50 and 4:10 in 2026 (400, 350, 250 minutes) and hold
    500.00 each in their capital accounts; the treasurer logged no hours."""
    clock.set(datetime.date(2027, 2, 1))
    project = ProjectFactory(client__cooperative=cooperative)
    members = []
    for name, minutes in (("Ana", 400), ("Bea", 350), ("Cy", 250)):
        member = MemberFactory(cooperative=cooperative, user__full_name=name)
        TimeEntryFactory(
            member=member, project=project, date=datetime.date(2026, 5, 4), minutes=minutes
        )
        capital.record_capital_entry(
            actor=treasurer, member=member, kind="adjustment", amount=D("500.00"),
            date=datetime.date(2026, 1, 31), note="opening balance",
        )  # fmt: skip
        members.append(member)
    # Hours outside the period do not count.
    TimeEntryFactory(
        member=members[0], project=project, date=datetime.date(2027, 1, 5), minutes=600
    )
    return members


def test_a_loss_charged_by_patronage_among_three_with_a_remainder_cent(
    cooperative, treasurer, three
):
    """Worked by hand: 100.03 split by 400 : 350 : 250 minutes (of 1,000).

    Ana 100.03 × 400/1000 = 40.012  → 4001 cents, remainder 0.2
    Bea 100.03 × 350/1000 = 35.0105 → 3501 cents, remainder 0.05
    Cy  100.03 × 250/1000 = 25.0075 → 2500 cents, remainder 0.75
    4001 + 3501 + 2500 = 10002 cents: one cent is left, and it goes to the largest remainder,
    Cy's (0.75), although Cy worked least: 40.01 + 35.01 + 25.01 = 100.03.
    """
    _set_bylaws(cooperative, loss_allocation="patronage")
    loss = capital_losses.record_capital_loss(
        actor=treasurer, cooperative=cooperative, amount=D("100.03"), note="2026", **YEAR
    )
    assert (loss.method, loss.from_reserve, loss.date) == (
        "patronage",
        D("0"),
        datetime.date(2027, 2, 1),
    )
    shares = {
        share.member.display_name: (share.minutes, share.amount) for share in loss.shares.all()
    }
    assert shares == {"Ana": (400, D("40.01")), "Bea": (350, D("35.01")), "Cy": (250, D("25.01"))}
    ana, bea, cy = three
    assert [capital.capital_balance(m) for m in three] == [D("459.99"), D("464.99"), D("474.99")]
    entry = CapitalAccountEntry.objects.get(member=cy, kind="loss")
    assert entry.amount == D("-25.01")
    assert "4:10 h of 16:40 h worked" in entry.note
    # Dr each member's capital, Cr the surplus account; the books agree with the records.
    surplus = AccountMapping.objects.get(cooperative=cooperative, role=Role.SURPLUS).account
    credited = JournalLine.objects.filter(
        entry__source_type="payroll.capitalaccountentry", account=surplus
    )
    assert sum(line.amount for line in credited) == D("-100.03")
    assert all(not source.check(cooperative) for source in sources.sources())


@pytest.fixture
def september(clock, books, treasurer):
    """The worked September 2026 (tests/payroll/books.py) approved: the reserve takes 1,050.00
    (10 % of the 10,500.00 surplus); the three members worked 160, 80 and 40 hours and retained
    840.00, 420.00 and 210.00 in their capital accounts."""
    clock.set(datetime.date(2027, 2, 1))
    draft = distributing.create_draft(
        actor=treasurer, cooperative=treasurer.cooperative, month=datetime.date(2026, 9, 1)
    )
    distributing.approve_distribution(actor=treasurer, distribution=draft)
    return books


def test_the_reserve_bears_what_it_holds_first(cooperative, treasurer, september):
    """The collective account holds the reserve, 1,050.00; a loss of 1,100.00 takes it all and
    splits the 50.00 left by 9,600 : 4,800 : 2,400 minutes (4 : 2 : 1):
    28.5714… / 14.2857… / 7.1428… → 2857 + 1428 + 714 = 4999 cents, the cent left to the
    largest remainder (0.57, the second member's): 28.57, 14.29, 7.14."""
    assert capital_losses.collective_balance(cooperative) == D("1050.00")
    loss = capital_losses.record_capital_loss(
        actor=treasurer, cooperative=cooperative, amount=D("1100.00"), **YEAR
    )
    assert (loss.method, loss.from_reserve) == ("reserve_first", D("1050.00"))
    shares = [(s.member, s.minutes, s.amount) for s in loss.shares.order_by("member_id")]
    assert shares == [
        (september[0], 9600, D("28.57")),
        (september[1], 4800, D("14.29")),
        (september[2], 2400, D("7.14")),
    ]
    assert [capital.capital_balance(m) for m in september] == [
        D("811.43"),
        D("405.71"),
        D("202.86"),
    ]
    ledger = capital_losses.collective_ledger(cooperative)
    assert [(row.kind, row.amount, row.balance) for row in ledger] == [
        ("reserve", D("1050.00"), D("1050.00")),
        ("loss", D("-1050.00"), D("0.00")),
    ]
    reserve = AccountMapping.objects.get(cooperative=cooperative, role=Role.RESERVE_FUND).account
    (line,) = JournalLine.objects.filter(entry__source_type="payroll.capitalloss", account=reserve)
    assert line.amount == D("1050.00")
    assert all(not source.check(cooperative) for source in sources.sources())


def test_a_reserve_that_covers_the_loss_charges_no_member(cooperative, treasurer, september):
    loss = capital_losses.record_capital_loss(
        actor=treasurer, cooperative=cooperative, amount=D("150.00"), **YEAR
    )
    assert loss.from_reserve == D("150.00") and not loss.shares.exists()
    assert capital_losses.collective_balance(cooperative) == D("900.00")


def test_an_adjustment_dated_before_a_loss_the_reserve_bore_cannot_take_what_it_counted_on(
    clock, cooperative, treasurer, september
):
    """The reserve (1,050.00) bore 1,000.00 of a loss recorded on 1 February 2027 for 2026:
    50.00 was left after it. A member's adjustment upwards moves money out of the collective
    account; dated before the loss, it would leave less than the loss counted on, so more than
    50.00 is refused (409) and writes nothing. 50.00 or less is accepted, and so is any amount
    dated after the loss (found by the capital property: 0.01 moved in, borne, and taken back
    by a back-dated credit)."""
    capital_losses.record_capital_loss(
        actor=treasurer, cooperative=cooperative, amount=D("1000.00"), **YEAR
    )
    before = CapitalAccountEntry.objects.count()
    with pytest.raises(StateConflict) as refused:
        capital.record_capital_entry(
            actor=treasurer, member=september[0], kind="adjustment", amount=D("50.01"),
            date=datetime.date(2026, 12, 31), note="a correction",
        )  # fmt: skip
    assert (refused.value.code, refused.value.field) == ("collective_account_short", "amount")
    assert "50.00" in str(refused.value)
    assert CapitalAccountEntry.objects.count() == before
    capital.record_capital_entry(
        actor=treasurer, member=september[0], kind="adjustment", amount=D("50.00"),
        date=datetime.date(2026, 12, 31), note="a correction",
    )  # fmt: skip
    clock.set(datetime.date(2027, 2, 3))
    capital.record_capital_entry(
        actor=treasurer, member=september[1], kind="adjustment", amount=D("80.00"),
        date=datetime.date(2027, 2, 2), note="a correction after the loss",
    )  # fmt: skip
    ledger = capital_losses.collective_ledger(cooperative)
    assert all(row.balance >= 0 for row in ledger if row.kind == "loss")
    assert ledger[-1].balance == D("-80.00")


def test_a_part_that_would_take_an_account_below_zero_is_refused_naming_the_member(
    cooperative, treasurer, three
):
    _set_bylaws(cooperative, loss_allocation="patronage")
    capital.record_capital_entry(
        actor=treasurer, member=three[2], kind="redemption", amount=D("490.00"),
        date=datetime.date(2026, 12, 1), note="paid out",
    )  # fmt: skip
    with pytest.raises(StateConflict) as refused:
        capital_losses.record_capital_loss(
            actor=treasurer, cooperative=cooperative, amount=D("100.03"), **YEAR
        )
    assert refused.value.code == "negative_capital_balance"
    assert "Cy (balance €10.00, part €25.01)" in refused.value.message
    assert "Ana" not in refused.value.message
    assert not CapitalLoss.objects.exists()
    assert not CapitalAccountEntry.objects.filter(kind="loss").exists()


def test_bylaws_that_allow_negative_balances_charge_the_whole_part(cooperative, treasurer, three):
    _set_bylaws(cooperative, loss_allocation="patronage", negative_capital_balance=True)
    capital.record_capital_entry(
        actor=treasurer, member=three[2], kind="redemption", amount=D("490.00"),
        date=datetime.date(2026, 12, 1), note="paid out",
    )  # fmt: skip
    capital_losses.record_capital_loss(
        actor=treasurer, cooperative=cooperative, amount=D("100.03"), **YEAR
    )
    assert capital.capital_balance(three[2]) == D("-15.01")


def test_a_period_is_charged_once_and_must_have_ended(cooperative, treasurer, three):
    capital_losses.record_capital_loss(
        actor=treasurer, cooperative=cooperative, amount=D("10.00"), **YEAR
    )
    with pytest.raises(StateConflict) as refused:
        capital_losses.record_capital_loss(
            actor=treasurer, cooperative=cooperative, amount=D("10.00"),
            period_start=datetime.date(2026, 6, 1), period_end=datetime.date(2026, 6, 30),
        )  # fmt: skip
    assert refused.value.code == "loss_already_charged"
    with pytest.raises(StateConflict) as refused:
        capital_losses.record_capital_loss(
            actor=treasurer, cooperative=cooperative, amount=D("10.00"),
            period_start=datetime.date(2027, 1, 1), period_end=datetime.date(2027, 12, 31),
        )  # fmt: skip
    assert refused.value.code == "period_not_ended"
    assert CapitalLoss.objects.count() == 1


def test_no_hours_in_the_period_leaves_no_one_to_charge(cooperative, treasurer, three):
    with pytest.raises(StateConflict) as refused:
        capital_losses.record_capital_loss(
            actor=treasurer, cooperative=cooperative, amount=D("10.00"),
            period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31),
        )  # fmt: skip
    assert refused.value.code == "no_patronage"


@pytest.mark.parametrize(
    ("amount", "field"),
    [(D("0"), "amount"), (D("-5"), "amount"), (D("1.001"), "amount")],
)
def test_bad_amounts_are_refused(cooperative, treasurer, three, amount, field):
    with pytest.raises(InvalidInput) as refused:
        capital_losses.record_capital_loss(
            actor=treasurer, cooperative=cooperative, amount=amount, **YEAR
        )
    assert refused.value.field == field


def test_a_period_ending_before_it_starts_is_refused(cooperative, treasurer, three):
    with pytest.raises(InvalidInput, match="ends before it starts"):
        capital_losses.record_capital_loss(
            actor=treasurer, cooperative=cooperative, amount=D("1.00"),
            period_start=datetime.date(2026, 12, 31), period_end=datetime.date(2026, 1, 1),
        )  # fmt: skip


def test_the_split_is_exact_for_any_minutes():
    parts = capital_losses.split_by_patronage(D("0.02"), {7: 1, 3: 1, 5: 1}, 2)
    assert parts == {3: D("0.01"), 5: D("0.01")}  # ties to the lowest member id
