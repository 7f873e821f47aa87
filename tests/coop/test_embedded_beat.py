"""Without a broker (`make run`) there is no Celery beat: the site runs the sweeps itself, so a
proposal whose voting opens later leaves discussion on time."""

import datetime
import types

import pytest

from coop import embedded_beat
from governance.models import State

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 12, 4, 9, tzinfo=datetime.UTC)


@pytest.fixture
def beat(settings, monkeypatch, clock):
    clock.set(START)
    settings.EMBEDDED_BEAT = True
    # No thread in tests: one is "running" already.
    monkeypatch.setattr(embedded_beat, "_ticker", types.SimpleNamespace(is_alive=lambda: True))
    return clock


def test_voting_opens_and_closes_on_time_without_a_broker(beat, client, member, make_proposal):
    proposal = make_proposal(
        member,
        opens_at=START + datetime.timedelta(days=1, minutes=10),  # after a day of discussion
        closes_at=START + datetime.timedelta(days=4),
    )
    assert proposal.state == State.DISCUSSION
    client.force_login(member.user)
    client.get("/")
    beat.advance(datetime.timedelta(days=1, minutes=11))
    client.get("/")
    proposal.refresh_from_db()
    assert proposal.state == State.VOTING
    beat.advance(datetime.timedelta(days=3))
    client.get("/api/v1/coops/")
    proposal.refresh_from_db()
    assert proposal.state == State.CLOSED


def test_each_sweep_runs_at_most_once_per_interval(beat, client, member, make_proposal):
    proposal = make_proposal(
        member,
        opens_at=START + datetime.timedelta(days=1, seconds=20),  # after a day of discussion
        closes_at=START + datetime.timedelta(days=4),
    )
    beat.advance(datetime.timedelta(days=1))
    assert embedded_beat.run_due_tasks()  # every scheduled task is due at first
    beat.advance(datetime.timedelta(seconds=30))
    client.get("/")
    proposal.refresh_from_db()
    assert proposal.state == State.DISCUSSION  # swept less than a minute ago
    beat.advance(datetime.timedelta(seconds=31))
    client.get("/")
    proposal.refresh_from_db()
    assert proposal.state == State.VOTING


def test_a_failing_sweep_does_not_fail_the_page(beat, client, monkeypatch):
    def broken():
        raise RuntimeError("the mail server is down")

    monkeypatch.setattr("governance.tasks.sweep_proposals", broken)
    assert client.get("/login/").status_code == 200


def test_with_a_broker_beat_does_it(settings, client, member, make_proposal, clock):
    clock.set(START)
    settings.EMBEDDED_BEAT = False
    proposal = make_proposal(
        member,
        opens_at=START + datetime.timedelta(days=1, minutes=10),  # after a day of discussion
        closes_at=START + datetime.timedelta(days=4),
    )
    clock.advance(datetime.timedelta(days=1, minutes=11))
    client.get("/")
    proposal.refresh_from_db()
    assert proposal.state == State.DISCUSSION
