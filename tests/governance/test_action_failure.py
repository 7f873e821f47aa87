"""A passed proposal whose action fails stays passed with the failure on its page: a rule's
refusal in its own words, anything else (a fault of Cooperage, a value the database refused)
said as such, with its traceback in the server's log and never Python's or the database's own
message in front of members."""

import dataclasses
import logging

import pytest

from coop.errors import StateConflict
from coop.models import AuditEvent
from governance import services
from governance.actions import registry
from governance.models import Proposal
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def failing_with(monkeypatch, error: Exception) -> None:
    """amend_bylaws, changing the bylaws and then failing: the change must not stay."""
    action = registry.get("amend_bylaws")

    def execute(cooperative, payload, proposal):
        action.execute(cooperative, payload, proposal)
        raise error

    monkeypatch.setitem(
        registry._registry, "amend_bylaws", dataclasses.replace(action, execute=execute)
    )


def pass_amendment(make_proposal, member) -> Proposal:
    """Every member agrees, so the vote closes early and its action runs."""
    voters = [member, *(MemberFactory(cooperative=member.cooperative) for _n in range(2))]
    proposal = make_proposal(
        member,
        title="Raise the spending limit",
        kind="bylaws",
        method="supermajority",
        action="amend_bylaws",
        action_payload={"spending_limit": "2500.00"},
    )
    for voter in voters:
        services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
    proposal.refresh_from_db()
    assert proposal.state == "closed"
    return proposal


def test_a_fault_is_said_as_such_and_logged_with_its_traceback(
    make_proposal, member, monkeypatch, caplog
):
    failing_with(monkeypatch, RuntimeError("numeric field overflow in coop_subscription"))
    with caplog.at_level(logging.ERROR, logger="governance.services.closing"):
        proposal = pass_amendment(make_proposal, member)
    assert proposal.result == "passed"
    assert proposal.action_error == (
        "Not carried out: Cooperage met an error it did not expect (RuntimeError). Nothing was "
        "changed; an admin will find the details in the server's log."
    )
    assert "overflow" not in proposal.action_error
    [logged] = [entry for entry in caplog.records if entry.exc_info]
    assert f"proposal {proposal.pk}: action amend_bylaws failed" in logged.getMessage()
    assert "numeric field overflow" in str(logged.exc_info[1])
    failed = AuditEvent.objects.get(verb="action.failed", object_id=str(proposal.pk))
    assert failed.data == {"error": proposal.action_error}
    member.cooperative.refresh_from_db()
    assert member.cooperative.bylaws.get("spending_limit") != "2500.00"


def test_a_rule_s_refusal_is_shown_in_its_own_words_and_not_logged_as_a_fault(
    make_proposal, member, monkeypatch, caplog
):
    failing_with(monkeypatch, StateConflict("the co-op's capital is short of it"))
    with caplog.at_level(logging.ERROR, logger="governance.services.closing"):
        proposal = pass_amendment(make_proposal, member)
    assert proposal.action_error == "The co-op's capital is short of it"
    assert not [entry for entry in caplog.records if entry.exc_info]


def test_an_amendment_that_no_longer_fits_the_bylaws_says_why_in_words(make_proposal, member):
    """Two amendments, each valid when proposed: ten shares of 100.00 become 100,000 shares in
    one and a share of 999,999,999.00 in the other. Once the second has passed, the first would
    ask a buy-in the books cannot hold: it is not carried out, and its page says so with every
    problem in words (not the bylaws editor's `buyin.shares: …`), with nothing changed."""
    coop = member.cooperative
    coop.bylaws = {**coop.bylaws, "buyin": {"shares": 10, "nominal_value": "100.00"}}
    coop.save(update_fields=["bylaws"])
    voters = [member, *(MemberFactory(cooperative=coop) for _n in range(2))]
    more_shares, dearer_share = (
        make_proposal(
            member,
            title=title,
            kind="bylaws",
            method="supermajority",
            action="amend_bylaws",
            action_payload={"buyin": terms},
        )
        for title, terms in (
            ("Sell more shares", {"shares": 100_000}),
            ("A dearer share", {"nominal_value": "999999999.00"}),
        )
    )
    for proposal in (dearer_share, more_shares):
        for voter in voters:
            services.cast_vote(actor=voter, proposal=proposal, ballot={"choice": "agree"})
        proposal.refresh_from_db()
        assert (proposal.state, proposal.result) == ("closed", "passed")
    assert dearer_share.action_error == ""
    assert more_shares.action_error == (
        "Not carried out: with this amendment, the bylaws as they stand now would not be valid "
        "(they may have changed since it was proposed). Nothing was changed. The buy-in, the "
        "number of shares times the nominal value of a share, is at most 999,999,999,999.99."
    )
    coop.refresh_from_db()
    assert coop.bylaws["buyin"] == {"shares": 10, "nominal_value": "999999999.00"}
    failed = AuditEvent.objects.get(verb="action.failed", object_id=str(more_shares.pk))
    assert failed.data == {"error": more_shares.action_error}
