"""The tasks payroll's services enqueue, by name, each sent once the transaction commits.

The one place that knows them: services call these functions and never import payroll.tasks,
which imports the services. A task is imported when it is enqueued, not when this module loads
(see `coop.enqueue.after_commit`).
"""

from coop.enqueue import after_commit


def distribution_documents(distribution_id: int) -> None:
    """Make the files of an approved distribution (payslips, report, CSV, SEPA); the
    document sweep enqueues again what a lost message left undone."""
    from payroll.tasks import generate_documents

    after_commit(generate_documents, distribution_id)


def policy_adopted(policy_id: int) -> None:
    """Tell every current member by e-mail what a newly adopted policy changed."""
    from payroll.tasks import tell_members_of_policy

    after_commit(tell_members_of_policy, policy_id)
