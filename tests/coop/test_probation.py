"""Probation: an end date set on admission from the bylaws, moved by the secretary; a reminder
to the secretaries before it ends, once per end date; at the end, a membership proposal to admit,
extend or end, drafted once per end date (its outcomes are tested in
tests/governance/test_probation_outcomes.py)."""

import datetime

import pytest
from django.core import mail

from coop import services, tasks
from coop.errors import InvalidInput, NotAllowed, StateConflict
from coop.models import Member
from governance import services as governance
from governance import tasks as governance_tasks
from governance.models import ProbationReview, Proposal
from tests.concurrency import at_once
from tests.conftest import as_member
from tests.factories import MemberFactory
from tests.probation import ADMITTED, ENDS, at, put_on_probation
from tests.web import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_probation(clock, cooperative):
    """A member admitted as probationary on 31 January 2027 by a passed proposal."""
    return put_on_probation(clock, cooperative)


class TestEndDate:
    def test_admission_sets_it_from_the_bylaws(self, on_probation, cooperative):
        assert on_probation.probation_ends_on == ENDS
        event = cooperative.audit_events.get(verb="member.status_changed")
        assert event.data["probation_ends_on"] == "2027-07-31"

    def test_a_month_end_stays_a_month_end(self, clock, cooperative):
        cooperative.bylaws = {**cooperative.bylaws, "probation_months": 1}
        cooperative.save()
        at(clock, ADMITTED)
        added = services.add_member(
            cooperative=cooperative, actor=None, email="new@example.org", status="probationary"
        )
        assert added.probation_ends_on == datetime.date(2027, 2, 28)

    def test_no_probation_months_sets_no_end(self, clock, cooperative):
        cooperative.bylaws = {**cooperative.bylaws, "probation_months": 0}
        cooperative.save()
        at(clock, ADMITTED)
        added = services.add_member(
            cooperative=cooperative, actor=None, email="new@example.org", status="probationary"
        )
        assert added.probation_ends_on is None

    def test_an_active_member_has_none(self, clock, cooperative):
        at(clock, ADMITTED)
        added = services.add_member(
            cooperative=cooperative, actor=None, email="new@example.org", status="active"
        )
        assert added.probation_ends_on is None


