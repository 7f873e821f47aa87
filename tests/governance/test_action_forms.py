"""Each proposal action has a real form on the proposal page: no JSON, no member ids typed."""

import datetime
import re
from decimal import Decimal

import pytest

from governance.models import Proposal
from payroll import distributing
from tests.factories import ExpenseFactory, MemberFactory
from tests.payroll.books import SEPTEMBER
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december_2029(clock):
    clock.set(datetime.datetime(2029, 12, 1, 12, tzinfo=datetime.UTC), tick=True)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def new(cooperative):
    return f"/c/{cooperative.slug}/proposals/new/"


def draft(kind, action, **details):
    data = {
        "title": "A decision", "body": "", "kind": kind, "method": "supermajority",
        "options": "", "seats": "1", "quorum": "", "threshold": "",
        "prefill": "", "discussion_starts_at": "", "opens_at": "2030-01-15T10:00",
        "closes_at": "2030-01-22T18:00", "save": "draft", "action": action,
    }  # fmt: skip
    data.update({f"{action}__{name}": value for name, value in details.items()})
    return data


def saved(client, cooperative, data):
    response = client.post(new(cooperative), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Proposal.objects.get(action=data["action"])


def test_the_form_offers_every_action_with_headings_and_pickers(client, member):
    applicant = MemberFactory(cooperative=member.cooperative, status="applicant")
    html = signed_in(client, member).get(new(member.cooperative)).content.decode()
    for action in ("admit_member", "change_member_status", "change_member_roles",
                   "adopt_distribution_policy", "approve_distribution", "approve_expense",
                   "amend_bylaws"):  # fmt: skip
        assert f'data-action="{action}"' in html
    assert f'<option value="{applicant.pk}">{applicant.display_name} (applicant)</option>' in html
    assert 'type="checkbox" name="change_member_roles__roles" value="treasurer"' in html
    form = html.split("<form")[1].split("</form>")[0]
    assert "action_payload" not in form  # no JSON box on the page, nor its name
    assert ">admit_member" not in form  # the actions are offered in words


def test_admit_a_member(client, member):
    applicant = MemberFactory(cooperative=member.cooperative, status="applicant")
    client = signed_in(client, member)
    data = draft("membership", "admit_member", member=str(applicant.pk), status="active")
    proposal = saved(client, member.cooperative, data)
    assert proposal.action_payload == {"member": applicant.pk, "status": "active"}
    edit = client.get(f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/edit/")
    html = edit.content.decode()
    assert f'<option value="{applicant.pk}" selected>' in html  # the draft shows its details


def test_the_actions_validator_still_decides(client, member):
    client = signed_in(client, member)
    missing = client.post(new(member.cooperative), draft("membership", "admit_member"))
    assert missing.status_code == 400
    applicant = MemberFactory(cooperative=member.cooperative, status="applicant")
    wrong_kind = client.post(
        new(member.cooperative), draft("general", "admit_member", member=str(applicant.pk))
    )
    assert wrong_kind.status_code == 400
    assert "belongs on a proposal of kind membership" in wrong_kind.content.decode()
    assert not Proposal.objects.exists()


def test_change_a_status(client, member):
    other = MemberFactory(cooperative=member.cooperative)
    data = draft("membership", "change_member_status", member=str(other.pk), status="on_leave",
                 effective_on="2030-02-01")  # fmt: skip
    proposal = saved(signed_in(client, member), member.cooperative, data)
    assert proposal.action_payload == {
        "member": other.pk, "status": "on_leave", "effective_on": "2030-02-01"
    }  # fmt: skip


def test_set_roles(client, member):
    other = MemberFactory(cooperative=member.cooperative)
    data = draft("membership", "change_member_roles", member=str(other.pk))
    data["change_member_roles__roles"] = ["treasurer", "secretary"]
    proposal = saved(signed_in(client, member), member.cooperative, data)
    assert proposal.action_payload["member"] == other.pk
    assert sorted(proposal.action_payload["roles"]) == ["secretary", "treasurer"]


def test_adopt_a_policy(client, member):
    data = draft(
        "policy", "adopt_distribution_policy", method="hours", commons_pct="0.15",
        reserve_pct="0.10", education_pct="0.05", cash_pct="0.80", max_pay_ratio="3",
        commons_recipients="Django Software Foundation: 1\nOSGeo: 2", approval="treasurer",
    )  # fmt: skip
    proposal = saved(signed_in(client, member), member.cooperative, data)
    payload = proposal.action_payload
    assert payload["method"] == "hours" and payload["commons_pct"] == "0.15"
    assert payload["commons_recipients"] == [
        {"name": "Django Software Foundation", "weight": "1"}, {"name": "OSGeo", "weight": "2"}
    ]  # fmt: skip


def test_a_policy_in_german_takes_decimal_commas_and_shows_them_back(client, member, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    data = draft(
        "policy", "adopt_distribution_policy", method="hours", commons_pct="0,15",
        reserve_pct="0,1", education_pct="0,05", cash_pct="0,8", max_pay_ratio="2,5",
        commons_recipients="OSGeo: 1", approval="treasurer",
    )  # fmt: skip
    proposal = saved(signed_in(client, member), member.cooperative, data)
    assert proposal.action_payload["commons_pct"] == "0.15"
    assert proposal.action_payload["max_pay_ratio"] == "2.5"
    page = client.get(f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/edit/")
    assert page.status_code == 200  # the draft's edit page shows the payload in German notation
    assert 'value="0,15"' in page.content.decode()


def test_approve_a_draft_distribution(client, cooperative, member, treasurer, books):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    client = signed_in(client, member)
    html = client.get(new(cooperative)).content.decode()
    assert f'<option value="{run.pk}">September 2026 (#{run.pk})</option>' in html
    data = draft("distribution", "approve_distribution", distribution=str(run.pk))
    proposal = saved(client, cooperative, data)
    assert proposal.action_payload == {"distribution": run.pk}


def test_approve_a_submitted_expense(client, cooperative, member):
    expense = ExpenseFactory(cooperative=cooperative, status="submitted")
    approved = ExpenseFactory(cooperative=cooperative, status="approved")
    client = signed_in(client, member)
    html = client.get(new(cooperative)).content.decode()
    assert f'<option value="{expense.pk}">' in html
    assert f'<option value="{approved.pk}">' not in html.split('name="approve_expense__expense"')[1]
    proposal = saved(client, cooperative, draft("spending", "approve_expense",
                                                  expense=str(expense.pk)))  # fmt: skip
    assert proposal.action_payload == {"expense": expense.pk}


@pytest.mark.parametrize(
    ("language", "distribution", "expense"),
    [
        ("es", "septiembre de 2026", "20 oct 2026 · Hetzner · 1.234,50\xa0€"),
        ("de", "September 2026", "20. Okt. 2026 · Hetzner · 1.234,50\xa0€"),
    ],
)
def test_the_distributions_and_expenses_to_approve_are_named_in_the_reader_s_words(
    client, cooperative, member, treasurer, books, language, distribution, expense
):
    from django.conf import settings

    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    submitted = ExpenseFactory(
        cooperative=cooperative, status="submitted", payee="Hetzner", amount="1234.50"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = signed_in(client, member).get(new(cooperative)).content.decode()
    assert f'<option value="{run.pk}">{distribution} (#{run.pk})</option>' in html
    assert f'<option value="{submitted.pk}">{expense}</option>' in html


def test_amend_the_probation_and_the_legal_reserve(client, member):
    data = draft(
        "bylaws", "amend_bylaws", statutory_reserve_pct="0.10", probation_months="12",
        probation_reminder_days="30",
    )  # fmt: skip
    proposal = saved(signed_in(client, member), member.cooperative, data)
    assert proposal.action_payload == {
        "statutory_reserve_pct": "0.10",
        "probation_months": 12,
        "probation_reminder_days": 30,
    }


def test_amend_how_capital_is_redeemed_and_what_a_buyin_instalment_is(client, member):
    data = draft(
        "bylaws", "amend_bylaws", redemption_order="newest_first",
        member_capital_redeemed="before_notices", buyin_instalments="money",
    )  # fmt: skip
    proposal = saved(signed_in(client, member), member.cooperative, data)
    assert proposal.action_payload == {
        "redemption_order": "newest_first",
        "member_capital_redeemed": "before_notices",
        "buyin_instalments": "money",
    }


def test_a_buyin_instalment_is_money_or_part_of_the_notice_nothing_else(client, member):
    data = draft("bylaws", "amend_bylaws", buyin_instalments="equity")
    response = signed_in(client, member).post(new(member.cooperative), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_legal_reserve_that_is_not_a_fraction_is_refused(client, member):
    data = draft("bylaws", "amend_bylaws", statutory_reserve_pct="a tenth")
    response = signed_in(client, member).post(new(member.cooperative), data)
    assert response.status_code == 400
    errors = re.search(
        r'id="id_amend_bylaws__statutory_reserve_pct_error">(.*?)</ul>', response.content.decode()
    )
    assert errors and (
        "Legal reserve&#x27;s share of the surplus (a fraction of 1): at least 0 and below 1."
        in errors.group(1)
    ), errors
    assert not Proposal.objects.exists()


def test_amend_the_settlement_terms(client, member):
    """The terms filled in change; the others stay as the bylaws have them."""
    from governance.action_forms import _initial
    from governance.actions.bylaws import _amended

    data = draft(
        "bylaws", "amend_bylaws", settlement_refundable_share="0.70", settlement_instalments="5",
        settlement_bears_losses="no", settlement_approval="vote",
    )  # fmt: skip
    proposal = saved(signed_in(client, member), member.cooperative, data)
    terms = {
        "refundable_share": "0.70",
        "instalments": 5,
        "bears_losses": False,
        "approval": "vote",
    }
    assert proposal.action_payload == {"settlement": terms}
    before = {"settlement": {"interest_rate": "0.02", "instalments": 2}, "spending_limit": "500"}
    assert _amended(before, proposal.action_payload) == {
        "settlement": {"interest_rate": "0.02", **terms},
        "spending_limit": "500",
    }
    initial = _initial("amend_bylaws", proposal.action_payload)
    assert initial["amend_bylaws__settlement_bears_losses"] == "no"
    assert initial["amend_bylaws__settlement_instalments"] == 5


def test_a_settlement_share_that_is_not_a_fraction_is_refused(client, member):
    data = draft("bylaws", "amend_bylaws", settlement_refundable_share="most")
    response = signed_in(client, member).post(new(member.cooperative), data)
    assert response.status_code == 400
    assert (
        "Settlement: the part of the balance paid back (a fraction of 1): from 0 to 1."
        in response.content.decode()
    )


def test_amend_the_bylaws(client, member):
    data = draft(
        "bylaws", "amend_bylaws", spending_limit="2000.00", probationary_members_vote="yes",
        floors_spending_threshold="2/3", floors_spending_voting_hours="120",
    )  # fmt: skip
    proposal = saved(signed_in(client, member), member.cooperative, data)
    assert proposal.action_payload == {
        "spending_limit": "2000.00",
        "probationary_members_vote": True,
        "floors": {"spending": {"threshold": "2/3", "voting_hours": 120}},
    }


class TestAPolicyThatDoesNotAddUp:
    """The policy's problems are sentences in the member's language, next to their field."""

    def errors_of(self, html: str, field: str) -> list[str]:
        found = re.search(
            rf'<ul class="errorlist" id="id_adopt_distribution_policy__{field}_error">(.*?)</ul>',
            html,
            re.DOTALL,
        )
        assert found, f"no errors for {field}"
        return re.findall(r"<li>(.*?)</li>", found.group(1))

    def test_in_spanish(self, client, member, settings):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        data = draft(
            "policy", "adopt_distribution_policy", method="wages_then_patronage",
            commons_pct="0,15", reserve_pct="0", education_pct="0", cash_pct="1,5",
            max_pay_ratio="3", commons_recipients="", approval="treasurer",
        )  # fmt: skip
        response = signed_in(client, member).post(new(member.cooperative), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert self.errors_of(html, "commons_recipients") == [
            "Una parte del excedente va a los bienes comunes: indica al menos un destinatario."
        ]
        assert self.errors_of(html, "cash_pct") == [
            "La parte pagada en efectivo debe estar entre 0 y 1 (0,15 significa un 15 %); es 1,5."
        ]
        assert self.errors_of(html, "base_rate") == [
            "El método “primero salarios, luego según el trabajo aportado” necesita una tarifa "
            "base: el dinero por hora que se paga primero."
        ]
        shown = " ".join(re.findall(r'<ul class="errorlist[^>]*>(.*?)</ul>', html, re.DOTALL))
        assert not re.search(r"[A-Za-z]+_[a-z]+", shown), shown  # no field names
        assert not Proposal.objects.exists()

    def test_the_shares_together(self, client, member):
        data = draft(
            "policy", "adopt_distribution_policy", method="hours", commons_pct="0.5",
            reserve_pct="0.3", education_pct="0.2", cash_pct="1", max_pay_ratio="3",
            commons_recipients="OSGeo: 1", approval="treasurer",
        )  # fmt: skip
        response = signed_in(client, member).post(new(member.cooperative), data)
        assert response.status_code == 400
        assert (
            "The shares to the commons, the collective reserve and the education fund add up "
            "to 1; together they must stay below 1" in response.content.decode()
        )


class TestTheBuyinTerms:
    """The buy-in's terms on the bylaws form: the ones filled in change, the others stay; each
    mistake is refused by the bylaws' own validator (coop.bylaws_buyin), next to its field."""

    INSTALMENTS = {"amount": "1200.00", "payment": "instalments", "monthly_max": "100.00"}

    def errors_of(self, html: str, term: str) -> list[str]:
        found = re.search(
            rf'<ul class="errorlist" id="id_amend_bylaws__buyin_{term}_error">(.*?)</ul>',
            html,
            re.DOTALL,
        )
        assert found, f"no errors for {term}"
        return re.findall(r"<li>(.*?)</li>", found.group(1))

    def test_every_term_on_the_form(self, client, member):
        from governance.action_forms import _initial

        data = draft(
            "bylaws", "amend_bylaws", buyin_amount="1,200.00", buyin_payment="instalments",
            buyin_monthly_max="100",
        )  # fmt: skip
        proposal = saved(signed_in(client, member), member.cooperative, data)
        assert proposal.action_payload == {
            "buyin": {"amount": "1200.00", "payment": "instalments", "monthly_max": "100"}
        }
        initial = _initial("amend_bylaws", proposal.action_payload)
        assert initial["amend_bylaws__buyin_amount"] == Decimal("1200.00")
        assert initial["amend_bylaws__buyin_payment"] == "instalments"
        edit = client.get(f"/c/{member.cooperative.slug}/proposals/{proposal.pk}/edit/")
        field = re.search(
            r'<input[^>]*name="amend_bylaws__buyin_amount"[^>]*>', edit.content.decode()
        )
        assert field and 'value="1200"' in field.group(0), field  # a number, not JSON text

    def test_shares_at_a_nominal_value_in_spanish(self, client, member, settings):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        data = draft(
            "bylaws", "amend_bylaws", buyin_shares="12", buyin_nominal_value="1.000,50",
            buyin_payment="at_once",
        )  # fmt: skip
        proposal = saved(signed_in(client, member), member.cooperative, data)
        assert proposal.action_payload == {
            "buyin": {"shares": 12, "nominal_value": "1000.50", "payment": "at_once"}
        }

    @pytest.mark.parametrize(
        ("bylaws", "fields", "term", "words"),
        [
            (None, {"amount": "0"}, "amount", "more than 0, with at most 2 decimals"),
            (None, {"amount": "12.345"}, "amount", "at most 2 decimals"),
            (None, {"payment": "at_once"}, "amount", "either an amount"),
            (
                None,
                {"amount": "100.00", "shares": "2", "nominal_value": "50.00"},
                "amount",
                "fill in one of the two, not both",
            ),
            (None, {"shares": "0", "nominal_value": "10.00"}, "shares", "whole number from 1"),
            (None, {"shares": "100001", "nominal_value": "1.00"}, "shares", "1 to 100,000"),
            (None, {"shares": "3"}, "nominal_value", "needed for a buy-in in shares"),
            (None, {"shares": "3", "nominal_value": "0"}, "nominal_value", "more than 0"),
            (
                {"amount": "1200.00"},
                {"payment": "instalments"},
                "monthly_max",
                "needed for a buy-in paid in instalments",
            ),
            (
                {"amount": "1200.00"},
                {"payment": "instalments", "monthly_max": "-5"},
                "monthly_max",
                "the most a month may take: more than 0",
            ),
            (
                {"amount": "1200.00"},
                {"monthly_max": "100.00"},
                "monthly_max",
                "only for a buy-in paid in instalments; this one is paid at once",
            ),
        ],
    )
    def test_each_mistake_next_to_its_field(self, client, member, bylaws, fields, term, words):
        cooperative = member.cooperative
        cooperative.bylaws = {**cooperative.bylaws, "buyin": bylaws}
        cooperative.save()
        data = draft("bylaws", "amend_bylaws", **{f"buyin_{k}": v for k, v in fields.items()})
        response = signed_in(client, member).post(new(cooperative), data)
        assert response.status_code == 400
        errors = self.errors_of(response.content.decode(), term)
        assert len(errors) == 1 and words in errors[0], errors
        assert not Proposal.objects.exists()

    def test_a_payment_the_form_does_not_offer(self, client, member):
        data = draft("bylaws", "amend_bylaws", buyin_amount="100.00", buyin_payment="monthly")
        response = signed_in(client, member).post(new(member.cooperative), data)
        assert response.status_code == 400
        assert "Select a valid choice" in " ".join(
            self.errors_of(response.content.decode(), "payment")
        )

    def test_naming_one_term_keeps_the_others_and_passing_changes_the_bylaws(
        self, client, member, clock
    ):
        from governance import services

        cooperative = member.cooperative
        cooperative.bylaws = {**cooperative.bylaws, "buyin": self.INSTALMENTS}
        cooperative.save()
        voters = [member, *(MemberFactory(cooperative=cooperative) for _n in range(2))]
        data = draft("bylaws", "amend_bylaws", buyin_monthly_max="150.00")
        proposal = saved(signed_in(client, member), cooperative, data)
        assert proposal.action_payload == {"buyin": {"monthly_max": "150.00"}}
        proposal = services.open_proposal(actor=member, proposal=proposal)
        clock.set(proposal.opens_at)
        services.sweep()
        proposal.refresh_from_db()
        for voter in voters:
            services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
        clock.set(proposal.closes_at)
        services.sweep()
        proposal.refresh_from_db()
        assert proposal.result == "passed", proposal.result
        cooperative.refresh_from_db()
        assert cooperative.bylaws["buyin"] == {**self.INSTALMENTS, "monthly_max": "150.00"}

    def test_shares_instead_of_an_amount_and_at_once_drops_the_monthly_maximum(self):
        from governance.actions.bylaws import _amended

        before = {"buyin": self.INSTALMENTS, "spending_limit": "500"}
        amendment = {"buyin": {"shares": 12, "nominal_value": "100.00", "payment": "at_once"}}
        assert _amended(before, amendment) == {
            "buyin": {"shares": 12, "nominal_value": "100.00", "payment": "at_once"},
            "spending_limit": "500",
        }
        shares = {"buyin": {"shares": 12, "nominal_value": "100.00"}}
        assert _amended(shares, {"buyin": {"amount": "900.00"}}) == {"buyin": {"amount": "900.00"}}
        assert _amended(before, {"buyin": None})["buyin"] is None  # no buy-in any more
        assert _amended({}, {"buyin": {"amount": "5.00"}}) == {"buyin": {"amount": "5.00"}}
