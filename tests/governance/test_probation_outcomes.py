"""The end of a probation decided by a single-choice vote among admit, extend and end: only the
winning option's outcome runs, a tie or no quorum or a short winner leaves the member on
probation, and the draft cannot be turned to another member or swapped once voting opens."""

import datetime
import zoneinfo
from fractions import Fraction

import pytest

from coop.errors import InvalidInput, NotAllowed, StateConflict
from governance import services as governance
from governance import tasks as governance_tasks
from governance.actions import registry
from governance.methods import tally_ballot_file
from governance.models import Proposal
from payroll.models import Settlement
from tests.conftest import as_member
from tests.factories import MemberFactory
from tests.probation import ADMIT, END, ENDS, EXTEND, at, put_on_probation
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_probation(clock, cooperative):
    return put_on_probation(clock, cooperative)


@pytest.fixture
def voters(secretary):
    """Six voting members: the secretary and five more."""
    others = [MemberFactory(cooperative=secretary.cooperative) for _ in range(5)]
    return [secretary, *others]


@pytest.fixture
def draft(clock, on_probation, voters):
    at(clock, ENDS)
    assert governance_tasks.sweep_probation_reviews() == 1
    return Proposal.objects.get()


def open_vote(clock, proposal: Proposal, secretary) -> Proposal:
    proposal = governance.open_proposal(actor=secretary, proposal=proposal)
    clock.set(proposal.opens_at)
    governance.sweep()
    proposal.refresh_from_db()
    return proposal


def decide(clock, draft, voters, picks: list[int | None]) -> Proposal:
    """Open the review, cast one ballot per pick (an option's index, None: abstain), close."""
    proposal = open_vote(clock, draft, voters[0])
    for voter, pick in zip(voters, picks, strict=False):
        option = None if pick is None else proposal.options[pick]
        governance.cast_vote(actor=voter, proposal=proposal, ballot={"option": option})
    clock.set(proposal.closes_at)
    governance.sweep()
    proposal.refresh_from_db()
    return proposal


def local(proposal: Proposal, when: datetime.datetime) -> str:
    """A moment as the proposal form shows it: in the co-op's time zone."""
    return when.astimezone(zoneinfo.ZoneInfo(proposal.cooperative.time_zone)).strftime(
        "%Y-%m-%dT%H:%M"
    )


class TestTheCount:
    TERMS = {"method": "single_choice", "options": ["A", "B", "C"], "eligible": 6}

    def count(self, picks, threshold="2/3", quorum="1/2"):
        ballots = [{"option": pick} for pick in picks]
        document = {**self.TERMS, "quorum": quorum, "threshold": threshold, "ballots": ballots}
        return tally_ballot_file(document)

    def test_the_winner_needs_the_threshold_of_the_votes_given_to_an_option(self):
        # 4 of 6 = 2/3 exactly: passes; abstentions count for the quorum only
        assert self.count(["A", "A", "A", "A", "B", "C"])["outcome"] == "passed"
        assert self.count(["A", "A", "B", None, None])["winners"] == ["A"]
        assert self.count(["A", "A", "A", "B", "C", None])["outcome"] == "rejected"
        assert self.count(["A", "A", "A", "B", "C", None])["winners"] == []

    def test_a_tie_no_quorum_and_nobody_choosing(self):
        assert self.count(["A", "B", "A", "B"], threshold="0")["outcome"] == "tie"
        assert self.count(["A", "A"])["outcome"] == "no_quorum"
        assert self.count([None, None, None])["outcome"] == "rejected"

    def test_a_ballot_names_an_option_or_abstains(self):
        with pytest.raises(ValueError, match="option: one of the options"):
            self.count(["D", "A", "A"])

    def test_the_result_is_exact(self):
        result = self.count(["A", "A", "B"], threshold="1/2")
        assert result["totals"] == {"A": "2", "B": "1", "C": "0"}
        assert Fraction(result["totals"]["A"]) / 3 == Fraction(2, 3)


