"""The demo co-op's money: a policy, three months of revenue and expenses, an approved month with
its payslips, last month's draft, a member paying her buy-in in instalments from both, and a
departed member being paid out. Loaded by `manage.py demo` (coop discovers `<app>.demo`)."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from coop import services as coop_services
from coop.models import Client, Cooperative, Member, User
from payroll import capital, distributing, settlement_approval, shares
from payroll.models import Distribution, Revenue
from payroll.services import money_in, policies, spending
from payroll.settlement_models import Settlement

POLICY = {
    "method": "weighted_hours",
    "commons_pct": Decimal("0.15"),
    "commons_recipients": [
        {"name": "Django Software Foundation", "weight": "2"},
        {"name": "Free Culture Forum", "weight": "1", "iban": "ES7921000813610123456789"},
    ],
    "reserve_pct": Decimal("0.10"),
    "education_pct": Decimal("0.05"),
    "cash_pct": Decimal("0.80"),
    "max_pay_ratio": Decimal("3"),
    "carry_losses": True,
    "approval": "treasurer",
}

# Per month, oldest first: (client, amount, day) received and (category, payee, amount, day) spent.
REVENUE = [
    ("Municipality of Rosario", "14250.00", 12),
    ("Food Co-op Network", "6800.00", 20),
    ("Free Culture Forum", "2400.00", 27),
]
EXPENSES = [
    ("Hosting", "Hetzner Online", "240.00", 3),
    ("Software", "Framasoft (donation)", "120.00", 9),
    ("Office", "La Tabacalera co-working", "950.00", 1),
]

# The member who left: 30% of the capital account kept (as Mondragon's co-ops may), the rest paid
# over five years with 2% interest (Ley 27/1999 art. 51: at most five years, with interest).
LEAVER = ("iker@example.coop", "Iker Etxeberria", "ES7620770024003102575766")
SETTLEMENT = {
    "refundable_share": "0.70",
    "instalments": 5,
    "frequency": "yearly",
    "interest_rate": "0.02",
    "start": "after_departure",
    "start_months": 3,
}


def _leaver(cooperative: Cooperative, treasurer: Member | None, first_month: datetime.date) -> None:
    """A member who departed four months before the approved month, with 12,400.00 in their
    capital account; their settlement is approved, and the approved month pays instalment 1."""
    from coop.management.commands.demo import DEMO_PASSWORD

    email, name, iban = LEAVER
    if not User.objects.filter(email=email).exists():
        User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
    joined = cooperative.founded_on or first_month - relativedelta(years=3)
    member = coop_services.add_member(
        cooperative=cooperative, actor=None, email=email, full_name=name, status="active",
        legal_name=name, iban=iban, joined_on=joined,
    )  # fmt: skip
    departed = first_month - relativedelta(months=3) - datetime.timedelta(days=1)
    capital.record_capital_entry(
        actor=treasurer, member=member, kind="adjustment", amount=Decimal("12400.00"),
        date=departed - relativedelta(months=6),
        note="Retained shares of the years before the co-op used Cooperage",
    )  # fmt: skip
    coop_services.change_member_status(
        member=member, actor=None, status="departed", effective_on=departed
    )  # the departure drafts the settlement
    settlement_approval.approve_settlement(
        actor=treasurer, settlement=Settlement.objects.get(member=member)
    )


def load_demo(cooperative: Cooperative, today: datetime.date) -> None:
    """Idempotent: a co-op that already has a policy keeps its money as it is."""
    if policies.current_policy(cooperative) is not None:
        return
    treasurer = Member.objects.filter(cooperative=cooperative, is_treasurer=True).first()
    if not cooperative.iban:
        cooperative.legal_name = f"{cooperative.name} S.Coop."
        cooperative.iban = "ES5821000418440200077777"  # its own, no member's
        cooperative.bic = "CAIXESBBXXX"
        cooperative.save()
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    cooperative.bylaws = {**cooperative.bylaws, "settlement": SETTLEMENT}
    cooperative.save(update_fields=["bylaws"])
    clients = {client.name: client for client in Client.objects.filter(cooperative=cooperative)}
    this_month = today.replace(day=1)
    months = [this_month - relativedelta(months=n) for n in (2, 1, 0)]
    for index, month in enumerate(months):
        for name, amount, day in REVENUE:
            received = month.replace(day=day)
            if received > today or name not in clients:
                continue
            money_in.record_revenue(
                actor=treasurer,
                cooperative=cooperative,
                client=clients[name],
                amount=Decimal(amount) + index * 150,
                received_on=received,
                invoice_reference=f"INV-{month:%Y%m}-{day:02d}",
            )
        for category, payee, amount, day in EXPENSES:
            spent = month.replace(day=day)
            if spent > today:
                continue
            expense = spending.record_expense(
                actor=treasurer,
                cooperative=cooperative,
                category=category,
                amount=Decimal(amount),
                date=spent,
                payee=payee,
            )
            if month != this_month:
                spending.decide_expense(actor=treasurer, expense=expense, approve=True)
    # The leaver joined years before the buy-in: the bylaws ask it of members who join after.
    _leaver(cooperative, treasurer, months[0])
    _buyin(cooperative, treasurer)
    approved = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=months[0])
    distributing.approve_distribution(actor=treasurer, distribution=approved)
    distributing.create_draft(actor=treasurer, cooperative=cooperative, month=months[1])


# The demo's bylaws ask six shares of 250.00, paid at most 150.00 a month from the cash share.
BUYIN = {"shares": 6, "nominal_value": "250.00", "payment": "instalments", "monthly_max": "150.00"}
BUYIN_MEMBER = "fatima@example.coop"  # on probation: paying her buy-in in instalments


def _buyin(cooperative: Cooperative, treasurer: Member | None) -> None:
    """The bylaws' buy-in, and Fátima entered in the register since she joined: each
    distribution from now takes an instalment from her cash share."""
    if not cooperative.bylaws.get("buyin"):
        cooperative.bylaws = {**cooperative.bylaws, "buyin": BUYIN}
        cooperative.save(update_fields=["bylaws"])
    member = Member.objects.filter(cooperative=cooperative, user__email=BUYIN_MEMBER).first()
    if member is None or member.joined_on is None or hasattr(member, "subscription"):
        return
    shares.subscribe_member(actor=treasurer, member=member, on=member.joined_on)


def summary(cooperative: Cooperative) -> str:
    runs = Distribution.objects.filter(cooperative=cooperative).count()
    revenue = Revenue.objects.filter(cooperative=cooperative).count()
    leaver = Settlement.objects.filter(cooperative=cooperative).select_related("member").first()
    paid_out = (
        f"; {LEAVER[0]} departed and is being paid out ({leaver.get_status_display()})"
        if leaver is not None
        else ""
    )
    return f"{revenue} payments received, {runs} distributions (one approved, one draft){paid_out}"
