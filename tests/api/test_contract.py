"""The main workflows, each answer checked against the committed schema (tests/api/contract.py).

The fuzzer (test_fuzz.py) sends generated requests; these tests send the requests a co-op
really sends — hours, the month's summary, a proposal from draft to result, money in and out, a
distribution and its documents, capital entries, tokens — and check that every answer, errors
included, is the one docs/openapi.yaml promises.
"""

import datetime

import pytest

from governance import services as governance
from tests.api.contract import ContractClient, check_answer
from tests.factories import PASSWORD, ClientFactory, MemberFactory, ProjectFactory

OCTOBER_12 = datetime.datetime(2026, 10, 12, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def contract(clock):
    clock.set(OCTOBER_12)
    return ContractClient()


def url(member, path: str) -> str:
    return f"/api/v1/coops/{member.cooperative.slug}/{path}"


def as_member(client: ContractClient, member) -> ContractClient:
    client.force_authenticate(member.user)
    return client


@pytest.mark.django_db
class TestWorkflows:
    def test_hours_and_the_month_summary(self, contract, member):
        project = ProjectFactory(client__cooperative=member.cooperative)
        api = as_member(contract, member)
        entry = {"project": project.pk, "date": "2026-10-05", "minutes": 90, "description": "x"}
        created = api.post(url(member, "time-entries/"), entry, format="json")
        assert created.status_code == 201
        one = f"time-entries/{created.json()['id']}/"
        assert api.get(url(member, "time-entries/?month=2026-10")).status_code == 200
        assert api.get(url(member, one)).status_code == 200
        assert api.patch(url(member, one), {"minutes": 120}, format="json").status_code == 200
        export = api.get(url(member, "time-entries/export/?month=2026-10"))
        assert export.status_code == 200
        summary = api.get(url(member, "hours/summary/?month=2026-10&group_by=project"))
        assert summary.status_code == 200
        assert set(summary.json()) == {"month", "group_by", "rows", "minutes", "hours"}
        assert api.get(url(member, "hours/summary/?month=October")).status_code == 400
        assert api.get(url(member, "hours/summary/export/?month=2026-10")).status_code == 200
        started = api.post(url(member, "timer/start/"), {"project": project.pk}, format="json")
        assert started.status_code == 201
        assert api.get(url(member, "timer/")).status_code == 200
        assert api.post(url(member, "timer/discard/")).status_code == 204
        assert api.delete(url(member, one)).status_code == 204
        assert api.post(url(member, "time-entries/"), {}, format="json").status_code == 400

    def test_a_proposal_from_draft_to_result(self, contract, clock, member, secretary):
        api = as_member(contract, member)
        draft = api.post(
            url(member, "proposals/"),
            {
                "title": "Adopt the four-day week",
                "body": "From January.",
                "kind": "general",
                "method": "majority",
                "opens_at": (OCTOBER_12 + datetime.timedelta(days=3)).isoformat(),
                "closes_at": (OCTOBER_12 + datetime.timedelta(days=10)).isoformat(),
            },
            format="json",
        )
        assert draft.status_code == 201, draft.json()
        one = f"proposals/{draft.json()['id']}/"
        assert api.post(url(member, one + "open/")).status_code == 200
        comment = api.post(url(member, one + "comments/"), {"body": "Yes!"}, format="json")
        assert comment.status_code == 201
        assert comment.json()["body"] == "Yes!"
        assert api.post(url(member, one + "comments/"), {}, format="json").status_code == 400
        assert api.get(url(member, one + "comments/")).json()[0]["body"] == "Yes!"
        assert api.get(url(member, one + "ballots/")).status_code == 409
        clock.advance(datetime.timedelta(days=3, minutes=5))
        governance.sweep()
        voted = api.post(url(member, one + "vote/"), {"choice": "agree"}, format="json")
        assert voted.status_code == 200, voted.json()
        assert api.post(url(member, one + "vote/"), {}, format="json").status_code == 400
        as_member(contract, secretary).post(url(member, one + "vote/"), {"choice": "agree"})
        assert api.get(url(member, one + "result/")).status_code == 200
        clock.advance(datetime.timedelta(days=8))
        governance.sweep()
        assert api.get(url(member, one)).json()["state"] == "closed"
        assert api.get(url(member, one + "result/")).json()["result"] == "passed"
        assert api.get(url(member, one + "ballots/")).status_code == 200
        assert api.get(url(member, one + "minutes/")).status_code == 200
        assert api.get(url(member, "proposals/?state=closed")).status_code == 200

    def test_money_in_and_out(self, contract, treasurer, member):
        client = ClientFactory(cooperative=treasurer.cooperative)
        api = as_member(contract, treasurer)
        revenue = {"client": client.pk, "amount": "1250.50", "received_on": "2026-10-03"}
        assert api.post(url(treasurer, "revenue/"), revenue, format="json").status_code == 201
        listed = api.get(url(treasurer, "revenue/?month=2026-10"))
        assert listed.json()["count"] == 1
        assert api.get(url(treasurer, "revenue/?month=October")).status_code == 400
        expense = {"category": "Hosting", "amount": "40.00", "date": "2026-10-02", "payee": "H"}
        created = api.post(url(treasurer, "expenses/"), expense, format="json")
        assert created.status_code == 201
        one = f"expenses/{created.json()['id']}/"
        assert api.post(url(treasurer, one + "approve/")).status_code == 200
        assert api.post(url(treasurer, one + "approve/")).status_code == 409
        assert api.get(url(treasurer, "expenses/?month=2026-10")).json()["count"] == 1
        reader = as_member(ContractClient(), member)
        assert reader.post(url(member, "revenue/"), revenue, format="json").status_code == 403

    def test_a_distribution_and_capital_entries(
        self, contract, treasurer, books, django_capture_on_commit_callbacks
    ):
        api = as_member(contract, treasurer)
        created = api.post(url(treasurer, "distributions/"), {"month": "2026-09"}, format="json")
        assert created.status_code == 201, created.json()
        run = f"distributions/{created.json()['id']}/"
        assert api.post(url(treasurer, run + "recompute/")).status_code == 200
        assert api.get(url(treasurer, run + "report/")).status_code == 409
        with django_capture_on_commit_callbacks(execute=True):  # the documents are made
            assert api.post(url(treasurer, run + "approve/")).status_code == 200
        assert api.get(url(treasurer, "distributions/")).status_code == 200
        assert api.get(url(treasurer, run + "report/")).status_code == 200
        assert api.get(url(treasurer, run + f"payslips/{treasurer.pk}/")).status_code == 200
        assert api.get(url(treasurer, run + "csv/")).status_code == 200
        member = books[1]
        entry = {"member": member.pk, "kind": "redemption", "amount": "20.00",
                 "date": "2026-10-05", "note": "Partial payout"}  # fmt: skip
        redemption = api.post(url(treasurer, "capital-accounts/entries/"), entry, format="json")
        assert redemption.status_code == 201
        assert redemption.json()["amount"] == "-20.00"
        ledger = api.get(url(treasurer, f"capital-accounts/entries/?member={member.pk}"))
        assert [e["kind"] for e in ledger.json()] == ["allocation", "redemption"]
        assert api.get(url(treasurer, "capital-accounts/")).status_code == 200
        assert api.post(url(treasurer, run + "pay/")).status_code == 200

    def test_tokens_and_the_coop(self, contract, admin_member):
        login = {"email": admin_member.user.email, "password": PASSWORD}
        issued = contract.post("/api/v1/auth/token/", login, format="json")
        assert issued.status_code in (200, 201), issued.content
        wrong = contract.post("/api/v1/auth/token/", {**login, "password": "no"}, format="json")
        assert wrong.status_code == 400
        contract.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.json()['token']}")
        slug = admin_member.cooperative.slug
        assert contract.get("/api/v1/coops/").status_code == 200
        assert contract.get(f"/api/v1/coops/{slug}/").status_code == 200
        renamed = contract.patch(f"/api/v1/coops/{slug}/", {"name": "Renamed"}, format="json")
        assert renamed.status_code == 200
        assert contract.get(url(admin_member, "members/")).status_code == 200
        assert contract.delete("/api/v1/auth/token/").status_code == 204
        assert contract.get("/api/v1/coops/").status_code == 401


@pytest.mark.django_db
def test_an_answer_the_schema_does_not_document_fails_the_check(contract, member):
    """The check itself: the answer of an operation, compared with another operation's."""
    answer = as_member(contract, member).get(url(member, "hours/summary/?month=2026-10"))
    check_answer("GET", url(member, "hours/summary/"), answer)
    with pytest.raises(Exception, match="results|count|required|array"):
        check_answer("GET", url(member, "time-entries/"), answer)


@pytest.mark.django_db
def test_outsiders_get_the_documented_404(contract, member):
    outsider = MemberFactory()
    assert as_member(contract, outsider).get(url(member, "revenue/")).status_code == 404
