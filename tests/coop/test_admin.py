"""The Django admin: every page loads, finalized records are read-only, actions call services."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from api.services import create_login_token
from coop import invitations
from coop.models import AuditEvent, Cooperative, Member, TimeEntry
from governance import services as governance
from governance.models import Ballot, Proposal
from payroll import distributing
from payroll.models import Distribution
from tests.factories import MemberFactory, ProjectFactory, TimeEntryFactory
from tests.governance.fixtures import close_on_time
from tests.payroll.books import SEPTEMBER
from tests.web import flashes

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def make_staff(member):
    member.user.is_staff = member.user.is_superuser = True
    member.user.save()
    return member


@pytest.fixture
def everything(books, cooperative, treasurer, admin_member, make_proposal):
    """A row of (nearly) every registered model: an approved month, a closed vote with ballots,
    a delegation, a comment, an invitation, a token."""
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    distributing.approve_distribution(actor=treasurer, distribution=run)
    proposal = make_proposal(treasurer, title="Adopt the four-day week")
    governance.add_comment(actor=treasurer, proposal=proposal, body="Yes, please.")
    governance.cast_vote(actor=treasurer, proposal=proposal, ballot={"choice": "agree"})
    governance.delegate_vote(actor=admin_member, delegate=treasurer)
    close_on_time(proposal)
    invitations.invite_member(cooperative=cooperative, actor=admin_member, email="new@example.coop")
    create_login_token(user=treasurer.user)
    return {"distribution": run, "proposal": proposal}


def test_every_admin_page_loads_for_a_superuser(client, everything, admin_member):
    client.force_login(make_staff(admin_member).user)
    assert "Cooperage administration" in client.get("/admin/").content.decode()
    for model, model_admin in admin.site._registry.items():
        changelist = client.get(url(model, "changelist"))
        assert changelist.status_code == 200, model
        # The search box, the filters and the date drill-down all answer.
        if model_admin.search_fields:
            assert client.get(url(model, "changelist"), {"q": "example"}).status_code == 200
        add = client.get(url(model, "add"))
        expected = 200 if model_admin.has_add_permission(changelist.wsgi_request) else 403
        assert add.status_code == expected, model
        first = model._default_manager.first()
        if first is not None:
            assert client.get(url(model, "change", first.pk)).status_code == 200, model


@pytest.mark.parametrize(
    "model,row",
    [
        (Distribution, lambda rows: rows["distribution"]),
        (Proposal, lambda rows: rows["proposal"]),
        (Ballot, lambda rows: Ballot.objects.first()),
        (AuditEvent, lambda rows: AuditEvent.objects.first()),
    ],
)
def test_finalized_records_are_read_only(client, everything, admin_member, model, row):
    client.force_login(make_staff(admin_member).user)
    obj = row(everything)
    page = client.get(url(model, "change", obj.pk)).content.decode()
    assert 'name="_save"' not in page
    assert client.post(url(model, "change", obj.pk), {}).status_code == 403
    assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()


def test_hours_of_a_distributed_month_are_locked(client, everything, treasurer, admin_member):
    client.force_login(make_staff(admin_member).user)
    locked = TimeEntry.objects.filter(date__month=9).first()
    assert client.post(url(TimeEntry, "change", locked.pk), {}).status_code == 403
    assert client.post(url(TimeEntry, "delete", locked.pk), {"post": "yes"}).status_code == 403
    project = ProjectFactory(client__cooperative=treasurer.cooperative)
    response = client.post(
        url(TimeEntry, "add"),
        {
            "cooperative": treasurer.cooperative.pk, "member": treasurer.pk,
            "project": project.pk, "date": "2026-09-30", "minutes": 60, "description": "late",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "locked" in response.content.decode()
    open_month = TimeEntryFactory(
        member=treasurer, project=project, date=datetime.date(2026, 10, 5)
    )
    page = client.get(url(TimeEntry, "change", open_month.pk)).content.decode()
    assert 'name="_save"' in page


def test_status_and_roles_are_not_edited_in_the_admin(client, admin_member, member):
    client.force_login(make_staff(admin_member).user)
    page = client.get(url(Member, "change", member.pk)).content.decode()
    assert 'name="rate_weight"' in page
    assert 'name="status"' not in page and 'name="is_admin"' not in page
    assert client.get(url(Member, "add")).status_code == 403


def test_approve_a_draft_from_the_admin(client, books, cooperative, treasurer, member):
    run = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=SEPTEMBER)
    client.force_login(make_staff(member).user)  # staff, but not the treasurer
    action = {"action": "approve_drafts", "_selected_action": [run.pk]}
    response = client.post(url(Distribution, "changelist"), action, follow=True)
    assert any("not the treasurer" in text for text in flashes(response))
    run.refresh_from_db()
    assert run.status == "draft"

    client.force_login(make_staff(treasurer).user)
    client.post(url(Distribution, "changelist"), action)
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by == treasurer


def test_close_voting_now_from_the_admin(
    client, secretary, member, make_proposal, voting_floor_passed
):
    proposal = make_proposal(member)
    action = {"action": "close_voting_now", "_selected_action": [proposal.pk]}
    client.force_login(make_staff(member).user)
    response = client.post(url(Proposal, "changelist"), action, follow=True)
    assert any("not a secretary" in text for text in flashes(response))
    client.force_login(make_staff(secretary).user)
    too_soon = client.post(url(Proposal, "changelist"), action, follow=True)
    assert any("at least 2 days of voting" in text for text in flashes(too_soon))
    voting_floor_passed(proposal)
    client.post(url(Proposal, "changelist"), action)
    proposal.refresh_from_db()
    # not everyone voted: the page must not say that voting closed early for that reason
    assert proposal.state == "closed" and proposal.tally["early"] is False
    again = client.post(url(Proposal, "changelist"), action, follow=True)
    assert any("only a proposal in voting" in text for text in flashes(again))


def test_verify_the_audit_chain_from_the_admin(client, admin_member, member):
    cooperative = admin_member.cooperative
    invitations.invite_member(cooperative=cooperative, actor=admin_member, email="a@example.coop")
    invitations.invite_member(cooperative=cooperative, actor=admin_member, email="b@example.coop")
    client.force_login(make_staff(admin_member).user)
    action = {"action": "verify_audit_chain", "_selected_action": [cooperative.pk]}
    response = client.post(url(Cooperative, "changelist"), action, follow=True)
    assert any("audit chain of 2 events is intact" in text for text in flashes(response))

    AuditEvent.objects.filter(cooperative=cooperative, sequence=1).update(data={"email": "x"})
    event = AuditEvent.objects.get(cooperative=cooperative, sequence=2)
    action = {"action": "verify_audit_chain", "_selected_action": [event.pk]}
    response = client.post(url(AuditEvent, "changelist"), action, follow=True)
    assert any("event #1: was edited" in text for text in flashes(response))


def test_invitations_are_revoked_from_the_admin_by_the_coops_admin(client, admin_member, outsider):
    invitation, _ = invitations.invite_member(
        cooperative=admin_member.cooperative, actor=admin_member, email="c@example.coop"
    )
    action = {"action": "revoke_selected", "_selected_action": [invitation.pk]}
    client.force_login(make_staff(outsider).user)  # an admin elsewhere
    response = client.post(url(type(invitation), "changelist"), action, follow=True)
    assert any("not an admin of" in text for text in flashes(response))
    client.force_login(make_staff(admin_member).user)
    client.post(url(type(invitation), "changelist"), action)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    page = client.get(url(type(invitation), "change", invitation.pk)).content.decode()
    assert invitation.token_hash not in page and "token_hash" not in page


def test_departing_through_the_admin_is_not_possible(client, admin_member):
    other = MemberFactory(cooperative=admin_member.cooperative)
    client.force_login(make_staff(admin_member).user)
    response = client.post(
        url(Member, "changelist"), {"action": "delete_selected", "_selected_action": [other.pk]}
    )
    assert Member.objects.filter(pk=other.pk).exists()
    assert response.status_code in (200, 302)
