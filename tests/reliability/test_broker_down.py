"""The broker unreachable while a vote ends and while members use the site: nothing is lost.

A relay stands between the processes and the broker (tests/reliability/conftest.py); cutting it
is the outage. The worker runs beat with a one-second proposal sweep.
"""

import pytest
from django.utils import timezone

from coop.models import AuditEvent
from governance import services as governance
from governance.models import Proposal, State
from tests.conftest import as_member
from tests.factories import MemberFactory
from tests.governance.fixtures import voting_for_days
from tests.reliability.conftest import wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.worker]

# How beat says that a sweep did not reach the broker. Which line it writes depends on where the
# cut finds it: reconnecting (`beat: Connection error`, celery.beat.Service._ensure_connected) or
# publishing on a connection that dies under it (`Message Error: Couldn't apply scheduled task`,
# celery.beat.Scheduler.apply_entry). A loaded machine makes the second as likely as the first.
BEAT_FAILED = ("beat: Connection error", "Message Error:", "Couldn't apply scheduled task")
SWEPT = "Task governance.tasks.sweep_proposals["


def sweeps_done(worker) -> int:
    return worker.output().count(SWEPT) // 2  # "received" and "succeeded"


def test_a_vote_ending_while_the_broker_is_down_is_closed_once_when_it_is_back(
    app_through, start_worker, cooperative, secretary, api, mailbox
):
    voters = [secretary, *MemberFactory.create_batch(4, cooperative=cooperative)]
    worker = start_worker(beat=True, broker_url=app_through.url, PROPOSAL_SWEEP_SECONDS=1)
    # Both in voting for days already, past the minimum discussion and voting of the bylaws.
    proposal = voting_for_days(secretary, title="Join the federation")
    second = voting_for_days(secretary, title="Buy a second server", allow_early_close=False)
    for voter in voters[:3]:
        governance.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
    wait_until(lambda: len(mailbox.with_subject("Vote: Join the federation")) == 5, "notices")
    wait_until(lambda: len(mailbox.with_subject("Vote: Buy a second server")) == 5, "notices")

    app_through.cut()
    # The voting window ends during the outage.
    Proposal.objects.filter(pk=proposal.pk).update(closes_at=timezone.now())
    # A request that enqueues a task (closing a vote sends its result) still succeeds.
    path = f"/api/v1/coops/{cooperative.slug}/proposals/{second.pk}/close/"
    closed = as_member(api, secretary).post(path, format="json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == State.CLOSED
    wait_until(
        lambda: any(line in worker.output() for line in BEAT_FAILED),
        "beat to fail to send a sweep",
    )

    app_through.restore()

    def everything_sent():
        closed = Proposal.objects.filter(pk=proposal.pk, state=State.CLOSED).exists()
        results = mailbox.with_subject("Result: Join the federation")
        lost = mailbox.with_subject("Result: Buy a second server")
        return closed and len(results) >= 5 and len(lost) >= 5

    wait_until(everything_sent, "the sweep to close the vote and send what was lost")
    # A few more sweeps run: they find nothing left to do.
    done = sweeps_done(worker)
    wait_until(lambda: sweeps_done(worker) >= done + 3, "three more sweeps")

    proposal.refresh_from_db()
    assert proposal.result == Proposal.Result.PASSED
    assert int(proposal.tally["result"]["turnout"]) == 3
    closings = AuditEvent.objects.filter(verb="proposal.closed", object_id=str(proposal.pk))
    assert closings.count() == 1
    emails = sorted(voter.user.email for voter in voters)
    results = mailbox.with_subject("Result: Join the federation")
    assert sorted(mail.to for mail in results) == emails
    lost = mailbox.with_subject("Result: Buy a second server")
    assert sorted(mail.to for mail in lost) == emails
