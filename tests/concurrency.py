"""Calls run at once in tests, each on a database connection of its own: races and lock waits.

`at_once` releases its calls together and answers, in their order, what each returned or raised;
`blocked_by_us` starts one call and returns once PostgreSQL shows it waiting for our locks.
Either raises in the test what a call raised that the test did not expect, and fails the test
when a thread outlives its bound (a bound against hanging, never a measurement of time).
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper

from coop.errors import DomainError

T = TypeVar("T")
Expected = type[BaseException] | tuple[type[BaseException], ...]

BOUND = 60.0  # seconds a thread may run before the test fails as hung


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What one call returned, or the exception it raised."""

    value: T | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def code(self) -> str:
        """The code of the domain error raised (`StateConflict`, `InvalidInput`...), or "ok"."""
        if self.error is None:
            return "ok"
        if isinstance(self.error, DomainError):
            return self.error.code
        return type(self.error).__name__


def _raise_unexpected(outcomes: list[Outcome[T]], expected: Expected) -> None:
    unexpected = [
        (number, outcome.error)
        for number, outcome in enumerate(outcomes, start=1)
        if outcome.error is not None and not isinstance(outcome.error, expected)
    ]
    if unexpected:
        numbers = ", ".join(str(number) for number, _error in unexpected)
        raise BaseExceptionGroup(
            f"call {numbers} of {len(outcomes)} raised what the test did not expect",
            [error for _number, error in unexpected],
        )


def _run(call: Callable[[], T], slot: list[Outcome[T]], before: Callable[[], object]) -> None:
    """The body of a thread: `before`, then the call, its outcome kept, its connection closed."""
    try:
        before()
        slot.append(Outcome(value=call()))
    except BaseException as error:  # handed to the test, which raises what it did not expect
        slot.append(Outcome(error=error))
    finally:
        connection.close()


def _join(threads: list[threading.Thread], bound: float) -> None:
    give_up = time.monotonic() + bound
    for number, thread in enumerate(threads, start=1):
        thread.join(max(0.0, give_up - time.monotonic()))
        if thread.is_alive():
            pytest.fail(f"call {number} of {len(threads)} still runs after {bound:g} s: hung")


def at_once(
    *calls: Callable[[], T], expected: Expected = (), bound: float = BOUND
) -> list[Outcome[T]]:
    """Run each call in a thread on its own connection, all released together by a barrier.

    Answers each call's outcome in the order of `calls`. An exception that is not one of
    `expected` (by default: any) is raised here, all of them in one group, so that a test that
    expects none has nothing to assert about errors.
    """
    barrier = threading.Barrier(len(calls))
    slots: list[list[Outcome[T]]] = [[] for _ in calls]
    threads = [
        threading.Thread(target=_run, args=(call, slot, lambda: barrier.wait(bound)), daemon=True)
        for call, slot in zip(calls, slots, strict=True)
    ]
    for thread in threads:
        thread.start()
    _join(threads, bound)
    outcomes = [slot[0] for slot in slots]
    _raise_unexpected(outcomes, expected)
    return outcomes


def _answer(cursor: CursorWrapper) -> Any:
    """The one value of a one-row, one-column query."""
    row = cursor.fetchone()
    assert row is not None
    return row[0]


class Waiting(Generic[T]):
    """A call started by `blocked_by_us`, waiting for our locks until we commit or roll back."""

    def __init__(self, thread: threading.Thread, slot: list[Outcome[T]], expected: Expected):
        self._thread, self._slot, self._expected = thread, slot, expected

    def join(self, bound: float = BOUND) -> Outcome[T]:
        """Wait for the call to end (once our transaction has) and answer its outcome."""
        _join([self._thread], bound)
        _raise_unexpected(self._slot, self._expected)
        return self._slot[0]


def blocked_by_us(
    call: Callable[[], T], *, expected: Expected = (), bound: float = BOUND
) -> Waiting[T]:
    """Start `call` in a thread on its own connection; return once PostgreSQL shows that
    connection's backend blocked by ours (`pg_blocking_pids`).

    Call it inside the transaction that holds the locks, and `join()` the answer after it: the
    test fails if the call ends without waiting for us, or is not seen waiting within `bound`.
    """
    backend: list[int] = []
    connected = threading.Event()

    def connect() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend.append(_answer(cursor))
        finally:
            connected.set()

    slot: list[Outcome[T]] = []
    thread = threading.Thread(target=_run, args=(call, slot, connect), daemon=True)
    thread.start()
    if not connected.wait(bound):
        pytest.fail(f"the call did not connect to the database within {bound:g} s")
    if backend:  # else the call could not connect: its error is raised below
        give_up = time.monotonic() + bound
        with connection.cursor() as cursor:
            while thread.is_alive() and time.monotonic() < give_up:
                cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", backend)
                if _answer(cursor):
                    return Waiting(thread, slot, expected)
        if thread.is_alive():
            pytest.fail(f"the call was not blocked by this connection within {bound:g} s")
    _join([thread], bound)
    _raise_unexpected(slot, expected)
    pytest.fail(f"the call ended without waiting for this connection: {slot[0]}")
