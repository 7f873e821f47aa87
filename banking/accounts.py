"""Writes of the co-op's bank accounts: add, change, remove (the treasurer; every member reads).

An account is named by its IBAN (checked by schwifty: the registry's length and form, the
mod-97 and national check digits) or, where the bank's files carry none, by another identifier:
a BBAN, or "routing/account" for a US or Canadian account as OFX writes it. A US routing number
(ABA, 9 digits) has a check digit, checked here; a Canadian one (0 + institution + transit) has
none. An account with statements keeps its currency and cannot be removed (409): its
transactions are the co-op's record of what the bank did.

The account's CSV column mapping (`banking.parsing.csv_mapping`) is saved here too, checked by
`mapping_problems` (translated): a 400 on `csv_mapping` whose messages start with the mapping's
key ("columns.amount: …").
"""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from banking import opening_balances
from banking.models import BankAccount
from banking.parsing.csv_mapping import mapping_problems
from coop import money
from coop.audit import record
from coop.errors import InvalidInput, InvalidInputs, StateConflict
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.services import require_role
from coop.text_translation import translate
from coop.validators import (
    normalize_bic,
    normalize_iban,
    validate_bic,
    validate_currency,
    validate_iban,
)

FIELDS = (
    "name",
    "iban",
    "bic",
    "other_identifier",
    "currency",
    "opening_balance",
    "opening_date",
    "csv_mapping",
)
CENT = Decimal("0.01")
_ROUTING = re.compile(r"^(\d{9})/(\S+)$")


def aba_routing_number_is_valid(routing: str) -> bool:
    """The check digit of a US routing number (ABA RTN): 3, 7 and 1 times the digits in turn
    add up to a multiple of 10 (American Bankers Association, "Routing Number Policy")."""
    if not re.fullmatch(r"\d{9}", routing):
        return False
    digits = [int(d) for d in routing]
    weights = (3, 7, 1) * 3
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def _message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _name(value: Any) -> str:
    name = str(value or "").strip()
    if not name:
        raise InvalidInput(gettext("Give the account a name."), field="name")
    if len(name) > 100:
        raise InvalidInput(gettext("A name has at most 100 characters."), field="name")
    return name


def _iban(value: Any) -> str:
    iban = normalize_iban(str(value or ""))
    if iban:
        try:
            validate_iban(iban)
        except ValidationError as error:
            raise InvalidInput(_message(error), field="iban") from None
    return iban


def _bic(value: Any) -> str:
    bic = normalize_bic(str(value or ""))
    if bic:
        try:
            validate_bic(bic)
        except ValidationError as error:
            raise InvalidInput(_message(error), field="bic") from None
    return bic


def _other_identifier(value: Any, currency: str) -> str:
    identifier = re.sub(r"\s+", " ", str(value or "")).strip()
    if len(identifier) > 70:
        raise InvalidInput(
            gettext("An account identifier has at most 70 characters."), field="other_identifier"
        )
    routing = _ROUTING.match(identifier)
    if routing and currency == "USD" and not aba_routing_number_is_valid(routing.group(1)):
        raise InvalidInput(
            gettext(
                "The check digit of US routing number %(routing)s is wrong: please check for a "
                "typo (“routing/account”, such as 021000021/1234567890)."
            )
            % {"routing": routing.group(1)},
            field="other_identifier",
        )
    return identifier


def _currency(value: Any) -> str:
    currency = str(value or "").strip().upper()
    try:
        validate_currency(currency)
    except ValidationError as error:
        raise InvalidInput(_message(error), field="currency") from None
    return currency


def _opening_balance(value: Any) -> Decimal:
    try:
        balance = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            gettext("Write the opening balance as a number."), field="opening_balance"
        ) from None
    if not balance.is_finite() or balance != balance.quantize(CENT):
        raise InvalidInput(
            gettext("An opening balance has at most two decimals."), field="opening_balance"
        )
    if money.exceeds_max(abs(balance)):
        raise InvalidInput(
            gettext("An opening balance is at most %(max)s.") % {"max": money.format_max()},
            field="opening_balance",
        )
    return balance.quantize(CENT)


def _opening_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise InvalidInput(
            gettext("Give the day of the opening balance, such as 2026-01-01."),
            field="opening_date",
        )
    return value


