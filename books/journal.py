"""Writing the journal: `post` records one balanced entry for a money event, in the event's own
transaction; `reverse` records the entry that takes one back. Nothing else writes entries, and
nothing edits them.

A line names its account by role (`books.charts.Role`: the co-op's mapping says which account
plays it) or by the `LedgerAccount` itself. An entry that does not balance is a programming
error, never the user's: `UnbalancedEntry` is raised before anything is written, and on
PostgreSQL the database refuses it again at commit (migration 0001).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from books import setup
from books.models import AccountMapping, EntryKind, JournalEntry, JournalLine, LedgerAccount
from coop import clock
from coop.errors import StateConflict
from coop.models import Cooperative, Member

CENT = Decimal("0.01")


class UnbalancedEntry(AssertionError):
    """The lines of an entry do not add up to zero, or are not lines at all (a bug)."""


class MissingAccount(StateConflict):
    """The co-op's chart has no account for a role an event needs (a 409 naming the role)."""

    code = "missing_account"


@dataclass(frozen=True)
class Line:
    """One line to post: a debit when `amount` is positive, a credit when negative."""

    account: str | LedgerAccount  # a role, or the account itself
    amount: Decimal
    member: Member | None = None
    memo: str = ""


def debit(account: str | LedgerAccount, amount: Decimal, **kwargs: Any) -> Line:
    return Line(account, Decimal(amount), **kwargs)


def credit(account: str | LedgerAccount, amount: Decimal, **kwargs: Any) -> Line:
    return Line(account, -Decimal(amount), **kwargs)


def check_balanced(lines: Sequence[Line]) -> None:
    """Raise `UnbalancedEntry` unless there are two lines or more, each a non-zero amount in
    cents, adding up to zero."""
    if len(lines) < 2:
        raise UnbalancedEntry(f"an entry needs two lines or more, not {len(lines)}")
    for line in lines:
        if not line.amount.is_finite() or line.amount == 0:
            raise UnbalancedEntry(f"a line of {line.amount} on {line.account}")
        if line.amount != line.amount.quantize(CENT):
            raise UnbalancedEntry(f"a line of {line.amount} on {line.account} is not in cents")
    total = sum((line.amount for line in lines), Decimal("0"))
    if total != 0:
        described = ", ".join(f"{line.account} {line.amount}" for line in lines)
        raise UnbalancedEntry(f"the lines add up to {total}, not 0: {described}")


def _mapped(cooperative: Cooperative, roles: set[str]) -> dict[str, LedgerAccount]:
    return {
        mapping.role: mapping.account
        for mapping in AccountMapping.objects.filter(
            cooperative=cooperative, role__in=roles
        ).select_related("account")
    }


def accounts_for(cooperative: Cooperative, roles: Iterable[str]) -> dict[str, LedgerAccount]:
    """The co-op's account for each role (one query; the default chart of its country is
    installed first if it has none); `MissingAccount` names the first role the chart leaves
    without one."""
    wanted = set(roles)
    found = _mapped(cooperative, wanted)
    if wanted - found.keys() and setup.ensure_chart(cooperative, wanted - found.keys()):
        found = _mapped(cooperative, wanted)  # the first entry of its books: the chart is new
    missing = sorted(wanted - found.keys())
    if missing:
        raise MissingAccount(
            _("The chart of accounts has no account for “%(role)s”: choose one in the settings.")
            % {"role": missing[0]},
            field=missing[0],
        )
    return found


def post(
    *,
    cooperative: Cooperative,
    date: Any,
    kind: str,
    description: str,
    lines: Sequence[Line],
    source: tuple[str, Any] | None = None,
    actor: Member | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Record one balanced entry. Called inside the transaction of the event it records (it
    opens one when there is none, without a savepoint when there is)."""
    lines = list(lines)
    check_balanced(lines)
    roles = [line.account for line in lines if isinstance(line.account, str)]
    accounts = accounts_for(cooperative, roles) if roles else {}
    for line in lines:
        account = line.account
        if isinstance(account, LedgerAccount) and account.cooperative_id != cooperative.pk:
            raise UnbalancedEntry(f"{account} is another co-op's account")
    source_type, source_id = source if source else ("", "")
    with transaction.atomic(savepoint=False):
        entry = JournalEntry.objects.create(
            cooperative=cooperative,
            date=date,
            kind=kind,
            description=description[:300],
            source_type=source_type,
            source_id=str(source_id),
            reverses=reverses,
            created_by=actor,
            created_at=clock.now(),
        )
        JournalLine.objects.bulk_create(
            JournalLine(
                entry=entry,
                account=accounts[line.account] if isinstance(line.account, str) else line.account,
                amount=line.amount,
                member=line.member,
                memo=line.memo[:200],
            )
            for line in lines
        )
    return entry


def reverse(
    entry: JournalEntry, *, date: Any, description: str = "", actor: Member | None = None
) -> JournalEntry:
    """The entry that takes `entry` back, line by line, on `date` (409 if it was reversed).

    The 409 is raised once the block is left, so that it does not break the caller's
    transaction; the one-to-one `reverses` stops a concurrent second reversal."""
    with transaction.atomic(savepoint=False):
        locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if not JournalEntry.objects.filter(reverses=locked).exists():
            lines = [
                Line(line.account, -line.amount, member=line.member, memo=line.memo)
                for line in locked.lines.select_related("account")
            ]
            return post(
                cooperative=locked.cooperative,
                date=date,
                kind=EntryKind.REVERSAL,
                description=description
                or _("Reversal of: %(entry)s") % {"entry": locked.description},
                lines=lines,
                source=(locked.source_type, locked.source_id) if locked.source_type else None,
                actor=actor,
                reverses=locked,
            )
    raise StateConflict(_("This journal entry was reversed already."), code="already_reversed")
