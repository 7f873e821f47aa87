"""Members log hours and vote while the treasurer approves last month, each on a connection of
their own: every entry ends up in the approved distribution or is refused with 409, none is
counted twice or lost, and every vote is counted once.

An approval finds the draft stale when hours changed since it was computed (409): the treasurer
recomputes, checks, and approves again. Under a stream of late entries that repeats until the
stream stops; the second test races single entries against approvals to meet both orders.
"""

import datetime
import functools
from collections import Counter
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from coop.clock import today_in
from coop.errors import StateConflict
from coop.models import TimeEntry
from governance import services as governance
from governance.models import Proposal
from payroll import distributing
from payroll.models import Distribution, DistributionLine
from payroll.services import money_in, policies
from tests.concurrency import at_once
from tests.factories import ClientFactory, MemberFactory, ProjectFactory, TimeEntryFactory
from tests.governance.fixtures import voting_for_days
from tests.payroll.books import POLICY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MEMBERS = 50
MOST_ENTRIES = 8  # late entries per member for last month (fewer if refused)


def months_ago(cooperative, count: int) -> datetime.date:
    month = today_in(cooperative).replace(day=1)
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


@pytest.fixture(autouse=True)
def files_and_hashing(settings, tmp_path):
    """Approvals make payslips in-process (eager tasks): into a temporary directory."""
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def busy_coop(cooperative, treasurer):
    month = months_ago(cooperative, 1)
    project = ProjectFactory(client=ClientFactory(cooperative=cooperative))
    members = MemberFactory.create_batch(MEMBERS, cooperative=cooperative)
    for member in [treasurer, *members]:
        TimeEntryFactory(member=member, project=project, date=month, minutes=60)
    money_in.record_revenue(
        actor=treasurer, cooperative=cooperative, client=project.client,
        amount=Decimal("50000.00"), received_on=month,
    )  # fmt: skip
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)
    draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=month)
    proposal = voting_for_days(treasurer, title="Move to the four-day week")
    return members, project, draft, proposal


def api_as(member) -> APIClient:
    client = APIClient()
    client.force_authenticate(member.user)
    return client


