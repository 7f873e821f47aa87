"""The checks a parsed statement passes before it is imported: its account, its currency, its
balances, and which of its transactions are new (`banking.importing` writes; the preview shows).
Each statement's outcome is a `banking.statement_plans.StatementPlan`.

The checks stream a statement's entries (a camt statement reads them from its file each time;
see `banking.parsing.camt.CamtEntries`) and keep a fixed amount of data per statement whatever
its length: `_scan` makes one pass for the count, the total, the booking dates, and an 8-byte
hash of each entry's key (an array, 8 bytes an entry, dropped once the keys that occur more than
once are known). A fingerprint (`banking.fingerprints`) is then made again whenever it is needed
(`fingerprinted`): only the repeated keys are counted. Which entries are new is one byte an entry
(`is_new`); the fingerprints are compared with the account's stored ones in a second pass only
when the account has transactions over the statement's dates, or when a later statement of the
file is for the same account.
"""

import datetime
import hashlib
from array import array
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

# `_scan` hashes each entry's key itself in its one pass (`_key`, `_key_hash`, `_repeated`).
from banking.fingerprints import (
    _key,
    _key_hash,
    _repeated,
    cents,
    compact,
    family_of,
    fingerprinted,
)
from banking.models import BankAccount, BankStatement, BankTransaction
from banking.parsing.types import ParsedEntry, ParsedStatement
from banking.statement_plans import DuplicateStatement, StatementPlan, StatementRefused
from coop import money
from coop.errors import DomainError
from coop.locale_formats import format_day
from coop.models import Cooperative


@dataclass
class _AccountState:
    """The latest statement so far of an account (stored, or earlier in this file)."""

    balance: Decimal
    date: datetime.date | None
    label: str  # "the statement X of D" or "the account's opening balance"
    statements_in_file: int = 0


def plan_statements(
    *,
    cooperative: Cooperative,
    statements: list[ParsedStatement],
    file_sha256: str,
    account: BankAccount | None = None,
    lock: bool = False,
) -> list[StatementPlan]:
    """Check every statement of a file against the co-op's accounts and what was imported.

    With `lock`, the accounts' rows are locked (in a fixed order) before anything is read, so
    that two imports of the same account wait for each other: the second sees the first's
    statements and transactions. The queries are a fixed number per account and statement,
    whatever the statements' length.
    """
    accounts = list(BankAccount.objects.filter(cooperative=cooperative))
    plans = [StatementPlan(parsed=parsed, index=n) for n, parsed in enumerate(statements)]
    for plan in plans:
        plan.account = _account_of(plan, accounts, account)
    matched = sorted({plan.account.pk for plan in plans if plan.account is not None})
    if lock and matched:
        list(BankAccount.objects.select_for_update().filter(pk__in=matched).order_by("pk"))
    by_pk = {a.pk: a for a in accounts}
    states = {pk: _state_of(by_pk[pk]) for pk in matched}
    duplicates = _duplicates(matched, file_sha256)
    taken: dict[int, set[str]] = {pk: set() for pk in matched}
    # The last statement of each account in the file: what it adds is not kept for later ones.
    last_of = {plan.account.pk: plan.index for plan in plans if plan.account is not None}
    for plan in plans:
        _scan(plan)
        if plan.account is None:
            continue
        state = states[plan.account.pk]
        if plan.account.pk in duplicates:
            plan.problems.append(duplicates[plan.account.pk])
        _check_currency(plan)
        plan.stored_sha256 = _stored_sha256(file_sha256, state.statements_in_file)
        state.statements_in_file += 1
        _mark_new(plan, taken[plan.account.pk], keep=last_of[plan.account.pk] != plan.index)
        _check_balances(plan, state)
    return plans


def _account_of(
    plan: StatementPlan, accounts: list[BankAccount], chosen: BankAccount | None
) -> BankAccount | None:
    parsed = plan.parsed
    named = {compact(parsed.account_iban), compact(parsed.account_other_id)}
    named |= {_alphanumeric(parsed.account_iban), _alphanumeric(parsed.account_other_id)}
    named -= {""}
    if not named:
        if chosen is not None:
            return chosen
        plan.problems.append(
            StatementRefused(
                _("%(statement)s names no account: choose the account it is for.")
                % {"statement": _capital(plan.label)},
                field="account",
            )
        )
        return None
    candidates = [chosen] if chosen is not None else accounts
    for account in candidates:
        if named & _names_of(account):
            return account
    identifier = parsed.account_iban or parsed.account_other_id
    if chosen is not None:
        message = _("%(statement)s is for the account %(identifier)s, not for %(account)s.") % {
            "statement": _capital(plan.label),
            "identifier": identifier,
            "account": str(chosen),
        }
    else:
        message = _(
            "%(statement)s is for the account %(identifier)s, which is not one of the co-op's "
            "bank accounts."
        ) % {
            "statement": _capital(plan.label),
            "identifier": identifier,
        }
    plan.problems.append(StatementRefused(message, field="file", code="unknown_account"))
    return None


