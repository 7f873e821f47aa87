"""Governance fixtures: proposals at each stage, for every test package (see tests/conftest.py).

Proposals keep the bylaws floors of their kind: a proposal made to vote on is drafted with the
minimum discussion ahead of it, and the test clock is then moved to the moment voting opens.
"""

import datetime

import pytest
from django.utils import timezone

from coop import clock as project_clock
from governance import services
from governance.floors import floors_for
from governance.models import State

WEEK = datetime.timedelta(days=7)


@pytest.fixture
def now(clock):
    """The instant the test starts at; the clock stands still there until a test moves it."""
    return clock.set(timezone.now().replace(microsecond=0))


@pytest.fixture
def make_proposal(now, clock):
    """Draft (and by default open) a proposal by `author`.

    Left to itself it asks the floors of its kind: the minimum discussion from the current
    time, then a week of voting (or the minimum, if longer); opened, the clock then moves to the
    moment its voting opens. A proposal given its own `opens_at` stays in discussion until then.
    """

    def make(author, *, start=True, **fields):
        floors = floors_for(author.cooperative, fields.get("kind", "general"))
        to_voting = "opens_at" not in fields
        fields.setdefault("title", "Adopt the four-day week")
        fields.setdefault("opens_at", project_clock.now() + floors.discussion)
        fields.setdefault("closes_at", fields["opens_at"] + max(WEEK, floors.voting))
        proposal = services.create_proposal(actor=author, **fields)
        if start:
            proposal = services.open_proposal(actor=author, proposal=proposal)
            if proposal.state == State.DISCUSSION and to_voting:
                clock.set(max(proposal.opens_at, project_clock.now()))
                services.sweep()
                proposal.refresh_from_db()
        return proposal

    return make


@pytest.fixture
def voting_floor_passed(clock):
    """Move the clock past the minimum voting period of a proposal in voting, so that a
    secretary may close it early."""

    def passed(proposal):
        floors = floors_for(proposal.cooperative, proposal.kind)
        clock.set(proposal.voting_opened_at + floors.voting)

    return passed


def close_on_time(proposal, **kwargs):
    """Close a proposal in voting when its voting period ends (as the sweep does)."""
    return services.close_proposal(
        proposal=proposal, actor=kwargs.pop("actor", None), now=proposal.closes_at, **kwargs
    )


def voting_for_days(author, days=3, **fields):
    """A proposal in voting for `days` days already (or its minimum voting period, if longer),
    drafted and discussed before that, by the real clock: for tests with a live worker or
    threads, where the test clock must not stand still. Closing it early is allowed."""
    floors = floors_for(author.cooperative, fields.get("kind", "general"))
    now = project_clock.now()
    opens = now - max(datetime.timedelta(days=days), floors.voting)
    drafted = opens - floors.discussion
    fields.setdefault("title", "Adopt the four-day week")
    fields.setdefault("closes_at", now + datetime.timedelta(days=1))
    proposal = services.create_proposal(actor=author, opens_at=opens, now=drafted, **fields)
    services.open_proposal(actor=author, proposal=proposal, now=drafted)
    services.sweep(opens)
    proposal.refresh_from_db()
    return proposal
