"""The demo co-op has a departed member being paid out: settlement approved, instalment 1 paid
by the approved month, the next ones waiting; they still read their own settlement."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from payroll.capital import capital_balance
from payroll.settlement_models import Settlement


@pytest.mark.django_db
def test_the_demo_pays_out_a_departed_member(clock, client):
    clock.set(datetime.datetime(2027, 3, 10, 12, tzinfo=datetime.UTC))
    call_command("demo", quiet=True)
    call_command("demo", quiet=True)  # idempotent
    settlement = Settlement.objects.select_related("member").get()
    assert settlement.member.user.email == "iker@example.coop"
    assert settlement.member.status == "departed" and settlement.status == "approved"
    # 12,400.00: 3,720.00 kept, 8,680.00 paid back in 5 yearly instalments of 1,736.00.
    assert (settlement.balance, settlement.retained, settlement.refundable) == (
        Decimal("12400.00"), Decimal("3720.00"), Decimal("8680.00")
    )  # fmt: skip
    first, *rest = settlement.instalments.all()
    assert first.paid_line is not None and first.paid_line.distribution.status == "approved"
    assert first.paid_line.cash == Decimal("1736.00") + first.interest
    assert all(part.paid_line is None for part in rest)
    assert capital_balance(settlement.member) == Decimal("8680.00") - Decimal("1736.00")
    assert settlement.member.user.check_password("cooperage-demo")
    client.force_login(settlement.member.user)
    page = client.get(f"/c/demo/money/settlements/{settlement.pk}/")
    assert page.status_code == 200 and "Settlement of Iker Etxeberria" in page.content.decode()