def _names_of(account: BankAccount) -> set[str]:
    """How a file may name the account: its IBAN, its other identifier, or the national account
    number inside its IBAN (the BBAN: MT940's `:25:` is often "bank code/account number")."""
    names = {compact(account.iban), compact(account.other_identifier)}
    if account.iban:
        names.add(compact(account.iban)[4:])
    return names - {""}


def _alphanumeric(identifier: str) -> str:
    return "".join(character for character in identifier if character.isalnum()).upper()


def _state_of(account: BankAccount) -> _AccountState:
    previous = (
        BankStatement.objects.filter(account=account)
        .order_by("-closing_date", "-id")
        .only("statement_id", "closing_balance", "closing_date")
        .first()
    )
    if previous is None or previous.closing_balance is None:
        return _AccountState(
            balance=account.opening_balance,
            date=account.opening_date,
            label=_("the account's opening balance of %(day)s")
            % {"day": format_day(account.opening_date)},
        )
    name = previous.statement_id or str(previous.pk)
    return _AccountState(
        balance=previous.closing_balance,
        date=previous.closing_date,
        label=_("the previous statement %(id)s, closed on %(day)s")
        % {
            "id": name,
            "day": format_day(previous.closing_date) if previous.closing_date else "?",
        },
    )


def _duplicates(account_pks: list[int], file_sha256: str) -> dict[int, DomainError]:
    found = BankStatement.objects.filter(account_id__in=account_pks, file_sha256=file_sha256)
    return {
        statement.account_id: DuplicateStatement(
            _("This file was imported on %(day)s (statement %(id)s): it is not imported twice.")
            % {
                "day": format_day(statement.imported_at.date()),
                "id": statement.statement_id or statement.pk,
            },
            field="file",
        )
        for statement in found.only("account_id", "imported_at", "statement_id")
    }


def _stored_sha256(file_sha256: str, place: int) -> str:
    if place == 0:
        return file_sha256
    return hashlib.sha256(f"{file_sha256}:{place}".encode()).hexdigest()


def _check_currency(plan: StatementPlan) -> None:
    assert plan.account is not None
    currency = (plan.parsed.currency or "").upper()
    if currency != plan.account.currency:
        plan.problems.append(
            StatementRefused(
                _("%(statement)s is in %(currency)s, but %(account)s is in %(account_currency)s.")
                % {
                    "statement": _capital(plan.label),
                    "currency": currency or "?",
                    "account": plan.account.name,
                    "account_currency": plan.account.currency,
                },
                field="file",
                code="currency_mismatch",
            )
        )


def _scan(plan: StatementPlan) -> None:
    """One pass over the entries: their count, total and booking dates, the first amount
    larger than the books hold, and which keys occur more than once."""
    family = family_of(plan.parsed.format)
    hashes = array("Q")
    count, total, in_cents = 0, Decimal("0.00"), Decimal("0.00")
    first = last = None
    too_large: ParsedEntry | None = None
    for entry in plan.parsed.entries:
        count += 1
        total += entry.amount
        amount = cents(entry.amount)
        in_cents += amount
        day = entry.booking_date
        if first is None or day < first:
            first = day
        if last is None or day > last:
            last = day
        if too_large is None and money.exceeds_max(abs(amount)):
            too_large = entry
        hashes.append(_key_hash(_key(entry, family)))
    plan.entry_count, plan.entries_total, plan.cents_total = count, total, in_cents
    plan.first_booking, plan.last_booking = first, last
    plan.repeated = _repeated(hashes)
    if too_large is not None:
        plan.problems.append(
            StatementRefused(
                _("%(where)s: the amount %(amount)s is larger than the books hold.")
                % {"where": too_large.where or plan.label, "amount": too_large.amount},
                field="file",
            )
        )


def _mark_new(plan: StatementPlan, taken: set[str], *, keep: bool) -> None:
    """Which entries are new: not stored for the account, and not earlier in this file. With
    `keep`, the new fingerprints are kept in `taken` for the file's later statements."""
    assert plan.account is not None
    stored = _stored_fingerprints(plan)
    if not stored and not taken and not keep:
        # Nothing to compare with: every entry is new, without another pass.
        plan.is_new = bytearray(b"\x01") * plan.entry_count
        plan.added_total = plan.cents_total
        return
    plan.is_new = bytearray(plan.entry_count)
    total = Decimal("0.00")
    for index, (entry, fingerprint) in enumerate(fingerprinted(plan.parsed, plan.repeated)):
        if fingerprint in stored or fingerprint in taken:
            continue
        plan.is_new[index] = 1
        if keep:
            taken.add(fingerprint)
        total += cents(entry.amount)
    plan.added_total = total


