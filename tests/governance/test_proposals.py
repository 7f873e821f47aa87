"""The proposal lifecycle, eligibility, ballots, secrecy, delegation, closing and actions."""

import datetime
import functools
import io

import pytest
from django.core import mail
from django.core.management import call_command
from pypdf import PdfReader

from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import Member
from governance import selectors, services
from governance.models import (
    Ballot,
    EligibleVoter,
    Proposal,
    SealedBallotBox,
    SecretBallot,
    State,
    VoterRoll,
)
from governance.tasks import send_reminder, sweep_proposals
from tests.concurrency import at_once
from tests.factories import MemberFactory
from tests.governance.ballot_boxes import unsealed
from tests.governance.fixtures import close_on_time


@pytest.fixture
def members(cooperative):
    return [MemberFactory(cooperative=cooperative) for _ in range(4)]


@pytest.mark.django_db
class TestDrafting:
    def test_defaults_are_the_floors_of_the_kind(self, member, make_proposal):
        proposal = make_proposal(member, start=False, kind="bylaws", method="supermajority")
        assert (proposal.quorum, proposal.threshold) == ("2/3", "3/4")
        assert proposal.state == State.DRAFT

    def test_supermajority_defaults_to_two_thirds(self, member, make_proposal):
        proposal = make_proposal(member, start=False, method="supermajority")
        assert proposal.threshold == "2/3"

    def test_fractions_are_normalized(self, member, make_proposal):
        proposal = make_proposal(
            member, start=False, method="supermajority", quorum="0.75", threshold="4/6"
        )
        assert (proposal.quorum, proposal.threshold) == ("3/4", "2/3")

    @pytest.mark.parametrize(
        ("fields", "field", "fragment"),
        [
            ({"quorum": "3/2"}, "quorum", "between 0 and 1"),
            ({"threshold": "two thirds"}, "threshold", "is not a fraction"),
            ({"method": "schulze", "options": ["A"]}, "options", "at least two"),
            ({"method": "schulze", "options": ["A", "a"]}, "options", "same name"),
            ({"options": ["A", "B"]}, "options", "take no options"),
            ({"method": "stv", "options": ["A", "B"], "seats": 2}, "seats", "fewer seats"),
            ({"method": "irv", "options": ["A", "B"], "seats": 2}, "seats", "Only STV"),
            ({"action": "launch_rockets"}, "action", "Unknown action"),
            ({"action": "amend_bylaws", "action_payload": {"x": 1}}, "action", "kind bylaws"),
        ],
    )
    def test_bad_terms_name_the_field(self, member, make_proposal, fields, field, fragment):
        with pytest.raises(InvalidInput) as error:
            make_proposal(member, start=False, **fields)
        assert error.value.field == field
        assert fragment in error.value.message

    def test_closing_before_opening_is_refused(self, member, make_proposal, now):
        with pytest.raises(InvalidInput) as error:
            make_proposal(member, start=False, opens_at=now, closes_at=now)
        assert error.value.field == "closes_at"

    def test_only_drafts_change_and_only_by_author_or_secretary(
        self, member, secretary, make_proposal
    ):
        proposal = make_proposal(member, start=False)
        other = MemberFactory(cooperative=member.cooperative)
        with pytest.raises(NotAllowed):
            services.update_draft(actor=other, proposal=proposal, title="Mine")
        services.update_draft(actor=secretary, proposal=proposal, quorum="2/3")
        services.open_proposal(actor=member, proposal=proposal)
        with pytest.raises(StateConflict, match="Only a draft"):
            services.update_draft(actor=member, proposal=proposal, quorum="0")