class TestOutcomes:
    def test_admit(self, clock, draft, voters, on_probation):
        proposal = decide(clock, draft, voters, [ADMIT] * 4 + [EXTEND, END])
        assert (proposal.result, proposal.action_error) == ("passed", "")
        on_probation.refresh_from_db()
        assert on_probation.status == "active"
        event = proposal.cooperative.audit_events.get(verb="action.admit_member")
        assert event.data["effect"] == {"member": on_probation.pk, "outcome": "admit"}

    def test_extend_moves_the_end_and_a_new_reminder_and_review_follow(
        self, clock, draft, voters, on_probation
    ):
        proposal = decide(clock, draft, voters, [EXTEND] * 5 + [ADMIT])
        assert (proposal.result, proposal.action_error) == ("passed", "")
        on_probation.refresh_from_db()
        new_end = datetime.date(2028, 1, 31)
        assert (on_probation.status, on_probation.probation_ends_on) == ("probationary", new_end)
        # the reminder before the new end, then a new review at it
        at(clock, new_end - datetime.timedelta(days=3))
        from coop import tasks as coop_tasks

        assert coop_tasks.sweep_probation_reminders() == 1
        assert governance_tasks.sweep_probation_reviews() == 0
        at(clock, new_end)
        assert governance_tasks.sweep_probation_reviews() == 1
        assert Proposal.objects.count() == 2

    def test_end_records_the_departure_and_what_follows_it(
        self, clock, draft, voters, on_probation
    ):
        proposal = decide(clock, draft, voters, [END] * 6)
        assert (proposal.result, proposal.action_error) == ("passed", "")
        on_probation.refresh_from_db()
        assert on_probation.status == "departed"
        assert on_probation.departed_on is not None
        # the departure's usual path ran: payroll drafted the settlement
        assert Settlement.objects.filter(member=on_probation).exists()

    @pytest.mark.parametrize(
        ("picks", "result"),
        [
            ([ADMIT, ADMIT, END, END, None, None], "tie"),
            ([ADMIT, ADMIT], "no_quorum"),
            ([ADMIT, ADMIT, ADMIT, EXTEND, END, END], "rejected"),  # 1/2 < 2/3
        ],
    )
    def test_undecided_leaves_the_member_on_probation_and_the_page_says_so(
        self, clock, client, draft, voters, on_probation, picks, result
    ):
        proposal = decide(clock, draft, voters, picks)
        assert (proposal.result, proposal.action_error) == (result, "")
        on_probation.refresh_from_db()
        assert (on_probation.status, on_probation.probation_ends_on) == ("probationary", ENDS)
        html = (
            signed_in(client, voters[1])
            .get(f"/c/{proposal.cooperative.slug}/proposals/{proposal.pk}/")
            .content.decode()
        )
        assert f"No outcome was chosen, so {on_probation.display_name} stays on probation" in html

    def test_the_secretary_changes_the_extension_before_the_vote(
        self, clock, draft, voters, on_probation
    ):
        payload = {**draft.action_payload, "extend_months": 3}
        changed = governance.update_draft(actor=voters[0], proposal=draft, action_payload=payload)
        name = on_probation.display_name
        assert changed.options[EXTEND] == f"Extend the probation of {name} by 3 months"
        assert changed.action_payload["extend_months"] == 3
        decide(clock, changed, voters, [EXTEND] * 6)
        on_probation.refresh_from_db()
        assert on_probation.probation_ends_on == datetime.date(2027, 10, 31)


class TestGuards:
    def test_no_outcome_can_be_swapped_once_the_vote_opens(self, clock, draft, voters):
        proposal = open_vote(clock, draft, voters[0])
        swapped = dict(zip(proposal.options, ["end", "extend", "admit"], strict=True))
        with pytest.raises(StateConflict):
            governance.update_draft(
                actor=voters[0],
                proposal=proposal,
                action_payload={**proposal.action_payload, "outcomes": swapped},
            )

    def test_a_payload_naming_another_member_is_refused(self, clock, draft, voters, cooperative):
        other = MemberFactory(
            cooperative=cooperative, status="probationary", probation_ends_on=ENDS
        )
        with pytest.raises(InvalidInput) as refused:
            governance.update_draft(
                actor=voters[0],
                proposal=draft,
                action_payload={"member": other.pk, "outcomes": ["admit", "extend", "end"]},
            )
        assert refused.value.field == "action_payload.member"
        # nor an active member on a proposal drafted by hand
        with pytest.raises(InvalidInput, match="not on probation") as refused:
            governance.create_proposal(
                actor=voters[0],
                title="End",
                kind="membership",
                method="single_choice",
                opens_at=draft.opens_at,
                closes_at=draft.closes_at,
                action="admit_member",
                action_payload={"member": voters[1].pk, "outcomes": ["admit", "extend", "end"]},
            )
        assert refused.value.field == "action_payload.member"

    def test_the_executor_refuses_another_members_review(self, clock, draft, voters, cooperative):
        proposal = decide(clock, draft, voters, [ADMIT] * 6)
        other = MemberFactory(
            cooperative=cooperative, status="probationary", probation_ends_on=ENDS
        )
        action = registry.get("admit_member")
        payload = {**proposal.action_payload, "member": other.pk}
        with pytest.raises(NotAllowed, match="another member"):
            action.execute(cooperative, payload, proposal)
        other.refresh_from_db()
        assert other.status == "probationary"

    def test_a_count_that_falls_short_of_the_threshold_runs_nothing(
        self, clock, draft, voters, cooperative, on_probation
    ):
        """A result written outside the count (passed, with the winner at 1/2) is refused again
        by the floors when the action runs: the winner's share is read from the totals."""
        proposal = decide(clock, draft, voters, [ADMIT] * 3 + [None] * 3)
        on_probation.refresh_from_db()
        assert on_probation.status == "active"  # 3 of 3 votes given to an option
        result = proposal.tally["result"]
        result["totals"] = {**result["totals"], proposal.options[END]: "3"}
        with pytest.raises(NotAllowed, match="floors"):
            registry.get("admit_member").execute(cooperative, proposal.action_payload, proposal)

    def test_the_ballot_file_recounts_the_same(self, clock, draft, voters):
        proposal = decide(clock, draft, voters, [EXTEND] * 4 + [END, None])
        document = proposal.tally["ballot_file"]
        assert tally_ballot_file(document) == proposal.tally["result"]

    def test_a_secret_review_counts_alike(self, clock, draft, voters, on_probation):
        secret = governance.update_draft(actor=voters[0], proposal=draft, secret=True)
        proposal = decide(clock, secret, voters, [END] * 5 + [None])
        assert (proposal.result, proposal.action_error) == ("passed", "")
        on_probation.refresh_from_db()
        assert on_probation.status == "departed"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"method": "supermajority", "options": []}, "method"),
            ({"options": ["Yes", "No", "Maybe"]}, "options"),
            ({"action_payload": {"outcomes": ["admit", "admit", "end"]}}, "outcomes"),
            ({"action_payload": {"extend_months": 0}}, "extend_months"),
            ({"action_payload": {"extend_months": "six"}}, "extend_months"),
            ({"action_payload": {"probation_ends_on": "2027-08-31"}}, "probation_ends_on"),
        ],
    )
    def test_a_bad_draft_is_refused_naming_the_field(self, draft, voters, change, field):
        if "action_payload" in change:
            change = {"action_payload": {**draft.action_payload, **change["action_payload"]}}
        with pytest.raises(InvalidInput) as refused:
            governance.update_draft(actor=voters[0], proposal=draft, **change)
        assert refused.value.field.endswith(field)


