"""docs/books.md's worked month, built through the services: October 2026 of an Austrian co-op
(generic chart, 20 % VAT), from the invoice issued to the payout; and a second month for the
ties (an invoice paid in part in November and in part in December)."""

import datetime
from decimal import Decimal

from billing import invoice_lines, invoicing, issuing, payments
from billing.models import Invoice, Payment
from payroll import distributing
from payroll.models import Distribution, Expense
from payroll.services import policies, spending
from tests.billing.invoicing_factories import World, billable_entry

D = Decimal
OCTOBER = datetime.date(2026, 10, 1)
NOVEMBER = datetime.date(2026, 11, 1)
POLICY = {
    "method": "hours",
    "commons_pct": D("0.15"),
    "commons_recipients": [{"name": "FSFE", "weight": "1"}],
    "reserve_pct": D("0.10"),
    "education_pct": D("0.05"),
    "cash_pct": D("0.80"),
    "max_pay_ratio": D("3"),
    "carry_losses": True,
    "approval": "treasurer",
}


def issue(world: World, net: str) -> Invoice:
    """An invoice of one line of `net` at the standard rate (20 %), issued today."""
    invoice = invoicing.draft_empty_invoice(actor=world.treasurer, client=world.client)
    invoice_lines.add_line(
        actor=world.treasurer, invoice=invoice, description="Website work", quantity=1,
        unit_price=D(net), vat_category="S", vat_rate=D("20"),
    )  # fmt: skip
    return issuing.issue_invoice(actor=world.treasurer, invoice=invoice)


def pay(world: World, invoice: Invoice, amount: str, day: datetime.date) -> Payment:
    return payments.record_payment(
        actor=world.treasurer, invoice=invoice, received_on=day, amount=D(amount),
        currency=invoice.currency,
    )  # fmt: skip


def spend(world: World, amount: str, day: datetime.date, payee: str) -> Expense:
    expense = spending.record_expense(
        actor=world.treasurer, cooperative=world.cooperative, category="Hosting",
        amount=D(amount), date=day, payee=payee,
    )  # fmt: skip
    return spending.decide_expense(actor=world.treasurer, expense=expense, approve=True)


def distribute(world: World, month: datetime.date) -> Distribution:
    run = distributing.create_draft(
        actor=world.treasurer, cooperative=world.cooperative, month=month
    )
    return distributing.approve_distribution(actor=world.treasurer, distribution=run)


def worked_month(clock) -> World:
    """October 2026: invoice of 10,000.00 + 20 % VAT issued on 5 Oct and paid on 20 Oct,
    hosting of 1,000.00 on 22 Oct, the distribution approved on 2 Nov (Ana 128 hours, Bo 64)
    and paid out on 5 Nov."""
    clock.set(datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC))
    world = World()
    world.cooperative.bylaws = {**world.cooperative.bylaws, "spending_limit": "5000.00"}
    world.cooperative.save()
    policies.adopt_policy(actor=world.treasurer, cooperative=world.cooperative, **POLICY)
    for member, hours in ((world.ana, 128), (world.bo, 64)):
        for day in range(hours // 8):
            billable_entry(member, world.project, day=OCTOBER.replace(day=day + 1), minutes=480)
    invoice = issue(world, "10000.00")
    clock.set(datetime.datetime(2026, 10, 20, 9, tzinfo=datetime.UTC))
    pay(world, invoice, "12000.00", OCTOBER.replace(day=20))
    clock.set(datetime.datetime(2026, 10, 22, 9, tzinfo=datetime.UTC))
    spend(world, "1000.00", OCTOBER.replace(day=22), "Hetzner")
    clock.set(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC))
    october = distribute(world, OCTOBER)
    clock.set(datetime.datetime(2026, 11, 5, 9, tzinfo=datetime.UTC))
    distributing.mark_paid(actor=world.treasurer, distribution=october)
    return world


def second_month(clock, world: World) -> None:
    """November: an invoice of 1,234.56 + 20 % (1,481.47) issued on 3 Nov, 500.00 of it paid on
    12 Nov (its net share, 416.67, is November's revenue) and the rest on 4 Dec; an expense of
    77.77; November's distribution approved, not paid."""
    clock.set(datetime.datetime(2026, 11, 3, 9, tzinfo=datetime.UTC))
    for member, hours in ((world.ana, 16), (world.bo, 24)):
        for day in range(hours // 8):
            billable_entry(member, world.project, day=NOVEMBER.replace(day=day + 1), minutes=480)
    invoice = issue(world, "1234.56")
    clock.set(datetime.datetime(2026, 11, 12, 9, tzinfo=datetime.UTC))
    pay(world, invoice, "500.00", NOVEMBER.replace(day=12))
    spend(world, "77.77", NOVEMBER.replace(day=12), "Codeberg")
    clock.set(datetime.datetime(2026, 12, 4, 9, tzinfo=datetime.UTC))
    distribute(world, NOVEMBER)
    pay(world, invoice, "981.47", datetime.date(2026, 12, 4))