@pytest.mark.django_db
class TestEligibilityAndVoting:
    def test_electorate_is_snapshotted_when_voting_opens(self, cooperative, members, make_proposal):
        proposal = make_proposal(members[0])
        assert proposal.state == State.VOTING
        assert proposal.eligible_count == 4
        late = MemberFactory(cooperative=cooperative)
        with pytest.raises(NotAllowed, match="not a voting member"):
            services.cast_vote(actor=late, proposal=proposal, ballot={"choice": "agree"})

    def test_probationary_members_vote_only_if_the_bylaws_say_so(
        self, cooperative, members, make_proposal
    ):
        MemberFactory(cooperative=cooperative, status=Member.Status.PROBATIONARY)
        assert make_proposal(members[0]).eligible_count == 4
        cooperative.bylaws = {**cooperative.bylaws, "probationary_members_vote": True}
        cooperative.save()
        assert make_proposal(members[0]).eligible_count == 5

    def test_open_ballots_can_change_until_close(self, members, make_proposal):
        proposal = make_proposal(members[0])
        services.cast_vote(actor=members[1], proposal=proposal, ballot={"choice": "agree"})
        services.cast_vote(actor=members[1], proposal=proposal, ballot={"choice": "disagree"})
        assert Ballot.objects.get().content == {"choice": "disagree"}

    def test_voting_outside_the_window_is_a_conflict(self, members, make_proposal, now):
        draft = make_proposal(members[0], start=False)
        with pytest.raises(StateConflict):
            services.cast_vote(actor=members[1], proposal=draft, ballot={"choice": "agree"})
        proposal = make_proposal(members[0])
        with pytest.raises(StateConflict):
            services.cast_vote(
                actor=members[1],
                proposal=proposal,
                ballot={"choice": "agree"},
                now=proposal.closes_at,
            )

    def test_a_consent_block_needs_a_reason(self, members, make_proposal):
        proposal = make_proposal(members[0], method="consent")
        with pytest.raises(InvalidInput):
            services.cast_vote(actor=members[1], proposal=proposal, ballot={"choice": "block"})

    def test_early_close_when_everyone_voted(self, members, make_proposal):
        proposal = make_proposal(members[0])
        for member in members:
            services.cast_vote(actor=member, proposal=proposal, ballot={"choice": "agree"})
        proposal.refresh_from_db()
        assert (proposal.state, proposal.result) == (State.CLOSED, "passed")
        assert proposal.tally["early"] is True


@pytest.mark.django_db
class TestSecretBallots:
    def test_voter_and_choice_are_not_linked(self, members, make_proposal):
        proposal = make_proposal(members[0], secret=True, allow_early_close=False)
        receipt = services.cast_vote(
            actor=members[1], proposal=proposal, ballot={"choice": "agree"}
        )
        assert receipt and len(receipt) == 16
        with pytest.raises(StateConflict, match="secret ballots are final"):
            services.cast_vote(actor=members[1], proposal=proposal, ballot={"choice": "disagree"})
        assert VoterRoll.objects.filter(proposal=proposal, member=members[1]).exists()
        # What was voted is sealed until the close, to a key the database does not hold.
        assert unsealed(proposal) == [({"choice": "agree"}, services.receipt_hash(receipt))]
        assert not SecretBallot.objects.exists()
        assert {f.name for f in SealedBallotBox._meta.get_fields()} == {
            "proposal", "salt", "record_size", "ballots"
        }  # fmt: skip
        # `positions` is the content's ranking as places, written from the content alone.
        assert {f.name for f in SecretBallot._meta.get_fields()} == {
            "id", "proposal", "content", "positions", "receipt_hash"
        }  # fmt: skip
        assert {f.name for f in VoterRoll._meta.get_fields()} == {"id", "proposal", "member"}
        assert not Ballot.objects.exists()
        # Nor does the audit log say when: the roll goes to it at close, stamped with the close.
        assert not proposal.cooperative.audit_events.filter(verb="ballot.cast_secret").exists()

    def test_published_file_lists_receipts_not_voters(
        self, members, make_proposal, secretary, voting_floor_passed
    ):
        proposal = make_proposal(members[0], secret=True, allow_early_close=False)
        receipts = [
            services.cast_vote(actor=m, proposal=proposal, ballot={"choice": c})
            for m, c in zip(members[:3], ["agree", "agree", "disagree"], strict=True)
        ]
        voting_floor_passed(proposal)
        services.close_proposal(proposal=proposal, actor=secretary)
        proposal.refresh_from_db()
        ballots = proposal.tally["ballot_file"]["ballots"]
        assert {b["receipt"] for b in ballots} == {services.receipt_hash(r) for r in receipts}
        assert all("member" not in b for b in ballots)


