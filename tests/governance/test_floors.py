"""The bylaws floors: a proposal may be stricter than its kind's floors, never looser; actions
re-check them when they run; voting closes early only when it may; only a bylaws vote moves them."""

import datetime
from fractions import Fraction

import pytest
from django.urls import reverse

from coop import services as coop_services
from coop.bylaws import DEFAULT_BYLAWS, floors_of
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import Cooperative
from governance import services
from governance.actions import registry
from governance.floors import applies_threshold
from governance.models import EligibleVoter, Proposal, State
from tests.conftest import as_member
from tests.factories import MemberFactory, ProposalFactory
from tests.governance.fixtures import close_on_time

pytestmark = pytest.mark.django_db

POWER = ["admin", "treasurer", "secretary"]


@pytest.fixture
def attacker(cooperative):
    return MemberFactory(cooperative=cooperative)


@pytest.fixture
def others(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(4)]


def proposals_url(cooperative, path=""):
    return f"/api/v1/coops/{cooperative.slug}/proposals/{path}"


def iso(when):
    return when.isoformat()


def attack(attacker, now, **changes):
    """The terms of the attack seen on main: a membership proposal granting the author every
    role, decided by majority with a quorum and threshold of one in a million, within an hour."""
    return {
        "title": "Tidy up the roles",
        "kind": "membership",
        "method": "majority",
        "quorum": "1/1000000",
        "threshold": "1/1000000",
        "opens_at": iso(now + datetime.timedelta(minutes=1)),
        "closes_at": iso(now + datetime.timedelta(hours=1)),
        "action": "change_member_roles",
        "action_payload": {"member": attacker.pk, "roles": POWER},
        **changes,
    }


# The attack ------------------------------------------------------------------------------------


