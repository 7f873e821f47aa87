"""The demo co-op's decisions: one decided, one in voting (ranked), one in discussion, a
delegation. Loaded by `manage.py demo` (coop discovers `<app>.demo`)."""

import datetime

from coop import clock
from coop.models import Cooperative, Member
from governance import services
from governance.models import Proposal

DECIDED_BODY = """We host every client project on servers we run ourselves.

- **Why**: our clients' data stays in the EU, and we learn what we sell.
- **Cost**: about 240 EUR a month, within the operations budget.
"""
RANKED_BODY = """Which free-software project gets our **education fund** this year? Rank the
candidates; the Schulze method finds the option that beats every other one head to head."""
DISCUSSION_BODY = """Should we move to a four-day week from January, at the same hourly rate?
Comment below before the vote opens."""


def load_demo(cooperative: Cooperative, today: datetime.date) -> None:
    """Idempotent: a co-op that already has proposals keeps them."""
    if Proposal.objects.filter(cooperative=cooperative).exists():
        return
    members = list(
        Member.objects.filter(cooperative=cooperative, status="active")
        .select_related("user")
        .order_by("id")
    )
    secretary = next(m for m in members if m.is_secretary)
    now = clock.now()
    decided = services.create_proposal(
        actor=members[0],
        title="Host client projects on our own servers",
        body=DECIDED_BODY,
        kind="spending",
        method="consent",
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(days=3),
    )
    decided = services.open_proposal(actor=members[0], proposal=decided)
    services.add_comment(
        actor=members[2], proposal=decided, body="Yes, and let us document the setup."
    )
    for member, choice in zip(members, ["agree", "agree", "abstain", "agree"], strict=False):
        services.cast_vote(actor=member, proposal=decided, ballot={"choice": choice})
    services.close_proposal(proposal=decided, actor=secretary)

    ranked = services.create_proposal(
        actor=members[1],
        title="Where our education fund goes this year",
        body=RANKED_BODY,
        kind="general",
        method="schulze",
        options=["Django Girls", "Wagtail Space", "Python Software Foundation grants"],
        opens_at=now - datetime.timedelta(minutes=5),
        closes_at=now + datetime.timedelta(days=6),
        allow_early_close=False,
    )
    ranked = services.open_proposal(actor=members[1], proposal=ranked)
    services.cast_vote(
        actor=members[1],
        proposal=ranked,
        ballot={"ranking": ["Django Girls", "Python Software Foundation grants", "Wagtail Space"]},
    )
    if len(members) > 4:
        services.delegate_vote(actor=members[4], delegate=members[1])

    discussion = services.create_proposal(
        actor=members[2],
        title="A four-day week from January",
        body=DISCUSSION_BODY,
        kind="policy",
        method="supermajority",
        opens_at=now + datetime.timedelta(days=4),
        closes_at=now + datetime.timedelta(days=11),
    )
    services.open_proposal(actor=members[2], proposal=discussion)


def summary(cooperative: Cooperative) -> str:
    count = Proposal.objects.filter(cooperative=cooperative).count()
    return f"{count} proposals (one decided, one in voting, one in discussion)"
