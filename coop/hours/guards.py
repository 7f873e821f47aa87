"""Rules of other apps that a change to a time entry must pass: a registry that they fill in
their `AppConfig.ready()` (billing refuses changes to billed entries), since coop imports none
of them.

A guard is called with the entry as stored and the names of the fields that change
(`DELETED` when the entry is deleted), inside the write's transaction, and raises a
`coop.errors.DomainError` to refuse.
"""

from collections.abc import Callable, Iterable

from coop.models import TimeEntry

DELETED = "deleted"

Guard = Callable[[TimeEntry, frozenset[str]], None]
_guards: list[Guard] = []


def register(guard: Guard) -> Guard:
    """Add a guard (once, however often an app's ready() runs)."""
    if guard not in _guards:
        _guards.append(guard)
    return guard


def check(entry: TimeEntry, changed: Iterable[str]) -> None:
    names = frozenset(changed)
    for guard in _guards:
        guard(entry, names)