class TestMovingTheEnd:
    def test_the_secretary_extends_it(self, on_probation, secretary):
        moved = services.update_member(
            member=on_probation, actor=secretary, probation_ends_on=datetime.date(2027, 10, 31)
        )
        assert moved.probation_ends_on == datetime.date(2027, 10, 31)
        event = moved.cooperative.audit_events.get(verb="member.updated")
        assert event.data["changed"] == {"probation_ends_on": ["2027-07-31", "2027-10-31"]}

    def test_another_member_may_not(self, on_probation, member):
        with pytest.raises(NotAllowed):
            services.update_member(
                member=on_probation, actor=member, probation_ends_on=datetime.date(2027, 9, 1)
            )

    def test_only_a_probation_has_an_end_and_it_ends_after_it_began(
        self, on_probation, secretary, member
    ):
        with pytest.raises(StateConflict, match="not on probation"):
            services.update_member(
                member=member, actor=secretary, probation_ends_on=datetime.date(2027, 9, 1)
            )
        with pytest.raises(InvalidInput, match="ends after it began"):
            services.update_member(member=on_probation, actor=secretary, probation_ends_on=ADMITTED)

    def test_through_the_api(self, api, on_probation, secretary, member):
        url = f"/api/v1/coops/{on_probation.cooperative.slug}/members/{on_probation.pk}/"
        response = as_member(api, secretary).patch(
            url, {"probation_ends_on": "2027-09-30"}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["probation_ends_on"] == "2027-09-30"
        response = as_member(api, member).patch(
            url, {"probation_ends_on": "2027-12-31"}, format="json"
        )
        assert response.status_code == 403
        response = as_member(api, secretary).patch(
            url, {"probation_ends_on": "2027-01-01"}, format="json"
        )
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["probation_ends_on"]
        other = f"/api/v1/coops/{member.cooperative.slug}/members/{member.pk}/"
        response = as_member(api, secretary).patch(
            other, {"probation_ends_on": "2027-12-31"}, format="json"
        )
        assert response.status_code == 409

    def test_not_when_a_member_is_added(self, api, admin_member):
        """The end is set on admission from the bylaws; a new member's is a 400, not a 500."""
        url = f"/api/v1/coops/{admin_member.cooperative.slug}/members/"
        body = {"email": "new@example.org", "status": "active", "probation_ends_on": "2027-01-01"}
        response = as_member(api, admin_member).post(url, body, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["probation_ends_on"]
        assert not admin_member.cooperative.members.filter(user__email="new@example.org").exists()

    def test_on_the_members_page(self, client, on_probation, secretary):
        slug = on_probation.cooperative.slug
        signed_in(client, secretary)
        html = client.get(f"/c/{slug}/members/").content.decode()
        assert f'action="/c/{slug}/members/{on_probation.pk}/probation/"' in html
        assert 'value="2027-07-31"' in html
        response = client.post(
            f"/c/{slug}/members/{on_probation.pk}/probation/", {"ends_on": "2027-08-31"}
        )
        assert response.status_code == 302
        on_probation.refresh_from_db()
        assert on_probation.probation_ends_on == datetime.date(2027, 8, 31)


class TestReminder:
    def test_the_secretaries_are_reminded_once_before_the_end(
        self, clock, on_probation, secretary, member
    ):
        at(clock, ENDS - datetime.timedelta(days=15))
        assert tasks.sweep_probation_reminders() == 0
        assert mail.outbox == []
        at(clock, ENDS - datetime.timedelta(days=14))
        assert tasks.sweep_probation_reminders() == 1
        assert [message.to for message in mail.outbox] == [[secretary.user.email]]
        name = on_probation.display_name
        assert mail.outbox[0].subject.endswith(f"The probation of {name} ends on July 31, 2027")
        assert "/members/" in mail.outbox[0].body
        # the next sweep, a retried task: nobody is told twice
        assert tasks.sweep_probation_reminders() == 0
        assert tasks.remind_probation_end(on_probation.pk) == 0
        assert len(mail.outbox) == 1

    def test_a_moved_end_is_reminded_again(self, clock, on_probation, secretary):
        at(clock, ENDS - datetime.timedelta(days=10))
        tasks.sweep_probation_reminders()
        services.update_member(
            member=on_probation, actor=secretary, probation_ends_on=ENDS + datetime.timedelta(30)
        )
        assert tasks.sweep_probation_reminders() == 0  # a month away: not yet
        at(clock, ENDS + datetime.timedelta(days=20))
        assert tasks.sweep_probation_reminders() == 1
        assert len(mail.outbox) == 2

    def test_the_admins_when_there_is_no_secretary(self, clock, on_probation, admin_member):
        at(clock, ENDS)
        tasks.sweep_probation_reminders()
        assert [message.to for message in mail.outbox] == [[admin_member.user.email]]

    def test_the_bylaws_set_how_long_before(self, clock, on_probation, secretary):
        cooperative = on_probation.cooperative
        cooperative.bylaws = {**cooperative.bylaws, "probation_reminder_days": 30}
        cooperative.save()
        at(clock, ENDS - datetime.timedelta(days=30))
        assert tasks.sweep_probation_reminders() == 1

    def test_a_member_no_longer_on_probation_is_not_reminded(self, clock, on_probation, secretary):
        services.change_member_status(member=on_probation, actor=None, status="active")
        at(clock, ENDS - datetime.timedelta(days=3))
        assert tasks.sweep_probation_reminders() == 0
        assert tasks.remind_probation_end(on_probation.pk) == 0


class TestReview:
    def test_at_the_end_a_proposal_to_decide_is_drafted_once(self, clock, on_probation, secretary):
        at(clock, ENDS - datetime.timedelta(days=1))
        assert governance_tasks.sweep_probation_reviews() == 0
        at(clock, ENDS)
        assert governance_tasks.sweep_probation_reviews() == 1
        proposal = Proposal.objects.get()
        assert (proposal.kind, proposal.state, proposal.author) == (
            "membership",
            "draft",
            secretary,
        )
        assert (proposal.action, proposal.method, proposal.threshold) == (
            "admit_member",
            "single_choice",
            "2/3",
        )
        name = on_probation.display_name
        options = [
            f"Admit {name} as an active member",
            f"Extend the probation of {name} by 6 months",
            f"End the probation: {name} does not become a member",
        ]
        assert proposal.options == options
        assert proposal.action_payload == {
            "member": on_probation.pk,
            "probation_ends_on": "2027-07-31",
            "extend_months": 6,
            "outcomes": dict(zip(options, ["admit", "extend", "end"], strict=True)),
        }
        assert name in proposal.title
        assert "ended on July 31, 2027" in proposal.body
        assert "**Admit**" in proposal.body and "**Extend**" in proposal.body
        assert "**End**" in proposal.body and "at least 2/3 of the votes" in proposal.body
        assert ProbationReview.objects.get().ends_on == ENDS
        # the next sweep, a retried task, a later day: drafted once
        assert governance_tasks.sweep_probation_reviews() == 0
        assert governance_tasks.draft_probation_review(on_probation.pk) is None
        at(clock, ENDS + datetime.timedelta(days=3))
        assert governance_tasks.sweep_probation_reviews() == 0
        assert Proposal.objects.count() == 1
        assert (
            on_probation.cooperative.audit_events.filter(
                verb="member.probation_review_drafted"
            ).count()
            == 1
        )

    def test_a_deleted_draft_is_not_drafted_again(self, clock, on_probation, secretary):
        at(clock, ENDS)
        governance_tasks.sweep_probation_reviews()
        governance.delete_draft(actor=secretary, proposal=Proposal.objects.get())
        assert governance_tasks.sweep_probation_reviews() == 0
        assert not Proposal.objects.exists()

    def test_an_extended_probation_gets_a_new_draft_at_its_new_end(
        self, clock, on_probation, secretary
    ):
        at(clock, ENDS)
        governance_tasks.sweep_probation_reviews()
        later = ENDS + datetime.timedelta(days=61)
        services.update_member(member=on_probation, actor=secretary, probation_ends_on=later)
        assert governance_tasks.sweep_probation_reviews() == 0
        at(clock, later)
        assert governance_tasks.sweep_probation_reviews() == 1
        assert Proposal.objects.count() == 2

    def test_admit_chosen_makes_the_member_active(self, clock, on_probation, secretary):
        voters = [secretary, *(MemberFactory(cooperative=secretary.cooperative) for _ in range(2))]
        at(clock, ENDS)
        governance_tasks.sweep_probation_reviews()
        draft = Proposal.objects.get()
        proposal = governance.open_proposal(actor=secretary, proposal=draft)
        clock.set(proposal.opens_at)
        governance.sweep()
        for voter in voters:
            governance.cast_vote(
                actor=voter, proposal=proposal, ballot={"option": proposal.options[0]}
            )
        proposal.refresh_from_db()
        assert (proposal.result, proposal.action_error) == ("passed", "")
        on_probation.refresh_from_db()
        assert on_probation.status == "active"

    def test_admit_member_keeps_a_probationary_member_only_to_make_them_active(
        self, on_probation, secretary
    ):
        with pytest.raises(InvalidInput, match="on probation"):
            governance.create_proposal(
                actor=secretary,
                title="Admit",
                kind="membership",
                opens_at=datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC),
                closes_at=datetime.datetime(2027, 3, 9, tzinfo=datetime.UTC),
                action="admit_member",
                action_payload={"member": on_probation.pk, "status": "probationary"},
            )


def test_the_law_page_says_how_long_a_probation_lasts(client, member):
    html = signed_in(client, member).get(f"/c/{member.cooperative.slug}/law/").content.decode()
    assert "on probation for 6 months" in html
    assert "reminded 14 days before it ends" in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_workers_drafting_at_once_draft_one_proposal(clock, cooperative):
    at(clock, ADMITTED)
    MemberFactory(cooperative=cooperative, is_secretary=True)
    applicant = MemberFactory(
        cooperative=cooperative, status=Member.Status.APPLICANT, status_since=ADMITTED
    )
    member = services.change_member_status(member=applicant, actor=None, status="probationary")
    at(clock, ENDS)

    def draft():
        return governance.draft_probation_review(member_id=member.pk)

    drafted = at_once(*[draft] * 6)
    assert len([outcome for outcome in drafted if outcome.value is not None]) == 1
    assert Proposal.objects.count() == ProbationReview.objects.count() == 1