@pytest.mark.django_db
class TestDelegation:
    def test_weight_flows_to_the_first_voter_in_the_chain(self, cooperative, make_proposal):
        a, b, c, d = (MemberFactory(cooperative=cooperative) for _ in range(4))
        services.delegate_vote(actor=a, delegate=b)
        services.delegate_vote(actor=b, delegate=c, kind="general")
        proposal = make_proposal(d, allow_early_close=False)
        services.cast_vote(actor=c, proposal=proposal, ballot={"choice": "agree"})
        services.cast_vote(actor=d, proposal=proposal, ballot={"choice": "disagree"})
        close_on_time(proposal)
        proposal.refresh_from_db()
        ballots = {b["member"]: b for b in proposal.tally["ballot_file"]["ballots"]}
        assert ballots[c.user.email]["weight"] == "3"
        assert "weight" not in ballots[d.user.email]
        assert proposal.result == "passed"  # 3 agree > 1 disagree

    def test_a_direct_vote_overrides_the_delegation(self, cooperative, make_proposal):
        a, b = (MemberFactory(cooperative=cooperative) for _ in range(2))
        services.delegate_vote(actor=a, delegate=b)
        proposal = make_proposal(a, allow_early_close=False)
        services.cast_vote(actor=a, proposal=proposal, ballot={"choice": "disagree"})
        services.cast_vote(actor=b, proposal=proposal, ballot={"choice": "agree"})
        close_on_time(proposal)
        proposal.refresh_from_db()
        assert proposal.result == "rejected"  # 1 agree, 1 disagree

    def test_cycles_count_for_no_one(self, cooperative, make_proposal):
        a, b, c = (MemberFactory(cooperative=cooperative) for _ in range(3))
        services.delegate_vote(actor=a, delegate=b)
        services.delegate_vote(actor=b, delegate=a)
        proposal = make_proposal(c, allow_early_close=False)
        services.cast_vote(actor=c, proposal=proposal, ballot={"choice": "agree"})
        close_on_time(proposal)
        proposal.refresh_from_db()
        assert proposal.tally["ballot_file"]["ballots"] == [
            {"choice": "agree", "member": c.user.email}
        ]

    def test_per_kind_delegation_beats_the_general_one(self, cooperative, make_proposal):
        a, b, c = (MemberFactory(cooperative=cooperative) for _ in range(3))
        services.delegate_vote(actor=a, delegate=b)
        services.delegate_vote(actor=a, delegate=c, kind="spending")
        proposal = make_proposal(b, kind="spending", allow_early_close=False)
        assert selectors.delegations_for(proposal) == {a.pk: c.pk}

    def test_delegation_rules(self, cooperative, outsider):
        a = MemberFactory(cooperative=cooperative)
        with pytest.raises(InvalidInput, match="yourself"):
            services.delegate_vote(actor=a, delegate=a)
        with pytest.raises(InvalidInput, match="member of your co-op"):
            services.delegate_vote(actor=a, delegate=outsider)
        with pytest.raises(StateConflict):
            services.revoke_delegation(actor=a)


@pytest.mark.django_db
class TestClosingAndActions:
    def test_no_quorum(self, members, make_proposal, secretary, voting_floor_passed):
        proposal = make_proposal(members[0], quorum="1/2")
        services.cast_vote(actor=members[1], proposal=proposal, ballot={"choice": "agree"})
        voting_floor_passed(proposal)
        services.close_proposal(proposal=proposal, actor=secretary)
        proposal.refresh_from_db()
        assert proposal.result == "no_quorum"  # 1 of 5 (4 members + the secretary)

    def test_only_secretaries_close_early_and_closing_twice_is_harmless(
        self, members, make_proposal, secretary, voting_floor_passed
    ):
        proposal = make_proposal(members[0])
        with pytest.raises(NotAllowed):
            services.close_proposal(proposal=proposal, actor=members[1])
        voting_floor_passed(proposal)
        services.close_proposal(proposal=proposal, actor=secretary)
        services.close_proposal(proposal=proposal, actor=secretary)
        assert proposal.cooperative.audit_events.filter(verb="proposal.closed").count() == 1

    def test_admit_member_runs_when_passed(self, cooperative, members, make_proposal):
        applicant = MemberFactory(cooperative=cooperative, status=Member.Status.APPLICANT)
        proposal = make_proposal(
            members[0],
            kind="membership",
            method="supermajority",
            action="admit_member",
            action_payload={"member": applicant.pk, "status": "active"},
        )
        for member in members:
            services.cast_vote(actor=member, proposal=proposal, ballot={"choice": "agree"})
        applicant.refresh_from_db()
        assert applicant.status == "active"
        verbs = list(cooperative.audit_events.values_list("verb", flat=True))
        assert "action.admit_member" in verbs

    def test_a_failing_action_leaves_the_proposal_passed_with_the_error(
        self, client, cooperative, members, make_proposal
    ):
        applicant = MemberFactory(cooperative=cooperative, status=Member.Status.APPLICANT)
        proposal = make_proposal(
            members[0],
            kind="membership",
            method="supermajority",
            action="admit_member",
            action_payload={"member": applicant.pk},
        )
        applicant.status = Member.Status.DEPARTED
        applicant.save()
        # the member's status moved on meanwhile; admitting now would rewrite history
        Member.objects.filter(pk=applicant.pk).update(status_since=datetime.date(2999, 1, 1))
        for member in members:
            services.cast_vote(actor=member, proposal=proposal, ballot={"choice": "agree"})
        proposal.refresh_from_db()
        assert proposal.result == "passed"
        assert "before the current status began" in proposal.action_error
        # the page and the minutes name the action as members read it, not by its code
        client.force_login(members[0].user)
        base = f"/c/{cooperative.slug}/proposals/{proposal.pk}/"
        html = client.get(base).content.decode()
        assert (
            "The action “Admit an applicant as a probationary or active member” could not be "
            "carried out: " in html
        )
        assert "admit_member" not in html
        minutes = client.get(base + "minutes.pdf")
        text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(minutes.content)).pages
        ).replace("\n", " ")
        assert "Action “Admit an applicant as a probationary or active member”: failed" in text

    def test_amend_bylaws(self, cooperative, members, make_proposal):
        proposal = make_proposal(
            members[0],
            kind="bylaws",
            method="supermajority",
            action="amend_bylaws",
            action_payload={"floors": {"general": {"quorum": "1/3"}}},
        )
        for member in members:
            services.cast_vote(actor=member, proposal=proposal, ballot={"choice": "agree"})
        cooperative.refresh_from_db()
        assert cooperative.settings["floors"]["general"] == {
            "quorum": "1/3", "threshold": "1/2", "discussion_hours": 24, "voting_hours": 48
        }  # fmt: skip


