"""The treasurer's writes to the chart: add an account, and save which account plays each role.

The mapping is saved whole and checked when it is saved, not at month end: every role an event
needs has an account of the co-op, of a type that can play it (a bank is an asset).
"""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from books import charts, setup
from books.models import (
    DATEV_CLIENT_RANGE,
    DATEV_CONSULTANT_RANGE,
    AccountMapping,
    AccountType,
    BooksSettings,
    LedgerAccount,
)
from coop.audit import record
from coop.errors import InvalidInput, InvalidInputs
from coop.models import Cooperative, Member
from coop.models.cooperative import Role
from coop.services.checks import require_role


def add_account(
    *, actor: Member | None, cooperative: Cooperative, number: str, name: str, type: str
) -> LedgerAccount:
    """A new account of the co-op's chart (treasurer); its number is unique in the chart."""
    require_role(actor, Role.TREASURER)
    number, name = number.strip(), name.strip()
    errors: dict[str, list[str]] = {}
    if not number or len(number) > 20 or not number.isalnum():
        errors["number"] = [_("Give the account's number: up to 20 letters and digits.")]
    if not name or len(name) > 200:
        errors["name"] = [_("Give the account's name (up to 200 characters).")]
    if type not in AccountType.values:
        errors["type"] = [
            _("Choose one of the types: %(types)s.") % {"types": ", ".join(AccountType.values)}
        ]
    if errors:
        raise InvalidInputs(errors)
    with transaction.atomic():
        setup.ensure_chart(cooperative)
        try:
            with transaction.atomic():
                account = LedgerAccount.objects.create(
                    cooperative=cooperative, number=number, name=name, type=type
                )
        except IntegrityError:
            raise InvalidInput(
                _("The chart has an account %(number)s already.") % {"number": number},
                field="number",
            ) from None
        record(cooperative, actor, "books.account_added", account, {"number": number})
    return account


def mapping_problems(cooperative: Cooperative, mapping: Mapping[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a role → account id mapping, per role: a role without an account,
    another co-op's account, an account whose type cannot play the role."""
    ids = {value for value in mapping.values() if isinstance(value, int)}
    accounts = {a.pk: a for a in LedgerAccount.objects.filter(cooperative=cooperative, pk__in=ids)}
    problems: dict[str, list[str]] = {}
    for unknown in sorted(set(mapping) - set(charts.Role)):
        problems[unknown] = [_("There is no such role.")]
    for role in charts.Role:
        account = accounts.get(mapping.get(role.value))  # type: ignore[arg-type]
        if account is None:
            problems[role.value] = [
                _("Choose this co-op's account for “%(role)s”: the money events need one.")
                % {"role": role.value}
            ]
        elif not charts.type_fits(role, charts.AccountType(account.type)):
            allowed = " / ".join(sorted(t.value for t in charts.ROLE_TYPES[role]))
            problems[role.value] = [
                _("%(account)s is an account of type %(type)s; “%(role)s” needs %(allowed)s.")
                % {
                    "account": account,
                    "type": account.type,
                    "role": role.value,
                    "allowed": allowed,
                }
            ]
    return problems


def save_mapping(
    *, actor: Member | None, cooperative: Cooperative, mapping: Mapping[str, Any]
) -> None:
    """Save which account plays each role (treasurer), all roles at once; refused with every
    problem named by role, and nothing saved, unless the whole mapping is usable."""
    require_role(actor, Role.TREASURER)
    problems = mapping_problems(cooperative, mapping)
    if problems:
        raise InvalidInputs(problems)
    with transaction.atomic():
        setup.ensure_chart(cooperative)
        before = dict(
            AccountMapping.objects.filter(cooperative=cooperative).values_list("role", "account")
        )
        changed = {role: mapping[role] for role in charts.Role if before.get(role) != mapping[role]}
        for role, account_id in changed.items():
            AccountMapping.objects.update_or_create(
                cooperative=cooperative, role=role, defaults={"account_id": account_id}
            )
        record(
            cooperative, actor, "books.mapping_saved", data={"changed": changed},
            object_type="books.accountmapping", object_id="mapping",
        )  # fmt: skip


def _datev_number(value: Any, bounds: tuple[int, int]) -> int | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isdigit() or not bounds[0] <= int(text) <= bounds[1]:
        raise ValueError
    return int(text)


def save_datev_numbers(
    *, actor: Member | None, cooperative: Cooperative, consultant_number: Any, client_number: Any
) -> BooksSettings:
    """Save the DATEV consultant and client numbers the tax adviser gave (treasurer), in the
    ranges DATEV's header allows (Beraternummer 1001–9999999, Mandantennummer 1–99999); empty
    clears one."""
    require_role(actor, Role.TREASURER)
    errors: dict[str, list[str]] = {}
    numbers: dict[str, int | None] = {}
    for field, value, bounds in (
        ("datev_consultant_number", consultant_number, DATEV_CONSULTANT_RANGE),
        ("datev_client_number", client_number, DATEV_CLIENT_RANGE),
    ):
        try:
            numbers[field] = _datev_number(value, bounds)
        except ValueError:
            errors[field] = [
                _("DATEV takes a whole number from %(low)s to %(high)s here.")
                % {"low": bounds[0], "high": bounds[1]}
            ]
    if errors:
        raise InvalidInputs(errors)
    with transaction.atomic():
        setup.ensure_chart(cooperative)
        settings = BooksSettings.objects.select_for_update().get(cooperative=cooperative)
        for field, number in numbers.items():
            setattr(settings, field, number)
        settings.save(update_fields=list(numbers))
        record(
            cooperative, actor, "books.datev_numbers_saved", settings,
            {field: number for field, number in numbers.items()},
        )  # fmt: skip
    return settings
