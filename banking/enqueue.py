"""The tasks banking's services enqueue, by name, each sent once the transaction commits.

Services call these functions and never import banking.tasks, which imports the services
(see `coop.enqueue.after_commit`).
"""

from coop.enqueue import after_commit


def suggest_for_statements(cooperative_id: int, statement_ids: list[int]) -> None:
    """Suggest matches for the transactions of newly imported statements. Suggesting is
    idempotent; a lost message leaves the transactions in the unmatched queue, where the
    treasurer's "Find matches" suggests again."""
    from banking.tasks import suggest_matches

    after_commit(suggest_matches, cooperative_id, statement_ids)
