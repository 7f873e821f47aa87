"""The payroll API: money in, policies, distributions, simulation, capital accounts."""

import datetime
import json
from pathlib import Path

import pytest

from payroll import distributing
from tests.conftest import as_member
from tests.factories import ClientFactory, MemberFactory
from tests.payroll.books import SEPTEMBER

SAMPLES = Path(__file__).parents[1] / "payroll" / "samples"


def url(member, path):
    return f"/api/v1/coops/{member.cooperative.slug}/{path}"


@pytest.mark.django_db
class TestMoneyIn:
    def test_treasurer_records_every_member_reads(self, api, treasurer, member):
        client = ClientFactory(cooperative=treasurer.cooperative)
        payload = {"client": client.pk, "amount": "1250.50", "received_on": "2026-10-03"}
        assert as_member(api, member).post(url(member, "revenue/"), payload).status_code == 403
        created = as_member(api, treasurer).post(url(member, "revenue/"), payload, format="json")
        assert created.status_code == 201, created.json()
        assert created.json()["currency"] == "EUR"
        listing = as_member(api, member).get(url(member, "revenue/?month=2026-10"))
        assert [r["amount"] for r in listing.json()["results"]] == ["1250.50"]
        bad_month = as_member(api, member).get(url(member, "revenue/?month=October"))
        assert bad_month.status_code == 400
        assert "month" in bad_month.json()["errors"]

    @pytest.mark.parametrize(
        ("amount", "fragment"),
        [("0", "greater than or equal to 0.01"), ("12.345", "no more than 2 decimal places"),
         ("abc", "valid number")],
    )  # fmt: skip
    def test_bad_amounts_name_the_field(self, api, treasurer, amount, fragment):
        client = ClientFactory(cooperative=treasurer.cooperative)
        response = as_member(api, treasurer).post(
            url(treasurer, "revenue/"),
            {"client": client.pk, "amount": amount, "received_on": "2026-10-03"},
            format="json",
        )
        assert response.status_code == 400
        assert fragment in response.json()["errors"]["amount"][0]

    def test_expense_approval_and_the_spending_limit(self, api, treasurer):
        api = as_member(api, treasurer)
        small = api.post(
            url(treasurer, "expenses/"),
            {"category": "Hosting", "amount": "40.00", "date": "2026-10-02", "payee": "Host"},
            format="json",
        )
        assert small.status_code == 201
        approved = api.post(url(treasurer, f"expenses/{small.json()['id']}/approve/"))
        assert approved.json()["status"] == "approved"
        again = api.post(url(treasurer, f"expenses/{small.json()['id']}/approve/"))
        assert again.status_code == 409
        big = api.post(
            url(treasurer, "expenses/"),
            {"category": "Laptops", "amount": "5000.00", "date": "2026-10-02", "payee": "Shop"},
            format="json",
        )
        refused = api.post(url(treasurer, f"expenses/{big.json()['id']}/approve/"))
        assert refused.status_code == 409
        assert "spending proposal" in refused.json()["detail"]


