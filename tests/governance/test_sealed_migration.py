"""The migrations that seal the secret ballots cast before this release, and the stored answers."""

import datetime

import pytest
from django.db import connection

from api.idempotency import open_answer, stored_key
from api.models import IdempotencyRecord
from coop import clock
from governance.models import Proposal, SealedBallotBox, SecretBallot, VoterRoll
from tests.factories import MemberFactory
from tests.governance.ballot_boxes import unsealed
from tests.migration_steps import latest_schema_after, migrate  # noqa: F401 (a fixture)

BEFORE = [("governance", "0001_proposals"), ("api", "0002_idempotency_records")]
# After: sealed (0002), and the latest governance schema, which the current models read.
AFTER = [
    ("governance", "0006_ballot_positions"),
    ("api", "0003_idempotency_sealed_answers"),
]


def physical_roll(proposal) -> list[int]:
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        query = "SELECT member_id FROM governance_voterroll WHERE proposal_id = %s ORDER BY "
        cursor.execute(query + position, [proposal.pk])
        return [row[0] for row in cursor.fetchall()]


def _secret_proposal(apps, author, state, ballots):
    """Written with the models of the schema before sealing (`apps`); returns the primary key."""
    now = clock.now()
    proposal = apps.get_model("governance", "Proposal").objects.create(
        cooperative_id=author.cooperative_id,
        author_id=author.pk,
        title=f"A {state} vote",
        quorum="1/2",
        threshold="1/2",
        secret=True,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
        state=state,
        result="passed" if state == "closed" else "",
    )
    secret_ballots = apps.get_model("governance", "SecretBallot").objects
    for n, (voter, choice) in enumerate(ballots):
        VoterRoll.objects.create(proposal_id=proposal.pk, member=voter)
        secret_ballots.create(
            proposal_id=proposal.pk,
            content={"choice": choice},
            receipt_hash=f"{state[0]}{n}".ljust(64, "0"),
        )
    return proposal.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_open_secret_ballots_are_sealed_and_closed_ones_kept_in_a_new_order(cooperative):
    members = sorted(
        (MemberFactory(cooperative=cooperative) for _ in range(3)), key=lambda m: -m.pk
    )
    apps = migrate(BEFORE)
    try:
        votes = list(zip(members, ["agree", "disagree", "abstain"], strict=True))
        voting = _secret_proposal(apps, members[0], "voting", votes)
        closed = _secret_proposal(apps, members[0], "closed", votes)
        IdempotencyRecord.objects.create(
            user=members[0].user,
            key="the-key",
            method="POST",
            path="/vote/",
            request_hash="0" * 64,
            status_code=200,
            response_body='{"receipt": "0123456789abcdef"}',
        )
    finally:
        migrate(AFTER)

    voting, closed = Proposal.objects.get(pk=voting), Proposal.objects.get(pk=closed)
    assert not SecretBallot.objects.filter(proposal=voting).exists()
    assert sorted(receipt[:2] for _, receipt in unsealed(voting)) == ["v0", "v1", "v2"]
    assert sorted(b["choice"] for b, _ in unsealed(voting)) == ["abstain", "agree", "disagree"]
    kept = SecretBallot.objects.filter(proposal=closed)
    assert sorted(kept.values_list("receipt_hash", flat=True)) == [
        f"c{n}".ljust(64, "0") for n in range(3)
    ]
    assert not SealedBallotBox.objects.filter(proposal=closed).exists()
    for proposal in (voting, closed):  # the roll rewritten in member order, not in cast order
        assert physical_roll(proposal) == sorted(member.pk for member in members)
    record = IdempotencyRecord.objects.get()
    assert record.key == stored_key("the-key") and "0123456789abcdef" not in record.response_body
    assert open_answer("the-key", record.response_body) == '{"receipt": "0123456789abcdef"}'

    # And back: the sealed ballots of the open vote come out in the clear again.
    migrate(BEFORE)
    try:
        back = SecretBallot.objects.filter(proposal=voting).values_list("receipt_hash", flat=True)
        assert sorted(h[:2] for h in back) == ["v0", "v1", "v2"]
    finally:
        migrate(AFTER)
