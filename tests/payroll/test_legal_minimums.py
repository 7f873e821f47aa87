"""A distribution policy is checked against the co-op's legal profile when it is adopted: by the
treasurer (service, API, page), and by a policy proposal (when drafted and when it passes).
Below a minimum it is refused with a 400 that cites the rule, and nothing is written."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from coop.legal_profiles import PROFILES
from governance import services as governance
from payroll import legal
from payroll.models import DistributionPolicy
from payroll.services import policies
from tests.conftest import as_member
from tests.factories import MemberFactory
from tests.payroll.books import POLICY
from tests.web import signed_in

pytestmark = pytest.mark.django_db

SPANISH_RESERVE = (
    "Ley 27/1999, art. 58.1: the obligatory reserve fund takes at least 20% of the surplus; "
    "this policy gives 10%."
)
SPANISH_EDUCATION = (
    "Ley 27/1999, art. 58.1: the education and promotion fund takes at least 5% of the surplus; "
    "this policy gives 2%."
)
US_CASH = (
    "26 U.S.C. §1388(c)(1): at least 20% of each patronage dividend is paid in money or by "
    "qualified check; this policy pays 15%."
)


def law(cooperative, code: str, **bylaws) -> None:
    cooperative.legal_profile = code
    cooperative.bylaws = {**cooperative.bylaws, **bylaws}
    cooperative.save()


def policy(**changes):
    return {**POLICY, **{name: Decimal(value) for name, value in changes.items()}}


class TestPureRule:
    def test_spain_names_each_fund_it_misses(self):
        found = legal.shortfalls(
            PROFILES["es"],
            {},
            {"reserve_pct": Decimal("0.1"), "education_pct": Decimal("0.05"), "cash_pct": 1},
        )
        assert [(s.term, s.least, s.given) for s in found] == [
            ("reserve_pct", Decimal("0.20"), Decimal("0.1"))
        ]

    def test_exactly_the_minimum_is_enough(self):
        shares = {"reserve_pct": Decimal("0.2"), "education_pct": Decimal("0.05"), "cash_pct": 0}
        assert legal.shortfalls(PROFILES["es"], {}, shares) == ()
        us = {"reserve_pct": Decimal(0), "education_pct": Decimal(0), "cash_pct": Decimal("0.2")}
        assert legal.shortfalls(PROFILES["us"], {}, us) == ()

    def test_germany_checks_what_the_bylaws_set_and_nothing_before(self):
        shares = {"reserve_pct": Decimal("0.05"), "education_pct": Decimal(0), "cash_pct": 1}
        assert legal.shortfalls(PROFILES["de"], {}, shares) == ()
        found = legal.shortfalls(PROFILES["de"], {"statutory_reserve_pct": "0.10"}, shares)
        assert [(s.citation, s.least) for s in found] == [("GenG §7 Nr. 2", Decimal("0.10"))]

    def test_generic_checks_nothing(self):
        shares = {"reserve_pct": Decimal(0), "education_pct": Decimal(0), "cash_pct": Decimal(0)}
        assert legal.shortfalls(PROFILES["generic"], {}, shares) == ()
        assert not PROFILES["generic"].checks_anything


class TestService:
    def test_spain_refuses_a_policy_below_both_funds_and_writes_nothing(
        self, cooperative, treasurer
    ):
        law(cooperative, "es")
        with pytest.raises(legal.BelowLegalMinimum) as refused:
            policies.adopt_policy(
                actor=treasurer,
                cooperative=cooperative,
                **policy(reserve_pct="0.10", education_pct="0.02"),
            )
        assert refused.value.errors == {
            "reserve_pct": [SPANISH_RESERVE],
            "education_pct": [SPANISH_EDUCATION],
        }
        assert refused.value.code == "below_legal_minimum"
        assert not DistributionPolicy.objects.exists()
        assert not cooperative.audit_events.filter(verb="policy.adopted").exists()

    def test_spain_adopts_a_policy_at_the_minimums(self, cooperative, treasurer):
        law(cooperative, "es")
        adopted = policies.adopt_policy(
            actor=treasurer, cooperative=cooperative, **policy(reserve_pct="0.20")
        )
        assert adopted.reserve_pct == Decimal("0.20")
        assert adopted.education_pct == Decimal("0.05")

    def test_united_states_refuses_less_than_a_fifth_in_cash(self, cooperative, treasurer):
        law(cooperative, "us")
        with pytest.raises(legal.BelowLegalMinimum) as refused:
            policies.adopt_policy(
                actor=treasurer, cooperative=cooperative, **policy(cash_pct="0.15")
            )
        assert refused.value.errors == {"cash_pct": [US_CASH]}
        assert policies.adopt_policy(
            actor=treasurer, cooperative=cooperative, **policy(cash_pct="0.20")
        )

    def test_generic_adopts_what_spain_refuses(self, cooperative, treasurer):
        assert cooperative.legal_profile == "generic"
        policies.adopt_policy(
            actor=treasurer,
            cooperative=cooperative,
            **policy(reserve_pct="0", education_pct="0", cash_pct="0"),
        )
        assert DistributionPolicy.objects.count() == 1

    def test_germany_refuses_less_than_the_statutes_reserve(self, cooperative, treasurer):
        law(cooperative, "de", statutory_reserve_pct="0.15")
        with pytest.raises(legal.BelowLegalMinimum) as refused:
            policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
        assert refused.value.errors == {
            "reserve_pct": [
                "GenG §7 Nr. 2: the statutes put at least 15% of the surplus in the legal "
                "reserve; this policy gives 10%."
            ]
        }

    def test_the_refusal_is_in_the_readers_language(self, cooperative, treasurer):
        law(cooperative, "es")
        with translation.override("es"), pytest.raises(legal.BelowLegalMinimum) as refused:
            policies.adopt_policy(
                actor=treasurer, cooperative=cooperative, **policy(reserve_pct="0.10")
            )
        assert refused.value.errors["reserve_pct"] == [
            "Ley 27/1999, art. 58.1: el fondo de reserva obligatorio recibe al menos el 20\xa0% "
            "del excedente; esta política le da el 10\xa0%."
        ]


class TestApi:
    def url(self, cooperative):
        return f"/api/v1/coops/{cooperative.slug}/policies/"

    def body(self, **changes):
        terms = {
            "method": "hours", "commons_pct": "0.15", "reserve_pct": "0.10",
            "education_pct": "0.05", "cash_pct": "0.80",
            "commons_recipients": [{"name": "Django Software Foundation", "weight": "1"}],
        }  # fmt: skip
        return {**terms, **changes}

    def test_spain_answers_400_citing_the_law(self, api, cooperative, treasurer):
        law(cooperative, "es")
        response = as_member(api, treasurer).post(
            self.url(cooperative), self.body(education_pct="0.02"), format="json"
        )
        assert response.status_code == 400
        assert response.json() == {
            "detail": SPANISH_RESERVE,
            "errors": {"reserve_pct": [SPANISH_RESERVE], "education_pct": [SPANISH_EDUCATION]},
            "code": "below_legal_minimum",
        }
        assert not DistributionPolicy.objects.exists()

    def test_united_states_answers_400_citing_subchapter_t(self, api, cooperative, treasurer):
        law(cooperative, "us")
        response = as_member(api, treasurer).post(
            self.url(cooperative), self.body(cash_pct="0.15"), format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"cash_pct": [US_CASH]}

    def test_generic_adopts_it(self, api, cooperative, treasurer):
        response = as_member(api, treasurer).post(
            self.url(cooperative), self.body(cash_pct="0.15", reserve_pct="0"), format="json"
        )
        assert response.status_code == 201, response.json()


def test_the_policy_page_shows_the_refusal_on_the_field(client, cooperative, treasurer):
    law(cooperative, "es")
    signed_in(client, treasurer)
    form = {
        "policy-method": "hours", "policy-commons_pct": "15", "policy-reserve_pct": "10",
        "policy-education_pct": "5", "policy-cash_pct": "80", "policy-max_pay_ratio": "3",
        "policy-approval": "treasurer", "policy-note": "",
        "commons-TOTAL_FORMS": "1", "commons-INITIAL_FORMS": "0",
        "commons-0-name": "Django Software Foundation", "commons-0-weight": "1",
        "commons-0-iban": "",
    }  # fmt: skip
    response = client.post(f"/c/{cooperative.slug}/money/policies/", form)
    assert response.status_code == 400
    assert SPANISH_RESERVE in response.content.decode().replace("&#x27;", "'")
    assert not DistributionPolicy.objects.exists()


def test_the_policy_page_names_the_profile_and_a_version_in_force_below_it(
    client, cooperative, treasurer
):
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    signed_in(client, treasurer)
    html = client.get(f"/c/{cooperative.slug}/money/policies/").content.decode()
    assert "legal profile" not in html  # generic checks nothing: nothing to say
    law(cooperative, "es")  # chosen after version 1 (10% to the reserve) was adopted
    html = client.get(f"/c/{cooperative.slug}/money/policies/").content.decode()
    html = html.replace("&#x27;", "'")
    assert "The co-op's legal profile is Spain (Ley 27/1999 de Cooperativas)" in html
    assert f'href="/c/{cooperative.slug}/law/"' in html
    assert "The version in force is below the legal profile's minimums" in html
    assert SPANISH_RESERVE in html


class TestProposal:
    NOW = datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC)

    def payload(self, **changes):
        return {
            "method": "hours", "commons_pct": "0", "reserve_pct": "0.20", "education_pct": "0.05",
            "cash_pct": "0.80", **changes,
        }  # fmt: skip

    def test_a_draft_below_the_minimum_is_refused_through_the_api(
        self, api, clock, cooperative, member
    ):
        clock.set(self.NOW)
        law(cooperative, "es")
        opens = self.NOW + datetime.timedelta(days=3)
        terms = {
            "title": "Less to the reserve", "kind": "policy", "method": "supermajority",
            "opens_at": opens.isoformat(),
            "closes_at": (opens + datetime.timedelta(days=6)).isoformat(),
            "action": "adopt_distribution_policy",
            "action_payload": self.payload(reserve_pct="0.10"),
        }  # fmt: skip
        response = as_member(api, member).post(
            f"/api/v1/coops/{cooperative.slug}/proposals/", terms, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"action_payload.reserve_pct": [SPANISH_RESERVE]}
        assert response.json()["code"] == "below_legal_minimum"

    def test_a_passed_proposal_is_checked_again_under_the_law_in_force(
        self, cooperative, make_proposal
    ):
        cooperative.bylaws = {**cooperative.bylaws, "policy_adoption": "vote"}
        cooperative.save()
        voters = [MemberFactory(cooperative=cooperative) for _ in range(3)]
        proposal = make_proposal(
            voters[0],
            kind="policy",
            method="supermajority",
            action="adopt_distribution_policy",
            action_payload=self.payload(reserve_pct="0.10"),
        )
        law(cooperative, "es")  # the co-op changed its profile while the vote ran
        for voter in voters:
            governance.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
        proposal.refresh_from_db()
        assert proposal.result == "passed"
        assert SPANISH_RESERVE in proposal.action_error
        assert not DistributionPolicy.objects.exists()

    def test_a_passed_proposal_at_the_minimums_adopts_the_policy(self, cooperative, make_proposal):
        law(cooperative, "es", policy_adoption="vote")
        voters = [MemberFactory(cooperative=cooperative) for _ in range(3)]
        proposal = make_proposal(
            voters[0],
            kind="policy",
            method="supermajority",
            action="adopt_distribution_policy",
            action_payload=self.payload(),
        )
        for voter in voters:
            governance.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
        proposal.refresh_from_db()
        assert proposal.action_error == ""
        assert DistributionPolicy.objects.get().reserve_pct == Decimal("0.20")
