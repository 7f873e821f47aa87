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
    # Decided last week, after the discussion and the vote the bylaws floors ask for.
    drafted = now - datetime.timedelta(days=8)
    decided = services.create_proposal(
        actor=members[0],
        title="Host client projects on our own servers",
        body=DECIDED_BODY,
        kind="spending",
        method="consent",
        opens_at=drafted + datetime.timedelta(days=2),
        closes_at=drafted + datetime.timedelta(days=6),
        now=drafted,
    )
    decided = services.open_proposal(actor=members[0], proposal=decided, now=drafted)
    services.add_comment(
        actor=members[2], proposal=decided, body="Yes, and let us document the setup."
    )
    services.sweep(decided.opens_at)
    voted = decided.opens_at + datetime.timedelta(hours=3)
    for member, choice in zip(members, ["agree", "agree", "abstain", "agree"], strict=False):
        services.cast_vote(actor=member, proposal=decided, ballot={"choice": choice}, now=voted)
    services.close_proposal(proposal=decided, actor=secretary, now=decided.closes_at)

    # In voting: drafted and opened two days ago, one day of discussion behind it.
    drafted = now - datetime.timedelta(days=2)
    ranked = services.create_proposal(
        actor=members[1],
        title="Where our education fund goes this year",
        body=RANKED_BODY,
        kind="general",
        method="schulze",
        options=["Django Girls", "Wagtail Space", "Python Software Foundation grants"],
        opens_at=drafted + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=6),
        allow_early_close=False,
        now=drafted,
    )
    ranked = services.open_proposal(actor=members[1], proposal=ranked, now=drafted)
    services.sweep(ranked.opens_at)
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