@pytest.mark.django_db
class TestSweepAndNotices:
    def test_sweep_opens_and_closes_once(self, members, make_proposal, now):
        opens = now + datetime.timedelta(days=1, hours=1)  # after a day of discussion
        proposal = make_proposal(
            members[0], start=False, opens_at=opens, closes_at=opens + datetime.timedelta(days=2)
        )
        services.open_proposal(actor=members[0], proposal=proposal)
        assert services.sweep(now) == {"opened": 0, "closed": 0}
        later = opens + datetime.timedelta(seconds=1)
        assert services.sweep(later) == {"opened": 1, "closed": 0}
        assert services.sweep(later) == {"opened": 0, "closed": 0}
        assert EligibleVoter.objects.filter(proposal=proposal).count() == 4
        done = opens + datetime.timedelta(days=3)
        assert services.sweep(done) == {"opened": 0, "closed": 1}
        assert services.sweep(done) == {"opened": 0, "closed": 0}
        proposal.refresh_from_db()
        assert proposal.state == State.CLOSED

    def test_notices_are_sent_once(
        self, members, make_proposal, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            proposal = make_proposal(members[0])
        assert len(mail.outbox) == 4  # voting opened, to each eligible member
        services.cast_vote(actor=members[1], proposal=proposal, ballot={"choice": "agree"})
        mail.outbox.clear()
        assert send_reminder(proposal.pk) == 3
        assert send_reminder(proposal.pk) == 0
        assert all("not voted" in message.body for message in mail.outbox)
        sweep_proposals()

    def test_recount_gives_the_stored_result(self, members, make_proposal, tmp_path, capsys):
        proposal = make_proposal(
            members[0], method="schulze", options=["A", "B", "C"], allow_early_close=False
        )
        for member, ranking in zip(
            members, [["A", "B"], ["B", "A", "C"], ["C"], ["A"]], strict=True
        ):
            services.cast_vote(actor=member, proposal=proposal, ballot={"ranking": ranking})
        close_on_time(proposal)
        proposal.refresh_from_db()
        path = tmp_path / "ballots.json"
        import json

        path.write_text(json.dumps(proposal.tally["ballot_file"]))
        call_command("recount", str(path))
        assert json.loads(capsys.readouterr().out) == proposal.tally["result"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_casts_leave_one_ballot(cooperative):
    voter = MemberFactory(cooperative=cooperative)
    author = MemberFactory(cooperative=cooperative)
    now = datetime.datetime.now(datetime.UTC)
    drafted = now - datetime.timedelta(days=2)  # a day of discussion, then voting since
    proposal = services.create_proposal(
        actor=author, title="Race", opens_at=drafted + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=2), allow_early_close=False, now=drafted,
    )  # fmt: skip
    services.open_proposal(actor=author, proposal=proposal, now=drafted)
    services.sweep(proposal.opens_at)

    def cast(choice):
        services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": choice})

    at_once(*(functools.partial(cast, ["agree", "disagree"][i % 2]) for i in range(20)))
    assert Ballot.objects.filter(proposal=proposal).count() == 1
    assert Proposal.objects.get(pk=proposal.pk).state == State.VOTING