@pytest.mark.django_db
class TestDistributions:
    def test_draft_approve_pay(self, api, treasurer, books):
        member = books[1]
        api_t = as_member(api, treasurer)
        created = api_t.post(url(treasurer, "distributions/"), {"month": "2026-09"}, format="json")
        assert created.status_code == 201, created.json()
        body = created.json()
        assert (body["status"], body["surplus"], body["member_pool"]) == (
            "draft", "10500.00", "7350.00"
        )  # fmt: skip
        assert len(body["lines"]) == 3 + 2 + 2
        twice = api_t.post(url(treasurer, "distributions/"), {"month": "2026-09"}, format="json")
        assert twice.status_code == 409
        run = f"distributions/{body['id']}/"
        assert as_member(api, member).post(url(member, run + "approve/")).status_code == 403
        approved = as_member(api, treasurer).post(url(treasurer, run + "approve/"))
        assert approved.status_code == 200, approved.json()
        assert approved.json()["status"] == "approved"
        assert as_member(api, treasurer).post(url(treasurer, run + "approve/")).status_code == 409
        assert as_member(api, treasurer).post(url(treasurer, run + "recompute/")).status_code == 409
        paid = as_member(api, treasurer).post(url(treasurer, run + "pay/"))
        assert paid.json()["status"] == "paid"

    def test_members_see_only_their_own_bank_details(self, api, treasurer, books):
        for i, member in enumerate(books):
            member.iban = ["DE89370400440532013000", "AT611904300234573201",
                           "NL91ABNA0417164300"][i]  # fmt: skip
            member.save()
        run = distributing.create_draft(
            actor=treasurer, cooperative=treasurer.cooperative, month=SEPTEMBER
        )
        viewer = books[1]
        lines = as_member(api, viewer).get(url(viewer, f"distributions/{run.pk}/")).json()["lines"]
        ibans = {line["member"]: line["iban"] for line in lines if line["kind"] == "member"}
        assert ibans[viewer.pk] == "AT611904300234573201"
        assert ibans[books[0].pk] == ""

    def test_bad_month_and_no_policy(self, api, treasurer):
        api = as_member(api, treasurer)
        bad = api.post(url(treasurer, "distributions/"), {"month": "2026-9"}, format="json")
        assert bad.status_code == 400
        assert "YYYY-MM" in bad.json()["errors"]["month"][0]
        none = api.post(url(treasurer, "distributions/"), {"month": "2026-09"}, format="json")
        assert none.status_code == 409
        assert none.json()["detail"] == "Adopt a distribution policy first."

    def test_documents_before_approval_are_a_conflict(self, api, treasurer, books):
        run = distributing.create_draft(
            actor=treasurer, cooperative=treasurer.cooperative, month=SEPTEMBER
        )
        response = as_member(api, treasurer).get(url(treasurer, f"distributions/{run.pk}/report/"))
        assert response.status_code == 409
        other = books[1]
        response = as_member(api, other).get(
            url(other, f"distributions/{run.pk}/payslips/{treasurer.pk}/")
        )
        assert response.status_code == 404


@pytest.mark.django_db
class TestSimulate:
    def test_simulates_the_worked_example(self, api, member):
        document = json.loads((SAMPLES / "worked-example.json").read_text())
        response = as_member(api, member).post(
            url(member, "distributions/simulate/"), document.get("input", document), format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["surplus"] == "10500.00"

    def test_errors_name_the_field(self, api, member):
        response = as_member(api, member).post(
            url(member, "distributions/simulate/"),
            {"currency": "EUR", "revenue": 12.5, "expenses": "0", "policy": {}, "members": []},
            format="json",
        )
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert "revenue" in errors and any(key.startswith("policy") for key in errors)


@pytest.mark.django_db
def test_capital_accounts(api, treasurer, books):
    run = distributing.create_draft(
        actor=treasurer, cooperative=treasurer.cooperative, month=SEPTEMBER
    )
    distributing.approve_distribution(actor=treasurer, distribution=run)
    member = books[1]
    mine = as_member(api, member).get(url(member, "capital-accounts/")).json()
    assert mine == [{"member": member.pk, "name": member.display_name, "balance": "420.00"}]
    everyone = as_member(api, treasurer).get(url(member, "capital-accounts/")).json()
    assert len(everyone) == 3
    redemption = as_member(api, treasurer).post(
        url(member, "capital-accounts/entries/"),
        {"member": member.pk, "kind": "redemption", "amount": "20.00", "date": "2026-10-05",
         "note": "Partial payout"},
        format="json",
    )  # fmt: skip
    assert redemption.status_code == 201, redemption.json()
    assert redemption.json()["amount"] == "-20.00"
    refused = as_member(api, member).post(
        url(member, "capital-accounts/entries/"),
        {"member": member.pk, "kind": "adjustment", "amount": "5.00", "date": "2026-10-05",
         "note": "x"},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 403
    outsider = MemberFactory()
    assert as_member(api, outsider).get(url(member, "capital-accounts/")).status_code == 404
    ledger = as_member(api, member).get(url(member, "capital-accounts/entries/")).json()
    assert [entry["kind"] for entry in ledger] == ["allocation", "redemption"]
    assert datetime.date.fromisoformat(ledger[0]["date"]) == datetime.date(2026, 9, 30)