def _stored_fingerprints(plan: StatementPlan) -> set[str]:
    """The account's fingerprints over the statement's booking dates: one query."""
    if plan.first_booking is None:
        return set()
    return set(
        BankTransaction.objects.filter(
            account=plan.account, booking_date__range=(plan.first_booking, plan.last_booking)
        ).values_list("fingerprint", flat=True)
    )


def _check_balances(plan: StatementPlan, state: _AccountState) -> None:
    """Opening + entries = closing on the file's own figures; and the statement continues the
    account's previous one (or the account's opening balance)."""
    assert plan.account is not None
    parsed, currency = plan.parsed, plan.account.currency
    total = cents(plan.entries_total)
    opening = None if parsed.opening_balance is None else cents(parsed.opening_balance)
    closing = None if parsed.closing_balance is None else cents(parsed.closing_balance)
    if opening is None and closing is not None:
        opening, plan.opening_derived = closing - total, True  # OFX: no opening balance
    elif opening is None:
        # A file without balances (some CSV exports) continues the account's balance.
        opening, plan.opening_derived = state.balance, True
    if closing is None:
        closing = opening + total
    plan.opening_balance, plan.closing_balance = opening, closing
    plan.closing_date = parsed.closing_date or plan.last_booking
    plan.closing_date = plan.closing_date or parsed.opening_date
    if opening + total != closing:
        plan.problems.append(
            StatementRefused(
                _(
                    "%(statement)s does not add up: the opening balance %(opening)s plus its "
                    "entries %(total)s make %(expected)s, but its closing balance is "
                    "%(closing)s, %(difference)s apart."
                )
                % {
                    "statement": _capital(plan.label),
                    "opening": _money(opening, currency),
                    "total": _money(total, currency),
                    "expected": _money(opening + total, currency),
                    "closing": _money(closing, currency),
                    "difference": _money(abs(closing - opening - total), currency),
                },
                field="file",
                code="unbalanced",
            )
        )
        return
    _check_continuity(plan, state, opening, closing)


def _check_continuity(
    plan: StatementPlan, state: _AccountState, opening: Decimal, closing: Decimal
) -> None:
    assert plan.account is not None
    currency = plan.account.currency
    if plan.skipped_count and not plan.added_count:
        return  # all seen before: the account's balance does not change
    if plan.skipped_count:
        # An overlapping statement: what it adds must take the account from its latest balance
        # to this statement's closing balance.
        expected, found = state.balance + plan.added_total, closing
        if expected != found:
            plan.problems.append(
                StatementRefused(
                    _(
                        "%(statement)s overlaps the statements imported before, but does not "
                        "continue %(previous)s: %(balance)s plus the %(count)d new entries "
                        "(%(added)s) make %(expected)s, not its closing balance %(closing)s of "
                        "%(day)s, %(difference)s apart."
                    )
                    % {
                        "statement": _capital(plan.label),
                        "previous": state.label,
                        "balance": _money(state.balance, currency),
                        "count": plan.added_count,
                        "added": _money(plan.added_total, currency),
                        "expected": _money(expected, currency),
                        "closing": _money(closing, currency),
                        "day": _day(plan.closing_date),
                        "difference": _money(abs(found - expected), currency),
                    },
                    field="file",
                    code="balance_gap",
                )
            )
            return
    elif opening != state.balance:
        plan.problems.append(
            StatementRefused(
                _(
                    "%(statement)s does not continue %(previous)s: it opens on %(day)s at "
                    "%(opening)s where %(balance)s was expected, a gap of %(difference)s."
                )
                % {
                    "statement": _capital(plan.label),
                    "previous": state.label,
                    "day": _day(
                        plan.parsed.opening_date or plan.first_booking or plan.closing_date
                    ),
                    "opening": _money(opening, currency),
                    "balance": _money(state.balance, currency),
                    "difference": _money(opening - state.balance, currency),
                },
                field="file",
                code="balance_gap",
            )
        )
        return
    name = plan.parsed.statement_id or plan.label
    state.balance, state.date = closing, plan.closing_date
    state.label = _("the previous statement %(id)s, closed on %(day)s") % {
        "id": name,
        "day": _day(plan.closing_date),
    }


def _money(amount: Decimal, currency: str) -> str:
    return money.format_money(amount, currency)


def _day(day: datetime.date | None) -> str:
    return format_day(day) if day else "?"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
