"""coop.enqueue: a task goes to the worker after the commit, never after a rollback, and a broker
that is down does not undo the committed change."""

import pytest
from django.db import transaction

from coop.enqueue import after_commit


class Task:
    def __init__(self, fails: bool = False):
        self.sent: list[tuple] = []
        self.fails = fails

    def delay(self, *args):
        if self.fails:
            raise ConnectionError("the broker is down")
        self.sent.append(args)


pytestmark = pytest.mark.django_db


def test_it_sends_after_the_commit(django_capture_on_commit_callbacks):
    task = Task()
    with django_capture_on_commit_callbacks(execute=True):
        after_commit(task, 7, "x")
        assert task.sent == []  # not before the commit
    assert task.sent == [(7, "x")]


def test_a_rollback_sends_nothing(django_capture_on_commit_callbacks):
    task = Task()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        after_commit(task, 7)
        raise RuntimeError
    assert callbacks == []
    assert task.sent == []


def test_a_broker_that_is_down_does_not_raise(django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        after_commit(Task(fails=True), 7)
    assert "the broker is down" in caplog.text


def test_the_apps_enqueue_their_tasks_eagerly_without_a_broker(
    django_capture_on_commit_callbacks, monkeypatch
):
    """With no broker (CELERY_TASK_ALWAYS_EAGER), the named tasks run in the process."""
    from governance import enqueue as governance_enqueue
    from governance import tasks as governance_tasks
    from payroll import enqueue as payroll_enqueue
    from payroll import tasks as payroll_tasks

    ran = []
    for module, name in (
        (governance_tasks, "notify_voting_opened"),
        (governance_tasks, "notify_result"),
        (payroll_tasks, "generate_documents"),
    ):
        monkeypatch.setattr(getattr(module, name), "run", lambda pk, name=name: ran.append(name))
    with django_capture_on_commit_callbacks(execute=True):
        governance_enqueue.voting_opened_notice(1)
        governance_enqueue.result_notice(1)
        payroll_enqueue.distribution_documents(1)
    assert ran == ["notify_voting_opened", "notify_result", "generate_documents"]