def _csv_mapping(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if value == {}:
        return {}
    problems = mapping_problems(value)
    if problems:
        # Each message starts with the mapping's key, which stays as written in any language.
        raise InvalidInputs(
            {"csv_mapping": [f"{key}: {translate(text)}" for key, text in problems]}
        )
    return dict(value)


def _cleaned(values: dict[str, Any], currency: str) -> dict[str, Any]:
    cleaners: dict[str, Callable[[Any], Any]] = {
        "name": _name,
        "iban": _iban,
        "bic": _bic,
        "currency": _currency,
        "opening_balance": _opening_balance,
        "opening_date": _opening_date,
        "csv_mapping": _csv_mapping,
    }
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        if key == "other_identifier":
            cleaned[key] = _other_identifier(value, currency)
        else:
            cleaned[key] = cleaners[key](value)
    return cleaned


def _refuse_unknown(changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise InvalidInput(gettext("This field is not known here."), field=unknown[0])


def _check_identity(account: BankAccount) -> None:
    """One identifier at least; none of them another account's of the co-op (a 409)."""
    if not account.iban and not account.other_identifier:
        raise InvalidInput(
            gettext(
                "Give the account's IBAN or, for an account without one, another identifier "
                "(a BBAN, or “routing/account” for a US or Canadian account)."
            ),
            field="iban",
        )
    if account.bic and not account.iban:
        raise InvalidInput(gettext("A BIC goes with an IBAN: give the IBAN too."), field="bic")
    others = BankAccount.objects.filter(cooperative_id=account.cooperative_id)
    if account.pk is not None:
        others = others.exclude(pk=account.pk)
    for field in ("iban", "other_identifier"):
        value = getattr(account, field)
        if value and others.filter(**{field: value}).exists():
            raise StateConflict(
                gettext("The co-op already has an account %(identifier)s.") % {"identifier": value},
                field=field,
            )


def _audit_data(account: BankAccount) -> dict[str, Any]:
    return {
        "name": account.name,
        "iban": account.iban,
        "bic": account.bic,
        "other_identifier": account.other_identifier,
        "currency": account.currency,
        "opening_balance": str(account.opening_balance),
        "opening_date": account.opening_date.isoformat(),
        "csv_mapping": account.csv_mapping,
    }


def _save(account: BankAccount) -> None:
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:  # a race past _check_identity: the database's constraint held
        raise StateConflict(
            gettext("The co-op already has an account with this identifier."), field="iban"
        ) from None


def create_account(
    *,
    cooperative: Cooperative,
    actor: Member | None,
    name: str,
    currency: str,
    opening_balance: Any,
    opening_date: datetime.date,
    iban: str = "",
    bic: str = "",
    other_identifier: str = "",
    csv_mapping: dict[str, Any] | None = None,
) -> BankAccount:
    """Add a bank account of the co-op (the treasurer)."""
    require_role(actor, Role.TREASURER)
    currency = _currency(currency)
    values = _cleaned(
        {
            "name": name,
            "iban": iban,
            "bic": bic,
            "other_identifier": other_identifier,
            "opening_balance": opening_balance,
            "opening_date": opening_date,
            "csv_mapping": csv_mapping,
        },
        currency,
    )
    with transaction.atomic():
        Cooperative.objects.select_for_update().only("pk").get(pk=cooperative.pk)
        account = BankAccount(cooperative=cooperative, currency=currency, **values)
        _check_identity(account)
        _save(account)
        opening_balances.rebook(account, actor=actor)
        record(cooperative, actor, "bank_account.created", account, _audit_data(account))
        return account


def update_account(*, account: BankAccount, actor: Member | None, **changes: Any) -> BankAccount:
    """Change an account's details or its CSV mapping (the treasurer). The currency of an
    account with statements stays (409)."""
    require_role(actor, Role.TREASURER)
    _refuse_unknown(changes)
    currency = _currency(changes["currency"]) if "currency" in changes else account.currency
    values = _cleaned(changes, currency)
    with transaction.atomic():
        Cooperative.objects.select_for_update().only("pk").get(pk=account.cooperative_id)
        account = (
            BankAccount.objects.select_for_update(of=("self",))
            .select_related("cooperative")
            .get(pk=account.pk)
        )
        before = _audit_data(account)
        if values.get("currency", account.currency) != account.currency and (
            account.statements.exists()
        ):
            raise StateConflict(
                gettext(
                    "This account has imported statements in %(currency)s: its currency "
                    "cannot change."
                )
                % {"currency": account.currency},
                field="currency",
            )
        if "other_identifier" not in values and "currency" in values:
            values["other_identifier"] = _other_identifier(account.other_identifier, currency)
        for name, value in values.items():
            setattr(account, name, value)
        after = _audit_data(account)
        if before == after:
            return account
        _check_identity(account)
        _save(account)
        opening_balances.rebook(account, actor=actor)
        changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        record(account.cooperative, actor, "bank_account.updated", account, {"changed": changed})
        return account


def save_csv_mapping(
    *, account: BankAccount, actor: Member | None, mapping: dict[str, Any]
) -> BankAccount:
    """Save the columns of the bank's CSV export for this account (the treasurer)."""
    return update_account(account=account, actor=actor, csv_mapping=mapping)


def delete_account(*, account: BankAccount, actor: Member | None) -> None:
    """Remove an account without statements (the treasurer); with statements, 409."""
    require_role(actor, Role.TREASURER)
    with transaction.atomic():
        Cooperative.objects.select_for_update().only("pk").get(pk=account.cooperative_id)
        account = (
            BankAccount.objects.select_for_update(of=("self",))
            .select_related("cooperative")
            .get(pk=account.pk)
        )
        count = account.statements.count()
        if count:
            raise StateConflict(
                gettext(
                    "%(name)s has %(count)d imported statements: an account with statements "
                    "stays on record."
                )
                % {"name": account.name, "count": count},
                code="account_has_statements",
            )
        data = {**_audit_data(account), "id": account.pk}
        account_id = account.pk
        opening_balances.rebook(account, actor=actor, removed=True)
        account.delete()
        record(
            account.cooperative,
            actor,
            "bank_account.deleted",
            data=data,
            object_type="banking.bankaccount",
            object_id=account_id,
        )