class TestSurfaces:
    def test_the_api_refuses_a_bad_extension_naming_the_field(self, api, draft, voters):
        url = f"/api/v1/coops/{draft.cooperative.slug}/proposals/{draft.pk}/"
        payload = {**draft.action_payload, "extend_months": 61}
        response = as_member(api, voters[0]).patch(url, {"action_payload": payload}, format="json")
        assert response.status_code == 400
        assert "action_payload.extend_months" in response.json()["errors"]
        response = api.patch(
            url, {"action_payload": {**draft.action_payload, "extend_months": 2}}, format="json"
        )
        assert response.status_code == 200
        assert "by 2 months" in response.json()["options"][EXTEND]

    def test_a_member_sees_and_votes_the_three_options_on_the_page(
        self, clock, client, draft, voters, on_probation
    ):
        proposal = open_vote(clock, draft, voters[0])
        client = signed_in(client, voters[1])
        html = client.get(f"/c/{proposal.cooperative.slug}/proposals/{proposal.pk}/").content
        html = html.decode()
        for option in proposal.options:
            assert f'value="{option}"' in html and option in html
        assert "Abstain" in html
        vote = f"/c/{proposal.cooperative.slug}/proposals/{proposal.pk}/vote/"
        assert client.post(vote, {}).status_code == 400  # nothing ticked
        response = client.post(vote, {"option": proposal.options[END]})
        assert response.status_code == 302
        assert proposal.ballots.get(member=voters[1]).content == {"option": proposal.options[END]}
        for voter in voters[2:]:
            governance.cast_vote(actor=voter, proposal=proposal, ballot={"option": None})
        assert proposal.ballots.get(member=voters[2]).content == {"option": None}

    def test_the_edit_page_changes_the_extension(self, client, draft, voters, on_probation):
        client = signed_in(client, voters[0])
        edit = f"/c/{draft.cooperative.slug}/proposals/{draft.pk}/edit/"
        html = client.get(edit).content.decode()
        assert 'name="admit_member__extend_months"' in html
        form = {
            "title": draft.title,
            "body": draft.body,
            "kind": "membership",
            "method": "single_choice",
            "options": "\n".join(draft.options),
            "seats": "1",
            "quorum": draft.quorum,
            "threshold": draft.threshold,
            "allow_early_close": "on",
            "opens_at": local(draft, draft.opens_at),
            "closes_at": local(draft, draft.closes_at),
            "action": "admit_member",
            "admit_member__member": str(on_probation.pk),
            "admit_member__extend_months": "4",
        }
        response = client.post(edit, form)
        assert response.status_code == 302, response.content.decode()[:3000]
        draft.refresh_from_db()
        assert draft.action_payload["extend_months"] == 4
        assert "by 4 months" in draft.options[EXTEND]
        form["admit_member__extend_months"] = "99"
        response = client.post(edit, form)
        assert response.status_code == 400
        assert "An extension is a whole number of months" in response.content.decode()
