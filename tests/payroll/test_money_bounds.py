"""Money is bounded: no stored sum overflows, capital accounts stay above zero unless the bylaws
allow otherwise, and amounts are written with the digits 0-9."""

import datetime
from decimal import Decimal

import pytest

from coop import money
from coop.errors import AmountTooLarge, StateConflict
from payroll import capital, distributing
from payroll.forms import RevenueForm
from tests.conftest import as_member
from tests.factories import ClientFactory, RevenueFactory
from tests.payroll.books import SEPTEMBER

pytestmark = pytest.mark.django_db

LARGEST = "999999999999.99"


def url(member, path):
    return f"/api/v1/coops/{member.cooperative.slug}/{path}"


def test_the_largest_amount_is_what_the_database_holds():
    assert Decimal(LARGEST) == money.MAX_AMOUNT
    assert not money.exceeds_max(Decimal(LARGEST)) and money.exceeds_max(Decimal("1e12"))


class TestMonthTotals:
    def test_a_second_huge_revenue_in_a_month_is_refused_with_a_409(self, api, treasurer):
        client = ClientFactory(cooperative=treasurer.cooperative)
        api = as_member(api, treasurer)
        body = {"client": client.pk, "amount": LARGEST, "received_on": "2026-10-03"}
        assert api.post(url(treasurer, "revenue/"), body, format="json").status_code == 201
        second = api.post(url(treasurer, "revenue/"), body, format="json")
        assert second.status_code == 409
        assert second.json()["code"] == "amount_too_large"
        assert "more than the books can hold" in second.json()["detail"]
        other_month = {**body, "received_on": "2026-11-03"}
        assert api.post(url(treasurer, "revenue/"), other_month, format="json").status_code == 201

    def test_expenses_of_a_month_too(self, api, treasurer):
        api = as_member(api, treasurer)
        body = {"category": "rent", "payee": "Landlord", "amount": LARGEST, "date": "2026-10-03"}
        assert api.post(url(treasurer, "expenses/"), body, format="json").status_code == 201
        second = api.post(url(treasurer, "expenses/"), body, format="json")
        assert second.status_code == 409 and second.json()["code"] == "amount_too_large"

    def test_a_month_whose_figures_overflow_is_a_409_not_a_500(self, cooperative, treasurer, books):
        client = ClientFactory(cooperative=cooperative)
        for _ in range(2):  # written past the service, as old data or a script could
            RevenueFactory(client=client, amount=Decimal(LARGEST), received_on=SEPTEMBER)
        with pytest.raises(AmountTooLarge, match="more than the books can hold"):
            distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)

    def test_a_recompute_too(self, api, cooperative, treasurer, books):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        client = ClientFactory(cooperative=cooperative)
        for _ in range(2):
            RevenueFactory(client=client, amount=Decimal(LARGEST), received_on=SEPTEMBER)
        response = as_member(api, treasurer).post(
            url(treasurer, f"distributions/{run.pk}/recompute/")
        )
        assert response.status_code == 409
        assert response.json()["code"] == "amount_too_large"


