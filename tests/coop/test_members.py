"""The members page: the directory, invitations by e-mail, roles and status by the bylaws."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from coop import invitations
from coop.audit import verify_chain
from coop.errors import NotAllowed
from coop.models import AuditEvent, Invitation, Member, User
from coop.services import change_member_status, update_member
from governance.models import Proposal
from tests.factories import PASSWORD, MemberFactory
from tests.web import signed_in

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and new passphrase 2026"


def members_url(cooperative, path=""):
    return f"/c/{cooperative.slug}/members/{path}"


def set_bylaws(cooperative, **settings):
    cooperative.bylaws = {**cooperative.bylaws, **settings}
    cooperative.save()


def verbs(cooperative):
    return list(
        AuditEvent.objects.filter(cooperative=cooperative)
        .order_by("sequence")
        .values_list("verb", flat=True)
    )


def invite(client, admin_member, email="rosa@example.coop", roles=()):
    """Post the invitation form."""
    return client.post(
        members_url(admin_member.cooperative, "invite/"), {"email": email, "roles": list(roles)}
    )


def mailed_link(message) -> str:
    """The path of the invitation link in a mail."""
    return re.search(r"https?://[^/\s]+(/invitations/\S+/)", message.body).group(1)


# The directory ----------------------------------------------------------------------------------


def test_the_directory_filters_by_status_and_counts(client, member):
    cooperative = member.cooperative
    MemberFactory.create_batch(2, cooperative=cooperative, status=Member.Status.ON_LEAVE)
    applicant = MemberFactory(cooperative=cooperative, status=Member.Status.APPLICANT)
    signed_in(client, member)

    everyone = client.get(members_url(cooperative)).content.decode()
    assert "4 memberships in all" in everyone
    assert re.search(r"On leave <span class=\"count\">2</span>", everyone)

    applicants = client.get(members_url(cooperative) + "?status=applicant").content.decode()
    assert applicant.user.email in applicants
    assert member.user.email not in applicants
    assert "1 member shown" in applicants
    # An unknown status shows everyone rather than an error.
    assert member.user.email in client.get(members_url(cooperative) + "?status=x").content.decode()


def test_only_admins_see_the_forms(client, member, admin_member):
    plain = signed_in(client, member).get(members_url(member.cooperative)).content.decode()
    assert "Invite a member" not in plain and "Change the status" not in plain
    page = signed_in(client, admin_member).get(members_url(member.cooperative)).content.decode()
    assert "Invite a member" in page and "Save the roles" in page


def test_another_coops_members_are_404(client, member, outsider):
    signed_in(client, member)
    assert client.get(members_url(outsider.cooperative)).status_code == 404
    response = client.post(members_url(outsider.cooperative, f"{outsider.pk}/status/"))
    assert response.status_code == 404
    # A member id of another co-op, under my own co-op's address.
    response = client.post(
        members_url(member.cooperative, f"{outsider.pk}/roles/"), {"roles": ["admin"]}
    )
    assert response.status_code == 404


# Invitations ------------------------------------------------------------------------------------


def test_invite_accept_and_join_as_an_applicant(
    client, admin_member, django_capture_on_commit_callbacks
):
    cooperative = admin_member.cooperative
    signed_in(client, admin_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, admin_member, "Rosa@Example.coop", roles=["secretary"])
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = mailed_link(mail.outbox[0])
    message = mail.outbox[0]
    assert message.to == ["rosa@example.coop"]
    assert cooperative.name in message.subject
    invitation = Invitation.objects.get()
    token = link.split("/")[-2]
    assert invitation.token_hash == invitations.token_hash(token)
    assert token not in invitation.token_hash  # only the hash is stored
    assert "rosa@example.coop" in client.get(members_url(cooperative)).content.decode()

    client.logout()
    form = client.get(link)
    assert form.status_code == 200
    assert "Choose a password" in form.content.decode()
    mismatch = client.post(
        link, {"full_name": "Rosa", "password": NEW_PASSWORD, "password_again": "other"}
    )
    assert mismatch.status_code == 400
    weak = client.post(
        link, {"full_name": "Rosa", "password": "12345678", "password_again": "12345678"}
    )
    assert weak.status_code == 400
    assert "too common" in weak.content.decode()

    joined = client.post(
        link,
        {"full_name": "Rosa Luxemburg", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        follow=True,
    )
    assert joined.redirect_chain[-1][0] == f"/c/{cooperative.slug}/"
    assert "You joined as an applicant" in joined.content.decode()
    member = Member.objects.get(cooperative=cooperative, user__email="rosa@example.coop")
    assert member.status == Member.Status.APPLICANT  # default bylaws: admission by vote
    assert member.roles == ["secretary"]
    assert member.user.full_name == "Rosa Luxemburg"
    assert member.user.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.member == member
    assert verbs(cooperative)[-3:] == ["invitation.sent", "member.added", "invitation.accepted"]
    assert verify_chain(cooperative) is None

    # The link is used up: a clear page, not an error.
    again = client.get(link)
    assert again.status_code == 410
    assert "already accepted" in again.content.decode()


def test_where_admins_admit_the_invitee_is_probationary(client, admin_member):
    set_bylaws(admin_member.cooperative, admission="admins")
    _, token = invitations.invite_member(
        cooperative=admin_member.cooperative, actor=admin_member, email="kim@example.coop"
    )
    client.post(
        f"/invitations/{token}/",
        {"full_name": "Kim", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert Member.objects.get(user__email="kim@example.coop").status == "probationary"


def test_a_person_with_an_account_logs_in_and_accepts(client, admin_member, outsider):
    email = outsider.user.email
    _, token = invitations.invite_member(
        cooperative=admin_member.cooperative, actor=admin_member, email=email
    )
    link = f"/invitations/{token}/"
    anonymous = client.get(link).content.decode()
    assert "Log in to accept" in anonymous and "Choose a password" not in anonymous
    assert client.post(link, {}).status_code == 403  # no password set over an existing account

    signed_in(client, admin_member)  # someone else
    wrong = client.get(link).content.decode()
    assert "but this invitation is for" in wrong
    assert client.post(link).status_code == 200
    assert not Member.objects.filter(
        cooperative=admin_member.cooperative, user=outsider.user
    ).exists()

    client.force_login(outsider.user)
    response = client.post(link)
    assert response.status_code == 302
    joined = Member.objects.get(cooperative=admin_member.cooperative, user=outsider.user)
    assert joined.status == "applicant"
    outsider.user.refresh_from_db()
    assert outsider.user.check_password(PASSWORD)  # untouched


def test_tokens_expire(client, admin_member):
    invitation, token = invitations.invite_member(
        cooperative=admin_member.cooperative, actor=admin_member, email="late@example.coop"
    )
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=14)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    posted = client.post(
        f"/invitations/{token}/",
        {"full_name": "Late", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert posted.status_code == 410
    assert not User.objects.filter(email="late@example.coop").exists()
    # The admins see it as expired and can send a new link.
    page = (
        signed_in(client, admin_member).get(members_url(admin_member.cooperative)).content.decode()
    )
    assert "expired" in page


def test_unknown_tokens_are_404_with_a_message(client):
    response = client.get("/invitations/not-a-token/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_resend_makes_a_new_link_and_revoke_ends_it(
    client, admin_member, django_capture_on_commit_callbacks
):
    cooperative = admin_member.cooperative
    signed_in(client, admin_member)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, admin_member, "ana@example.coop")
    first = mailed_link(mail.outbox[0])
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(members_url(cooperative, f"invitations/{invitation.pk}/resend/"))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    second = mailed_link(mail.outbox[1])
    assert second != first
    assert client.get(first).status_code == 404  # the old link no longer works
    assert client.get(second).status_code == 200

    response = client.post(members_url(cooperative, f"invitations/{invitation.pk}/revoke/"))
    assert response.status_code == 302
    gone = client.get(second)
    assert gone.status_code == 410 and "withdrawn" in gone.content.decode()
    # Revoking twice is a conflict, shown on the page.
    again = client.post(members_url(cooperative, f"invitations/{invitation.pk}/revoke/"))
    assert again.status_code == 409
    assert verbs(cooperative)[-3:] == ["invitation.sent", "invitation.resent", "invitation.revoked"]


def test_invitation_refusals(client, admin_member, member):
    cooperative = admin_member.cooperative
    signed_in(client, member)
    response = invite(client, member)
    assert response.status_code == 403  # only admins invite
    assert "Only a member with the admin role" in response.content.decode()
    signed_in(client, admin_member)
    bad = invite(client, admin_member, "not an address")
    assert bad.status_code == 400
    assert "Enter a valid email address" in bad.content.decode()
    existing = invite(client, admin_member, member.user.email)
    assert existing.status_code == 409
    assert "already a member" in existing.content.decode()
    invite(client, admin_member, "twice@example.coop")
    twice = invite(client, admin_member, "TWICE@example.coop")
    assert twice.status_code == 409
    assert "already has an open invitation" in twice.content.decode()
    set_bylaws(cooperative, role_changes="vote")
    with_roles = invite(client, admin_member, "role@example.coop", roles=["treasurer"])
    assert with_roles.status_code == 403
    assert "only a vote gives roles" in with_roles.content.decode()
    assert Invitation.objects.filter(cooperative=cooperative).count() == 1


# Roles and status ------------------------------------------------------------------------------


def test_admins_change_roles_and_status_directly_where_the_bylaws_allow(
    client, admin_member, member
):
    cooperative = admin_member.cooperative
    signed_in(client, admin_member)
    response = client.post(
        members_url(cooperative, f"{member.pk}/roles/"), {"roles": ["treasurer"]}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.roles == ["treasurer"]
    response = client.post(
        members_url(cooperative, f"{member.pk}/status/"),
        {"status": "on_leave", "effective_on": "2026-12-01"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == "on_leave" and member.status_since == datetime.date(2026, 12, 1)
    assert verbs(cooperative)[-2:] == ["member.updated", "member.status_changed"]

    bad = client.post(members_url(cooperative, f"{member.pk}/status/"), {"status": "retired"})
    assert bad.status_code == 400
    assert "status" in bad.content.decode()
    last_admin = client.post(members_url(cooperative, f"{admin_member.pk}/roles/"), {"roles": []})
    assert last_admin.status_code == 409
    assert "last admin" in last_admin.content.decode()


def test_members_who_are_not_admins_change_nothing(client, member, secretary):
    signed_in(client, member)
    response = client.post(members_url(member.cooperative, f"{secretary.pk}/roles/"), {"roles": []})
    assert response.status_code == 403
    secretary.refresh_from_db()
    assert secretary.roles == ["secretary"]


def test_where_a_vote_decides_the_page_proposes_instead(client, admin_member, member):
    cooperative = admin_member.cooperative
    set_bylaws(cooperative, role_changes="vote", status_changes="vote")
    applicant = MemberFactory(cooperative=cooperative, status=Member.Status.APPLICANT)
    signed_in(client, admin_member)
    page = client.get(members_url(cooperative)).content.decode()
    propose = f'action="/c/{cooperative.slug}/proposals/new/member/"'
    assert page.count(propose) == 3 * 2 + 1  # status and roles of each, admitting the applicant
    assert "Propose the admission" in page

    # Posting to the direct address anyway is refused by the service.
    refused = client.post(members_url(cooperative, f"{member.pk}/roles/"), {"roles": ["admin"]})
    assert refused.status_code == 403
    assert "only a vote gives and takes roles" in refused.content.decode()

    response = client.post(
        f"/c/{cooperative.slug}/proposals/new/member/",
        {"member": member.pk, "change": "roles", "roles": ["treasurer", "admin"]},
    )
    proposal = Proposal.objects.get(action="change_member_roles")
    assert response["Location"] == f"/c/{cooperative.slug}/proposals/{proposal.pk}/edit/"
    assert proposal.state == "draft" and proposal.kind == "membership"
    assert proposal.action_payload == {"member": member.pk, "roles": ["treasurer", "admin"]}
    assert member.display_name in proposal.title

    client.post(
        f"/c/{cooperative.slug}/proposals/new/member/",
        {"member": applicant.pk, "change": "admission", "status": "probationary"},
    )
    admission = Proposal.objects.get(action="admit_member")
    assert admission.action_payload == {"member": applicant.pk, "status": "probationary"}
    # The members page links to the open decisions.
    page = client.get(members_url(cooperative)).content.decode()
    assert "Decisions about members" in page
    assert f"/proposals/{proposal.pk}/" in page and f"/proposals/{admission.pk}/" in page


def test_a_passed_roles_proposal_changes_the_roles(member, admin_member, make_proposal):
    from governance import services as governance

    set_bylaws(member.cooperative, role_changes="vote")
    with pytest.raises(NotAllowed):
        update_member(member=member, actor=admin_member, roles=["treasurer"])
    proposal = make_proposal(
        admin_member,
        kind="membership",
        method="supermajority",
        action="change_member_roles",
        action_payload={"member": member.pk, "roles": ["treasurer"]},
    )
    for voter in (member, admin_member):
        governance.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
    proposal.refresh_from_db()
    assert proposal.tally["early"] is True  # everyone voted: closed at the last ballot
    member.refresh_from_db()
    assert member.roles == ["treasurer"]


def test_admission_by_vote_refuses_a_direct_admission(admin_member):
    applicant = MemberFactory(cooperative=admin_member.cooperative, status="applicant")
    with pytest.raises(NotAllowed, match="only a vote admits applicants"):
        change_member_status(member=applicant, actor=admin_member, status="active")
    # Turning an application down is a status change, which admins make by default.
    change_member_status(member=applicant, actor=admin_member, status="departed")


def test_bylaws_settings_are_validated(admin_member):
    from django.core.exceptions import ValidationError

    from coop.bylaws import validate_bylaws

    with pytest.raises(ValidationError, match="Admissions are decided by the admins or by a vote."):
        validate_bylaws({"admission": "board"})


def test_a_departed_member_rejoins_by_invitation(client, admin_member):
    former = MemberFactory(cooperative=admin_member.cooperative, status="departed")
    _, token = invitations.invite_member(
        cooperative=admin_member.cooperative, actor=admin_member, email=former.user.email
    )
    client.force_login(former.user)
    assert client.post(f"/invitations/{token}/").status_code == 302
    former.refresh_from_db()
    assert former.status == "applicant"
