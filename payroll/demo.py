"""The demo co-op's money: a policy, three months of revenue and expenses, an approved month with
its payslips, and last month's draft; a member paying her buy-in in instalments from both.
Loaded by `manage.py demo` (coop discovers `<app>.demo`)."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from coop.models import Client, Cooperative, Member
from payroll import distributing, services, shares
from payroll.models import Distribution, Revenue

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


def load_demo(cooperative: Cooperative, today: datetime.date) -> None:
    """Idempotent: a co-op that already has a policy keeps its money as it is."""
    if services.current_policy(cooperative) is not None:
        return
    treasurer = Member.objects.filter(cooperative=cooperative, is_treasurer=True).first()
    if not cooperative.iban:
        cooperative.legal_name = f"{cooperative.name} S.Coop."
        cooperative.iban = "ES5821000418440200077777"  # its own, no member's
        cooperative.bic = "CAIXESBBXXX"
        cooperative.save()
    services.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    clients = {client.name: client for client in Client.objects.filter(cooperative=cooperative)}
    this_month = today.replace(day=1)
    months = [this_month - relativedelta(months=n) for n in (2, 1, 0)]
    for index, month in enumerate(months):
        for name, amount, day in REVENUE:
            received = month.replace(day=day)
            if received > today or name not in clients:
                continue
            services.record_revenue(
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
            expense = services.record_expense(
                actor=treasurer,
                cooperative=cooperative,
                category=category,
                amount=Decimal(amount),
                date=spent,
                payee=payee,
            )
            if month != this_month:
                services.decide_expense(actor=treasurer, expense=expense, approve=True)
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
    return f"{revenue} payments received, {runs} distributions (one approved, one draft)"
