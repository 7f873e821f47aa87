"""A newly adopted distribution policy reaches every member: a dashboard panel for some weeks,
naming what changed, and an e-mail to every current member, in their language, once."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from coop.models.cooperative import MemberStatus
from payroll import tasks
from payroll.presenters import POLICY_NOTICE_DAYS
from payroll.services.policies import adopt_policy
from tests.factories import MemberFactory
from tests.payroll.books import POLICY
from tests.web import signed_in

pytestmark = pytest.mark.django_db

CHANGES = ["Commons: 15% — ", "→ 10% — ", "Collective reserve: 10% → 15%"]


@pytest.fixture
def adopted(clock, cooperative, treasurer):
    clock.set(datetime.datetime(2026, 12, 4, 10, tzinfo=datetime.UTC))
    adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    clock.set(datetime.datetime(2026, 12, 10, 10, tzinfo=datetime.UTC))


def _adopt_new_version(cooperative, treasurer):
    return adopt_policy(
        actor=treasurer,
        cooperative=cooperative,
        **{**POLICY, "commons_pct": Decimal("0.10"), "reserve_pct": Decimal("0.15")},
    )


def test_every_current_member_is_mailed_what_changed_once(
    settings, cooperative, treasurer, adopted, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://coop.example.org"
    german = MemberFactory(cooperative=cooperative, status=MemberStatus.ACTIVE, language="de")
    MemberFactory(cooperative=cooperative, status=MemberStatus.DEPARTED)
    MemberFactory(cooperative=cooperative, status=MemberStatus.APPLICANT)
    with django_capture_on_commit_callbacks(execute=True):
        policy = _adopt_new_version(cooperative, treasurer)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [treasurer.user.email, german.user.email]
    )
    english = next(m for m in mail.outbox if m.to == [treasurer.user.email])
    assert "The distribution policy changed (version 2)" in english.subject
    for change in CHANGES:
        assert change in english.body
    assert f"https://coop.example.org/c/{cooperative.slug}/money/policies/" in english.body
    deutsch = next(m for m in mail.outbox if m.to == [german.user.email])
    assert "Die Ausschüttungsregelung hat sich geändert (Version 2)" in deutsch.subject
    # Redelivered: nobody is mailed twice.
    assert tasks.tell_members_of_policy(policy.pk) == 0
    assert len(mail.outbox) == 2


def test_the_dashboard_tells_every_member_for_some_weeks(
    client, clock, cooperative, treasurer, member, adopted
):
    _adopt_new_version(cooperative, treasurer)
    signed_in(client, member)
    html = client.get(f"/c/{cooperative.slug}/").content.decode()
    assert "The distribution policy changed" in html
    assert "Version 2, adopted on" in html
    for change in CHANGES:
        assert change in html
    assert f'href="/c/{cooperative.slug}/money/policies/"' in html
    assert f'href="/c/{cooperative.slug}/money/rules/"' in html
    clock.advance(datetime.timedelta(days=POLICY_NOTICE_DAYS + 1))
    assert (
        "The distribution policy changed"
        not in client.get(f"/c/{cooperative.slug}/").content.decode()
    )


def test_the_rules_are_a_real_page(client, cooperative, member):
    signed_in(client, member)
    policies = client.get(f"/c/{cooperative.slug}/money/policies/").content.decode()
    assert f'<a href="/c/{cooperative.slug}/money/rules/">the payroll rules</a>' in policies
    rules = client.get(f"/c/{cooperative.slug}/money/rules/")
    assert rules.status_code == 200
    assert "<h1>Payroll rules: the monthly distribution</h1>" in rules.content.decode()
