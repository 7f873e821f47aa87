"""What other apps do when a member is admitted or leaves, called by coop's membership services.

coop imports no other app: payroll (the buy-in subscription, the register's exit date) fills
this registry in its `AppConfig.ready`, as governance's actions registry is filled. A listener
runs in the service's transaction: what it refuses, the admission or departure refuses too.
"""

import datetime
from collections.abc import Callable

from coop.models import Member

Listener = Callable[[Member, datetime.date], None]
_listeners: dict[str, dict[str, Listener]] = {"admitted": {}, "departed": {}}


def listen(event: str, name: str, listener: Listener) -> None:
    """Call `listener(member, effective_on)` on `event` ("admitted" or "departed"); registering
    the same name again replaces it."""
    _listeners[event][name] = listener


def announce(event: str, member: Member, effective_on: datetime.date) -> None:
    for listener in _listeners[event].values():
        listener(member, effective_on)
