"""Hand a Celery task to the worker once the transaction that asked for it commits.

The apps' enqueue modules (`governance/enqueue.py`, `payroll/enqueue.py`) name their tasks and
call this; services call those, and never import a tasks module (tasks import services).
"""

from typing import Any

from django.db import transaction


def after_commit(task: Any, *args: Any) -> None:
    """`task.delay(*args)` after the commit, and not at all after a rollback.

    `.delay()`, not `current_app.send_task(name)`: send_task ignores CELERY_TASK_ALWAYS_EAGER,
    so without a broker (the embedded default) the task would never run. robust: a broker that
    is down must not turn a committed change into an error page; beat's sweeps send again what
    was not sent (docs/operations.md, "Failures and recovery").
    """
    transaction.on_commit(lambda: task.delay(*args), robust=True)
