"""Writes of governance, one module per stage of a proposal: `drafting` (draft, open, withdraw,
comment, calendar feed), `voting` (cast a ballot), `delegating` (liquid democracy), `closing`
(count, act, sweep), `probation` (the proposal drafted when a probation ends). Callers import
them from here: `from governance import services`."""

from governance.selectors import ballot_file, delegations_for
from governance.services.closing import (
    close_proposal,
    everyone_voted,
    quorum_fraction,
    sweep,
)
from governance.services.delegating import delegate_vote, revoke_delegation
from governance.services.drafting import (
    DRAFT_FIELDS,
    OPTION_METHODS,
    add_comment,
    create_proposal,
    delete_draft,
    eligible_members,
    open_proposal,
    renew_calendar_feed,
    update_draft,
    voting_statuses,
    withdraw_proposal,
)
from governance.services.probation import draft_probation_review, probations_ended
from governance.services.voting import Cast, cast, cast_vote, receipt_hash

__all__ = [
    "DRAFT_FIELDS",
    "OPTION_METHODS",
    "Cast",
    "add_comment",
    "ballot_file",
    "cast",
    "cast_vote",
    "close_proposal",
    "create_proposal",
    "delegate_vote",
    "delegations_for",
    "delete_draft",
    "draft_probation_review",
    "eligible_members",
    "everyone_voted",
    "open_proposal",
    "probations_ended",
    "quorum_fraction",
    "receipt_hash",
    "renew_calendar_feed",
    "revoke_delegation",
    "sweep",
    "update_draft",
    "voting_statuses",
    "withdraw_proposal",
]