def test_the_role_grab_is_refused_at_draft_through_the_api(api, attacker, others, now):
    response = as_member(api, attacker).post(
        proposals_url(attacker.cooperative), attack(attacker, now), format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["quorum"] == [
        "The bylaws require a quorum of at least 1/2 for membership proposals."
    ]
    assert errors["threshold"] == [
        "The bylaws require a threshold of at least 2/3 for membership proposals."
    ]
    assert errors["method"] == [
        "The bylaws require a threshold of at least 2/3 for membership proposals, which "
        "majority does not apply: choose supermajority or consensus."
    ]
    assert "at least 2 days of discussion" in errors["opens_at"][0]
    assert "at least 5 days of voting" in errors["closes_at"][0]
    assert not Proposal.objects.exists()


def test_a_quorum_of_zero_is_refused_where_the_floor_is_higher(api, attacker, now):
    opens = now + datetime.timedelta(days=3)
    terms = attack(
        attacker, now, method="supermajority", quorum="0", threshold="2/3",
        opens_at=iso(opens), closes_at=iso(opens + datetime.timedelta(days=7)),
    )  # fmt: skip
    response = as_member(api, attacker).post(
        proposals_url(attacker.cooperative), terms, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["quorum"]
    assert "quorum of at least 1/2" in response.json()["errors"]["quorum"][0]


def test_under_the_floors_one_agree_against_four_disagrees_grants_nothing(
    api, attacker, others, now, clock
):
    """The same grab drafted as the floors allow is decided by the members: it fails."""
    opens = now + datetime.timedelta(days=2)
    terms = attack(
        attacker, now, method="supermajority", quorum="1/2", threshold="2/3",
        opens_at=iso(opens), closes_at=iso(opens + datetime.timedelta(days=5)),
    )  # fmt: skip
    client = as_member(api, attacker)
    created = client.post(proposals_url(attacker.cooperative), terms, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client.post(proposals_url(attacker.cooperative, f"{pk}/open/")).status_code == 200
    clock.set(opens)
    services.sweep()
    for voter, choice in [(attacker, "agree")] + [(other, "disagree") for other in others]:
        response = as_member(api, voter).post(
            proposals_url(attacker.cooperative, f"{pk}/vote/"), {"choice": choice}, format="json"
        )
        assert response.status_code == 200
    proposal = Proposal.objects.get(pk=pk)
    assert (proposal.state, proposal.result) == (State.CLOSED, "rejected")
    attacker.refresh_from_db()
    assert attacker.roles == []


# The re-check when an action runs ---------------------------------------------------------------


def _written_in_the_database(attacker, voters, now, **fields):
    """A proposal that never went through the services: loose terms, already in voting."""
    proposal = ProposalFactory(
        author=attacker,
        title="Tidy up the roles",
        kind="membership",
        method="consent",
        quorum="1/1000000",
        threshold="1/1000000",
        opens_at=now,
        closes_at=now + datetime.timedelta(hours=1),
        action="change_member_roles",
        action_payload={"member": attacker.pk, "roles": POWER},
        state=State.VOTING,
        eligible_count=len(voters),
        voting_opened_at=now,
        **fields,
    )
    EligibleVoter.objects.bulk_create(EligibleVoter(proposal=proposal, member=m) for m in voters)
    return proposal


def test_an_action_refuses_to_run_from_a_proposal_below_the_floors(attacker, others, now):
    proposal = _written_in_the_database(attacker, [attacker, *others], now)
    services.cast_vote(actor=attacker, proposal=proposal, ballot={"choice": "agree"})
    for other in others:  # consent: disagreeing without a block lets it pass
        services.cast_vote(actor=other, proposal=proposal, ballot={"choice": "disagree"})
    proposal.refresh_from_db()
    assert (proposal.state, proposal.result) == (State.CLOSED, "passed")
    assert proposal.action_error.startswith("Not carried out: the proposal did not meet")
    for reason in [
        "a threshold of at least 2/3 for membership proposals",
        "which consent does not",
        "at least 2 days of discussion",
        "at least 5 days of voting",
    ]:
        assert reason in proposal.action_error
    attacker.refresh_from_db()
    assert attacker.roles == []
    verbs = list(attacker.cooperative.audit_events.values_list("verb", flat=True))
    assert "action.failed" in verbs and "action.change_member_roles" not in verbs


def test_the_recheck_reads_the_count_not_only_the_terms(attacker, others, now):
    """Terms that look right, and a count that does not meet them (1 agree of 5)."""
    proposal = _written_in_the_database(
        attacker, [attacker, *others], now - datetime.timedelta(days=10),
        discussion_starts_at=now - datetime.timedelta(days=13),
    )  # fmt: skip
    Proposal.objects.filter(pk=proposal.pk).update(
        method="supermajority", quorum="1/2", threshold="2/3",
        closes_at=now - datetime.timedelta(days=4),
        state=State.CLOSED, result="passed", closed_at=now - datetime.timedelta(days=4),
        tally={
            "result": {"eligible": 5, "turnout": "5", "counts": {
                "agree": "1", "abstain": "0", "disagree": "4", "block": "0"}},
            "ballot_file": {"ballots": [{}] * 5}, "early": False,
        },
    )  # fmt: skip
    proposal.refresh_from_db()
    with pytest.raises(NotAllowed, match="a threshold of at least 2/3"):
        registry.get("change_member_roles").execute(
            attacker.cooperative, proposal.action_payload, proposal
        )


def secretary_role(member):
    return {"member": member.pk, "roles": ["secretary"]}


def test_an_action_runs_only_from_its_own_kind(attacker, others, make_proposal):
    general = make_proposal(attacker, title="Anything")
    with pytest.raises(NotAllowed, match="runs only from a proposal of kind membership"):
        registry.get("change_member_roles").execute(
            attacker.cooperative, {"member": attacker.pk, "roles": POWER}, general
        )
    with pytest.raises(NotAllowed, match="Only a passed proposal"):
        registry.get("change_member_roles").execute(
            attacker.cooperative, {"member": attacker.pk, "roles": POWER}, None
        )
    attacker.refresh_from_db()
    assert attacker.roles == []


def test_payroll_actions_are_guarded_too(attacker, make_proposal):
    general = make_proposal(attacker, title="Anything")
    for name in ["approve_distribution", "approve_expense", "adopt_distribution_policy"]:
        with pytest.raises(NotAllowed, match="runs only from a proposal of kind"):
            registry.get(name).execute(attacker.cooperative, {}, general)


def test_a_proposal_that_met_the_floors_carries_out_its_action(
    cooperative, attacker, others, make_proposal
):
    proposal = make_proposal(
        others[0], kind="membership", method="supermajority",
        action="change_member_roles", action_payload=secretary_role(attacker),
    )  # fmt: skip
    for voter in [attacker, *others]:
        services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
    proposal.refresh_from_db()
    assert proposal.result == "passed" and proposal.action_error == ""
    attacker.refresh_from_db()
    assert attacker.roles == ["secretary"]


def test_raised_floors_stop_an_action_drafted_under_the_old_ones(
    cooperative, attacker, others, make_proposal
):
    proposal = make_proposal(
        others[0], kind="membership", method="supermajority",
        action="change_member_roles", action_payload=secretary_role(attacker),
    )  # fmt: skip
    # the members raised the floor while this vote was under way (set here as a bylaws vote would)
    Cooperative.objects.filter(pk=cooperative.pk).update(
        bylaws={"floors": {"membership": {"threshold": "5/6"}}}
    )
    for voter, choice in zip([attacker, *others], ["agree"] * 4 + ["disagree"], strict=True):
        services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": choice})
    proposal.refresh_from_db()
    assert proposal.result == "passed"  # 4 of 5 meets its own 2/3, not the new floor of 5/6
    assert "a threshold of at least 5/6 for membership proposals" in proposal.action_error
    attacker.refresh_from_db()
    assert attacker.roles == []


# Each floor, through the API ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quorum": "1/3"}, "quorum", "a quorum of at least 1/2 for policy proposals"),
        ({"threshold": "3/5"}, "threshold", "a threshold of at least 2/3 for policy proposals"),
        ({"method": "majority", "threshold": ""}, "method", "which majority does not apply"),
        ({"method": "consent", "threshold": ""}, "method", "which consent does not apply"),
        (
            {"method": "schulze", "options": ["A", "B"], "threshold": ""},
            "method", "which schulze does not apply",
        ),
        ({"opens_in_hours": 47}, "opens_at", "at least 2 days of discussion for policy"),
        ({"voting_hours": 119}, "closes_at", "at least 5 days of voting for policy"),
    ],
)  # fmt: skip
def test_the_api_names_the_field_and_the_floor(api, member, now, changes, field, message):
    changes = dict(changes)
    opens = now + datetime.timedelta(hours=changes.pop("opens_in_hours", 48))
    closes = opens + datetime.timedelta(hours=changes.pop("voting_hours", 120))
    terms = {
        "title": "A four-day week", "kind": "policy", "method": "supermajority",
        "opens_at": iso(opens), "closes_at": iso(closes), **changes,
    }  # fmt: skip
    response = as_member(api, member).post(proposals_url(member.cooperative), terms, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert message in errors[field][0]


def test_the_floors_themselves_pass_through_the_api(api, member, now):
    """Exactly the floors is allowed, and so is anything stricter."""
    opens = now + datetime.timedelta(hours=48)
    for quorum, threshold, voting in [("1/2", "2/3", 120), ("3/4", "4/5", 240)]:
        terms = {
            "title": "A four-day week", "kind": "policy", "method": "supermajority",
            "quorum": quorum, "threshold": threshold, "opens_at": iso(opens),
            "closes_at": iso(opens + datetime.timedelta(hours=voting)),
        }  # fmt: skip
        response = as_member(api, member).post(
            proposals_url(member.cooperative), terms, format="json"
        )
        assert response.status_code == 201, response.json()


def test_changing_a_draft_through_the_api_keeps_the_floors(api, member, now, make_proposal):
    draft = make_proposal(member, start=False, kind="policy", method="supermajority")
    response = as_member(api, member).patch(
        proposals_url(member.cooperative, f"{draft.pk}/"), {"quorum": "0"}, format="json"
    )
    assert response.status_code == 400
    assert "a quorum of at least 1/2 for policy" in response.json()["errors"]["quorum"][0]


def test_a_consent_or_option_vote_cannot_carry_an_action(member, make_proposal):
    applicant = MemberFactory(cooperative=member.cooperative, status="applicant")
    with pytest.raises(InvalidInput) as error:
        make_proposal(
            member, start=False, kind="spending", method="consent", action="approve_expense",
            action_payload={"expense": 1},
        )  # fmt: skip
    assert error.value.field in ("method", "action_payload.expense")
    with pytest.raises(InvalidInput) as error:
        make_proposal(
            member, start=False, kind="membership", method="consensus", action="admit_member",
            action_payload={"member": applicant.pk}, quorum="1/3",
        )  # fmt: skip
    assert error.value.field == "quorum"


def test_which_methods_apply_a_threshold():
    assert applies_threshold("supermajority", Fraction(9, 10))
    assert applies_threshold("consensus", Fraction(1))
    assert applies_threshold("majority", Fraction(1, 2))
    assert not applies_threshold("majority", Fraction(2, 3))
    assert not applies_threshold("consent", Fraction(1, 2))
    assert not applies_threshold("approval", Fraction(1, 2))
    assert applies_threshold("score", Fraction(0))


# Closing early ----------------------------------------------------------------------------------


def test_a_secretary_closes_early_only_after_the_minimum_voting_period(
    api, secretary, member, make_proposal, voting_floor_passed, clock
):
    proposal = make_proposal(member, kind="policy", method="supermajority")
    url = proposals_url(member.cooperative, f"{proposal.pk}/close/")
    clock.advance(datetime.timedelta(days=4, hours=23))
    too_soon = as_member(api, secretary).post(url)
    assert too_soon.status_code == 409
    assert "at least 5 days of voting for policy proposals" in too_soon.json()["detail"]
    assert "when every eligible member has voted" in too_soon.json()["detail"]
    voting_floor_passed(proposal)
    assert as_member(api, secretary).post(url).status_code == 200


def test_the_system_does_not_close_early_either(member, make_proposal):
    proposal = make_proposal(member)
    with pytest.raises(StateConflict, match="at least 2 days of voting"):
        services.close_proposal(proposal=proposal, actor=None)
    close_on_time(proposal)  # at the end of voting it closes, however few voted
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED


def test_everyone_having_voted_closes_at_once(member, others, make_proposal):
    proposal = make_proposal(member, kind="bylaws", method="supermajority")
    for voter in [member, *others]:
        services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED and proposal.tally["early"] is True


def test_withdrawing_is_possible_at_any_time(api, member, make_proposal):
    proposal = make_proposal(member, kind="membership", method="supermajority")
    response = as_member(api, member).post(
        proposals_url(member.cooperative, f"{proposal.pk}/withdraw/")
    )
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"


# Who moves the floors -----------------------------------------------------------------------


def test_admins_cannot_change_the_floors_through_the_api(api, admin_member):
    cooperative = admin_member.cooperative
    url = f"/api/v1/coops/{cooperative.slug}/"
    lower = {"floors": {"membership": {"quorum": "0", "threshold": "0"}}}
    response = as_member(api, admin_member).patch(url, {"bylaws": lower}, format="json")
    assert response.status_code == 400
    assert "change only through a passed bylaws proposal" in response.json()["errors"]["bylaws"][0]
    cooperative.refresh_from_db()
    assert floors_of(cooperative.bylaws, "membership").quorum == Fraction(1, 2)
    # the other settings stay theirs to change, floors as they are
    same_floors = {**cooperative.bylaws, "spending_limit": "2000.00"}
    response = as_member(api, admin_member).patch(url, {"bylaws": same_floors}, format="json")
    assert response.status_code == 200
    assert response.json()["bylaws"]["spending_limit"] == "2000.00"


def test_no_service_changes_the_floors_without_a_bylaws_vote(cooperative, make_proposal, member):
    lower = {"floors": {"bylaws": {"quorum": "1/100"}}}
    with pytest.raises(InvalidInput, match="passed bylaws proposal"):
        coop_services.update_cooperative(cooperative=cooperative, actor=None, bylaws=lower)
    general = make_proposal(member)
    with pytest.raises(NotAllowed, match="passed bylaws proposal"):
        coop_services.amend_bylaws(cooperative=cooperative, bylaws=lower, proposal=general)


def test_admins_cannot_change_the_floors_in_the_django_admin(client, admin_member):
    cooperative = admin_member.cooperative
    admin_member.user.is_staff = admin_member.user.is_superuser = True
    admin_member.user.save()
    client.force_login(admin_member.user)
    url = reverse("admin:coop_cooperative_change", args=[cooperative.pk])
    form = {
        "name": cooperative.name, "slug": cooperative.slug, "currency": cooperative.currency,
        "time_zone": cooperative.time_zone, "founded_on": "", "legal_name": "", "iban": "",
        "bic": "", "legal_profile": "generic",
        "bylaws": '{"floors": {"membership": {"quorum": "0"}}}',
    }  # fmt: skip
    response = client.post(url, form)
    assert response.status_code == 200  # the form again, with the error
    assert "change only through a passed bylaws proposal" in response.content.decode()
    cooperative.refresh_from_db()
    assert floors_of(cooperative.bylaws, "membership").quorum == Fraction(1, 2)
    form["bylaws"] = '{"spending_limit": "500.00"}'
    assert client.post(url, form).status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.bylaws == {"spending_limit": "500.00"}


def test_a_passed_bylaws_proposal_moves_the_floors(cooperative, member, others, make_proposal):
    proposal = make_proposal(
        member, kind="bylaws", method="supermajority", action="amend_bylaws",
        action_payload={"floors": {"general": {"discussion_hours": 72}}},
    )  # fmt: skip
    for voter in [member, *others]:
        services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
    cooperative.refresh_from_db()
    assert floors_of(cooperative.bylaws, "general").discussion == datetime.timedelta(hours=72)
    event = cooperative.audit_events.filter(verb="cooperative.bylaws_amended").get()
    assert event.data["proposal"] == proposal.pk


def test_the_default_floors(cooperative):
    assert DEFAULT_BYLAWS["floors"]["membership"]["discussion_hours"] == 48
    for kind in ("membership", "policy", "bylaws"):
        floors = floors_of(cooperative.bylaws, kind)
        assert (floors.discussion, floors.voting) == (
            datetime.timedelta(days=2), datetime.timedelta(days=5)
        )  # fmt: skip
    general = floors_of(cooperative.bylaws, "general")
    assert general.discussion < datetime.timedelta(days=2)
    assert general.voting < datetime.timedelta(days=5)


def test_the_migration_turns_the_old_defaults_into_floors(cooperative):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("coop.migrations.0007_bylaws_floors")
    old = {"proposal_defaults": {"general": {"quorum": "2/3"}}, "spending_limit": "50.00"}
    Cooperative.objects.filter(pk=cooperative.pk).update(bylaws=old)
    migration.to_floors(apps, None)
    cooperative.refresh_from_db()
    assert cooperative.bylaws == {
        "floors": {"general": {"quorum": "2/3"}},
        "spending_limit": "50.00",
    }
    assert floors_of(cooperative.bylaws, "general").quorum == Fraction(2, 3)
    migration.to_defaults(apps, None)
    cooperative.refresh_from_db()
    assert cooperative.bylaws == old


def test_payroll_services_check_the_proposal_they_are_given(cooperative, treasurer, make_proposal):
    from payroll.services import policies

    general = make_proposal(treasurer, title="Anything")
    with pytest.raises(NotAllowed, match="runs only from a proposal of kind policy"):
        policies.adopt_policy(actor=None, cooperative=cooperative, proposal=general)