def test_members_write_while_the_treasurer_approves(cooperative, treasurer, busy_coop):
    members, project, draft, proposal = busy_coop
    month = draft.month
    base = f"/api/v1/coops/{cooperative.slug}/"
    logged: dict[int, list[tuple[int, int]]] = {}  # member id -> [(entry id, minutes)]
    refusals: list[tuple[int, str]] = []
    votes: list[int] = []
    approvals: list[int] = []

    def member_writes(member):
        api = api_as(member)
        mine = logged.setdefault(member.pk, [])
        voted = False
        for attempt in range(MOST_ENTRIES):
            day = month.replace(day=1 + attempt % 28)
            response = api.post(
                f"{base}time-entries/",
                {"project": project.pk, "date": day.isoformat(), "minutes": 15 + attempt},
                format="json",
            )
            refused = response.status_code != 201
            if refused:
                refusals.append((response.status_code, response.json()["code"]))
            else:
                mine.append((response.json()["id"], 15 + attempt))
            if not voted and (attempt == 2 or refused):  # each votes once, in the middle
                vote = api.post(
                    f"{base}proposals/{proposal.pk}/vote/", {"choice": "agree"}, format="json"
                )
                votes.append(vote.status_code)
                voted = True
            if refused:
                break

    def treasurer_approves():
        api = api_as(treasurer)
        run = f"{base}distributions/{draft.pk}/"
        while True:  # a draft that went stale meanwhile is recomputed, then approved
            approved = api.post(run + "approve/")
            detail = approved.json().get("detail", "")
            stale = "changed since this draft was computed" in detail
            approvals.append("stale" if stale else approved.status_code)
            if not stale:
                return
            recomputed = api.post(run + "recompute/")
            if recomputed.status_code != 200:
                approvals.append(recomputed.status_code)
                return

    writers = [functools.partial(member_writes, member) for member in members]
    at_once(*writers, treasurer_approves, bound=300)  # 51 threads: minutes on a loaded machine

    # Refused writes were refused as a locked period, nothing else (no 500, no deadlock 503).
    assert set(refusals) <= {(409, "period_locked")}, Counter(refusals)
    assert set(approvals[:-1]) <= {"stale"} and approvals[-1] == 200, approvals
    run = Distribution.objects.get(pk=draft.pk)
    assert run.status == Distribution.Status.APPROVED

    # Every accepted entry is in the month once; nothing else is.
    accepted = {entry_id for entries in logged.values() for entry_id, _minutes in entries}
    in_month = TimeEntry.objects.filter(cooperative=cooperative, date__year=month.year)
    in_month = in_month.filter(date__month=month.month)
    assert in_month.count() == len(accepted) + MEMBERS + 1  # + the entry each had already
    assert accepted <= set(in_month.values_list("pk", flat=True))

    # The approved distribution counts exactly those minutes, member by member.
    lines = dict(
        run.lines.filter(kind=DistributionLine.Kind.MEMBER).values_list("member_id", "minutes")
    )
    expected = {member.pk: 60 + sum(m for _id, m in logged[member.pk]) for member in members}
    expected[treasurer.pk] = 60
    assert lines == expected
    assert sum(run.lines.values_list("share", flat=True)) == run.surplus

    # Every vote was counted once.
    assert votes == [200] * MEMBERS
    closed = governance.close_proposal(proposal=proposal, actor=None)
    assert int(closed.tally["result"]["turnout"]) == MEMBERS
    assert Proposal.objects.get(pk=proposal.pk).result == Proposal.Result.PASSED

    # And once the month is approved, a late entry is refused as a locked period.
    late = api_as(members[0]).post(
        f"{base}time-entries/",
        {"project": project.pk, "date": month.isoformat(), "minutes": 30},
        format="json",
    )
    assert (late.status_code, late.json()["code"]) == (409, "period_locked")


def test_an_entry_racing_the_approval_is_counted_or_refused(cooperative, treasurer):
    """One entry and one approval start together, month after month: whichever wins the co-op's
    books, the entry is in the approved distribution (directly, or after the stale draft is
    recomputed) or it is refused as a locked period; never accepted and left out."""
    member = MemberFactory(cooperative=cooperative)
    project = ProjectFactory(client=ClientFactory(cooperative=cooperative))
    policies.adopt_policy(actor=treasurer, cooperative=cooperative, **POLICY)

    def log_late(month):
        return api_as(member).post(
            f"/api/v1/coops/{cooperative.slug}/time-entries/",
            {"project": project.pk, "date": month.isoformat(), "minutes": 45},
            format="json",
        )

    def approve(draft):
        return distributing.approve_distribution(actor=treasurer, distribution=draft)

    outcomes = Counter()
    for back in range(1, 13):
        month = months_ago(cooperative, back)
        for worker in (treasurer, member):
            TimeEntryFactory(member=worker, project=project, date=month, minutes=60)
        money_in.record_revenue(
            actor=treasurer, cooperative=cooperative, client=project.client,
            amount=Decimal("1000.00"), received_on=month,
        )  # fmt: skip
        draft = distributing.create_draft(actor=treasurer, cooperative=cooperative, month=month)
        logged, approval = at_once(
            functools.partial(log_late, month),
            functools.partial(approve, draft),
            expected=StateConflict,
        )
        if not approval.ok:  # stale: the treasurer recomputes, checks and approves
            draft = distributing.recompute_draft(actor=treasurer, distribution=draft)
            distributing.approve_distribution(actor=treasurer, distribution=draft)
        entry = logged.value
        line = draft.lines.get(member=member)
        if entry.status_code == 201:
            assert line.minutes == 60 + 45
            outcomes["counted"] += 1
        else:
            assert (entry.status_code, entry.json()["code"]) == (409, "period_locked")
            assert line.minutes == 60
            assert not TimeEntry.objects.filter(member=member, date=month, minutes=45).exists()
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == 12, outcomes
