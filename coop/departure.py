"""What follows a member's departure, for the apps above coop to fill in (coop imports none).

Payroll registers two things in its AppConfig.ready: what to do when a member departs (draft
their settlement, in the transaction that records the departure), and whether a departed member
is paid in full (then their read access to their money pages ends).
"""

from collections.abc import Callable

from coop.models import Member

OnDeparture = Callable[[Member], None]
PaidInFull = Callable[[Member], bool]

_on_departure: dict[str, OnDeparture] = {}
_paid_in_full: dict[str, PaidInFull] = {}


def register(name: str, *, on_departure: OnDeparture, paid_in_full: PaidInFull) -> None:
    """Register (or replace) an app's steps under its name."""
    _on_departure[name] = on_departure
    _paid_in_full[name] = paid_in_full


def member_departed(member: Member) -> None:
    """Run every registered step for a member whose status just became departed."""
    for step in _on_departure.values():
        step(member)


def reads_end(member: Member) -> bool:
    """Whether a departed member has lost their read access: some app says they are paid in
    full (their settlement settled). A member who has not departed keeps it, of course."""
    if member.status != "departed":
        return False
    return any(paid(member) for paid in _paid_in_full.values())
