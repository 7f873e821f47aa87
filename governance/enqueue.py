"""The tasks governance's services enqueue, by name, each sent once the transaction commits.

The one place that knows them: services call these functions and never import
governance.tasks, which imports the services. A task is imported when it is enqueued, not when
this module loads (see `coop.enqueue.after_commit`).
"""

from coop.enqueue import after_commit


def voting_opened_notice(proposal_id: int) -> None:
    """E-mail the electorate that voting opened; the minute sweep resends a lost one."""
    from governance.tasks import notify_voting_opened

    after_commit(notify_voting_opened, proposal_id)


def result_notice(proposal_id: int) -> None:
    """E-mail the electorate the result; the minute sweep resends a lost one for a week."""
    from governance.tasks import notify_result

    after_commit(notify_result, proposal_id)