class TestCapitalAccounts:
    @pytest.fixture
    def account(self, cooperative, treasurer, books):
        run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
        distributing.approve_distribution(actor=treasurer, distribution=run)
        return books[1]  # a balance of 420.00

    def _entry(self, api, treasurer, member, kind, amount):
        return as_member(api, treasurer).post(
            url(member, "capital-accounts/entries/"),
            {"member": member.pk, "kind": kind, "amount": amount, "date": "2026-10-05",
             "note": "Leaving"},
            format="json",
        )  # fmt: skip

    @pytest.mark.parametrize("amount", ["420.01", "99999999.00"])
    def test_a_redemption_above_the_balance_is_a_409(self, api, treasurer, account, amount):
        response = self._entry(api, treasurer, account, "redemption", amount)
        assert response.status_code == 409
        assert response.json()["code"] == "negative_capital_balance"
        assert "below zero" in response.json()["detail"]
        assert capital.capital_balance(account) == Decimal("420.00")

    def test_a_negative_adjustment_below_zero_too(self, api, treasurer, account):
        response = self._entry(api, treasurer, account, "adjustment", "-420.01")
        assert response.status_code == 409

    def test_unless_the_bylaws_allow_a_negative_balance(self, api, cooperative, treasurer, account):
        cooperative.bylaws = {**cooperative.bylaws, "negative_capital_balance": True}
        cooperative.save()
        response = self._entry(api, treasurer, account, "redemption", "500.00")
        assert response.status_code == 201, response.json()
        assert capital.capital_balance(account) == Decimal("-80.00")

    def test_the_whole_balance_may_be_redeemed(self, treasurer, account):
        capital.record_capital_entry(
            actor=treasurer, member=account, kind="redemption", amount=Decimal("420.00"),
            date=datetime.date(2026, 10, 5), note="Leaving",
        )  # fmt: skip
        assert capital.capital_balance(account) == Decimal("0.00")

    def test_a_balance_beyond_the_largest_amount_is_refused(self, treasurer, account):
        with pytest.raises(StateConflict, match="more than the books can hold"):
            capital.record_capital_entry(
                actor=treasurer, member=account, kind="adjustment", amount=Decimal(LARGEST),
                date=datetime.date(2026, 10, 5), note="Typo",
            )  # fmt: skip


class TestAsciiDigits:
    @pytest.mark.parametrize("amount", ["١٠٠", "１００", "۱۰۰", "१००", "1٠0.00"])
    def test_the_api_refuses_other_digits(self, api, treasurer, amount):
        client = ClientFactory(cooperative=treasurer.cooperative)
        response = as_member(api, treasurer).post(
            url(treasurer, "revenue/"),
            {"client": client.pk, "amount": amount, "received_on": "2026-10-03"},
            format="json",
        )
        assert response.status_code == 400
        assert "digits 0-9" in response.json()["errors"]["amount"][0]

    @pytest.mark.parametrize("amount", ["١٠٠", "１００"])
    def test_the_forms_refuse_them(self, cooperative, amount):
        client = ClientFactory(cooperative=cooperative)
        form = RevenueForm(
            data={"revenue-client": client.pk, "revenue-amount": amount,
                  "revenue-received_on": "2026-10-03"},
            cooperative=cooperative,
        )  # fmt: skip
        assert not form.is_valid()
        assert "digits 0-9" in form.errors["amount"][0]

    def test_ascii_amounts_pass(self, cooperative):
        client = ClientFactory(cooperative=cooperative)
        form = RevenueForm(
            data={"revenue-client": client.pk, "revenue-amount": "100.50",
                  "revenue-received_on": "2026-10-03"},
            cooperative=cooperative,
        )  # fmt: skip
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal("100.50")


def test_the_simulation_refuses_other_digits(api, member):
    import json
    from pathlib import Path

    sample = Path(__file__).parent / "samples" / "worked-example.json"
    document = json.loads(sample.read_text())
    figures = {**document.get("input", document), "revenue": "１００"}
    response = as_member(api, member).post(
        url(member, "distributions/simulate/"), figures, format="json"
    )
    assert response.status_code == 400
    assert "revenue" in response.json()["errors"]


def test_an_approval_that_would_overflow_a_capital_account_is_refused(
    cooperative, treasurer, books
):
    from payroll.models import CapitalAccountEntry

    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    CapitalAccountEntry.objects.create(
        cooperative=cooperative, member=books[1], kind="adjustment", amount=Decimal(LARGEST),
        date=datetime.date(2026, 8, 31), note="Written past the service",
    )  # fmt: skip
    with pytest.raises(AmountTooLarge, match="more than the books can hold"):
        distributing.approve_distribution(actor=treasurer, distribution=run)
