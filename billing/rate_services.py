"""Writes of hourly billing rates at their four levels: the co-op's default, a client, a project,
a member on a project (the treasurer and admins). Which rate applies to an entry is
`billing.rates` (rate resolution); this module only keeps the table sound.

A rate counts from `valid_from` until the next rate of the same scope. Issued invoices keep
their prices, yet the table should still say what they were priced by: so a rate may not start,
move or disappear across hours already billed. "Billed" is read from the entries on issued
invoices (`BilledEntry` → its line → an invoice that is not a draft): a rate is refused (409) if
an entry of its scope, dated in the days the change affects, is on such an invoice. The scope
is matched on the entry (the co-op; the project's client; the project; the project and the
member), whatever rate the invoice actually used: a stricter rule than needed where a more
specific rate priced those hours, and a simple one.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from billing.models import BilledEntry, BillingRate, Invoice, InvoiceStatus
from coop import money
from coop.audit import record
from coop.errors import InvalidInput, StateConflict
from coop.locale_formats import format_day
from coop.models import Client, Cooperative, Member, Project
from coop.models.cooperative import Role
from coop.services import require_role
from coop.services.clients import billing_currency


def _rate_value(value: Any) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(gettext("Write the rate per hour as a number."), field="rate") from None
    if not rate.is_finite() or rate <= 0:
        raise InvalidInput(gettext("A rate per hour is more than zero."), field="rate")
    if rate != rate.quantize(Decimal("0.01")):
        raise InvalidInput(gettext("A rate per hour has at most two decimals."), field="rate")
    if money.exceeds_max(rate):
        raise InvalidInput(
            gettext("A rate per hour is at most %(max)s.") % {"max": money.format_max()},
            field="rate",
        )
    return rate.quantize(Decimal("0.01"))


def _levels(
    cooperative: Cooperative,
    client: Client | None,
    project: Project | None,
    member: Member | None,
) -> Client | None:
    """Check that the rate's objects belong to the co-op and to one another; return the
    client the rate is for (a project's client for project and member rates), or None."""
    if client is not None and client.cooperative_id != cooperative.pk:
        raise InvalidInput(gettext("This client does not belong to the co-op."), field="client")
    if project is not None:
        if project.cooperative_id != cooperative.pk:
            raise InvalidInput(
                gettext("This project does not belong to the co-op."), field="project"
            )
        if client is not None and project.client_id != client.pk:
            raise InvalidInput(
                gettext("Project “%(project)s” is not a project of %(client)s.")
                % {"project": project.name, "client": client.name},
                field="project",
            )
        client = project.client
    if member is not None:
        if member.cooperative_id != cooperative.pk:
            raise InvalidInput(gettext("This member does not belong to the co-op."), field="member")
        if project is None:
            raise InvalidInput(
                gettext("A member's rate is for one project: choose the project."),
                field="project",
            )
    return client


def _expected_currency(cooperative: Cooperative, client: Client | None) -> str:
    return billing_currency(client) if client is not None else cooperative.currency


def _check_currency(currency: str, expected: str, client: Client | None) -> str:
    currency = (currency or "").strip().upper()
    if not money.is_currency(currency):
        raise InvalidInput(
            gettext("“%(value)s” is not an ISO 4217 currency code (for example EUR, USD, ARS).")
            % {"value": currency},
            field="currency",
        )
    if currency != expected:
        if client is not None:
            message = gettext(
                "%(client)s is invoiced in %(expected)s: its rates are in %(expected)s too."
            ) % {"client": client.name, "expected": expected}
        else:
            message = gettext(
                "The co-op's default rate is in the co-op's currency, %(expected)s."
            ) % {"expected": expected}
        raise InvalidInput(message, field="currency")
    return currency


def _billed_in_scope(
    rate: BillingRate, since: datetime.date, until: datetime.date | None
) -> BilledEntry | None:
    """The first entry of the rate's scope, dated from `since` (until the day before `until`),
    that is on an issued invoice."""
    entries = BilledEntry.objects.filter(
        entry__cooperative_id=rate.cooperative_id, entry__date__gte=since
    ).exclude(line__invoice__status=InvoiceStatus.DRAFT)
    if until is not None:
        entries = entries.filter(entry__date__lt=until)
    if rate.member_id is not None:
        entries = entries.filter(entry__project_id=rate.project_id, entry__member_id=rate.member_id)
    elif rate.project_id is not None:
        entries = entries.filter(entry__project_id=rate.project_id)
    elif rate.client_id is not None:
        entries = entries.filter(entry__project__client_id=rate.client_id)
    return entries.select_related("entry", "line__invoice").order_by("entry__date").first()


def _next_start(rate: BillingRate, after: datetime.date) -> datetime.date | None:
    later = BillingRate.objects.filter(
        cooperative_id=rate.cooperative_id, scope=rate.scope_of(), valid_from__gt=after
    )
    if rate.pk is not None:
        later = later.exclude(pk=rate.pk)
    return later.order_by("valid_from").values_list("valid_from", flat=True).first()


def _refuse_if_billed(
    rate: BillingRate, since: datetime.date, until: datetime.date | None, message: str
) -> None:
    billed = _billed_in_scope(rate, since, until)
    if billed is not None:
        raise StateConflict(
            message
            % {
                "day": format_day(billed.entry.date),
                "invoice": billed.line.invoice.number,
            },
            field="valid_from",
        )


def _refuse_duplicate(rate: BillingRate) -> None:
    same_day = BillingRate.objects.filter(
        cooperative_id=rate.cooperative_id, scope=rate.scope_of(), valid_from=rate.valid_from
    )
    if rate.pk is not None:
        same_day = same_day.exclude(pk=rate.pk)
    if same_day.exists():
        raise StateConflict(
            gettext("This level already has a rate from %(day)s: change that one instead.")
            % {"day": format_day(rate.valid_from)},
            field="valid_from",
        )


def _audit_data(rate: BillingRate) -> dict[str, Any]:
    return {
        "scope": rate.scope,
        "rate": str(rate.rate),
        "currency": rate.currency,
        "valid_from": rate.valid_from.isoformat(),
    }


def create_rate(
    *,
    cooperative: Cooperative,
    actor: Member | None,
    rate: Any,
    valid_from: datetime.date,
    currency: str = "",
    client: Client | None = None,
    project: Project | None = None,
    member: Member | None = None,
) -> BillingRate:
    """Add a rate at the level its objects name: none (the co-op's default), a client, a
    project, or a member on a project. The currency is the client's (or the co-op's for the
    default); left empty, it is taken from there."""
    require_role(actor, Role.ADMIN, Role.TREASURER)
    value = _rate_value(rate)
    client = _levels(cooperative, client, project, member)
    expected = _expected_currency(cooperative, client)
    currency = _check_currency(currency or expected, expected, client)
    with transaction.atomic():
        Cooperative.objects.select_for_update().only("pk").get(pk=cooperative.pk)
        billing_rate = BillingRate(
            cooperative=cooperative,
            client=client,
            project=project,
            member=member,
            rate=value,
            currency=currency,
            valid_from=valid_from,
        )
        _refuse_duplicate(billing_rate)
        _refuse_if_billed(
            billing_rate,
            valid_from,
            _next_start(billing_rate, valid_from),
            gettext(
                "Hours of this level dated %(day)s are already on invoice %(invoice)s, issued "
                "at the rate in force then: a new rate may start only after the billed hours."
            ),
        )
        billing_rate.save()
        record(cooperative, actor, "billing_rate.created", billing_rate, _audit_data(billing_rate))
        return billing_rate


def update_rate(*, billing_rate: BillingRate, actor: Member | None, **changes: Any) -> BillingRate:
    """Change a rate's amount or start day; its level and currency stay (delete it and add
    another). Refused (409) if issued invoices billed hours in the days the change affects."""
    require_role(actor, Role.ADMIN, Role.TREASURER)
    unknown = set(changes) - {"rate", "valid_from"}
    if unknown:
        raise InvalidInput(
            gettext("Only the rate and its start day change: delete this rate and add another."),
            field=sorted(unknown)[0],
        )
    if "rate" in changes:
        changes["rate"] = _rate_value(changes["rate"])
    with transaction.atomic():
        Cooperative.objects.select_for_update().only("pk").get(pk=billing_rate.cooperative_id)
        billing_rate = BillingRate.objects.select_for_update().get(pk=billing_rate.pk)
        before = _audit_data(billing_rate)
        old_start = billing_rate.valid_from
        for name, value in changes.items():
            setattr(billing_rate, name, value)
        after = _audit_data(billing_rate)
        if before == after:
            return billing_rate
        _refuse_duplicate(billing_rate)
        since = min(old_start, billing_rate.valid_from)
        _refuse_if_billed(
            billing_rate,
            since,
            _next_start(billing_rate, max(old_start, billing_rate.valid_from)),
            gettext(
                "Hours of this level dated %(day)s are on invoice %(invoice)s, issued at this "
                "rate: it cannot change for them. Add a new rate from a later day instead."
            ),
        )
        billing_rate.save()
        changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        record(
            billing_rate.cooperative,
            actor,
            "billing_rate.updated",
            billing_rate,
            {"scope": billing_rate.scope, "changed": changed},
        )
        return billing_rate


def delete_rate(*, billing_rate: BillingRate, actor: Member | None) -> None:
    """Remove a rate that no issued invoice billed hours by (409 otherwise)."""
    require_role(actor, Role.ADMIN, Role.TREASURER)
    with transaction.atomic():
        Cooperative.objects.select_for_update().only("pk").get(pk=billing_rate.cooperative_id)
        billing_rate = (
            BillingRate.objects.select_for_update(of=("self",))
            .select_related("cooperative")
            .get(pk=billing_rate.pk)
        )
        _refuse_if_billed(
            billing_rate,
            billing_rate.valid_from,
            _next_start(billing_rate, billing_rate.valid_from),
            gettext(
                "Hours of this level dated %(day)s are on invoice %(invoice)s, issued at this "
                "rate: the rate stays on record. Add a new rate from a later day instead."
            ),
        )
        data = _audit_data(billing_rate)
        rate_id = billing_rate.pk
        billing_rate.delete()
        record(
            billing_rate.cooperative,
            actor,
            "billing_rate.deleted",
            data={**data, "id": rate_id},
            object_type="billing.billingrate",
            object_id=rate_id,
        )


def rates_in_currency(client: Client, currency: str) -> str | None:
    """Why the client's currency cannot leave `currency`: its rates or invoices are in it
    (registered with `coop.invoicing` in `BillingConfig.ready`)."""
    rates = BillingRate.objects.filter(
        Q(client=client) | Q(project__client=client), currency=currency
    )
    if rates.exists():
        return gettext(
            "%(client)s has rates in %(currency)s: its currency cannot change while they "
            "exist. Delete them (or add the client anew) first."
        ) % {"client": client.name, "currency": currency}
    if Invoice.objects.filter(client=client, currency=currency).exists():
        return gettext(
            "%(client)s has invoices in %(currency)s: its currency cannot change, or they "
            "would no longer match the client. Add the client anew for the other currency."
        ) % {"client": client.name, "currency": currency}
    return None
