"""Celery tasks of payroll: the files of an approved distribution and the monthly drafts.

Every task is idempotent: a file is stored once (callers for one file queue on a row lock, and a
unique constraint per distribution, kind and member backs the check), so that a redelivered
message (acks_late) or a second worker finishes the work without duplicating it. A member is
e-mailed about a payslip once: the payslip's `notified_at` is set in the transaction that sends,
and the e-mail's Message-ID is the payslip's, so that the one resend a kill can cause (see
`_tell_member_once`) is the same message, which mail servers and clients show once. What the
e-mails say is `payroll.mails`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.utils import translation

from coop import clock
from coop.clock import today_in
from coop.errors import DomainError
from coop.models import Cooperative, Member, TimeEntry
from coop.months import month_bounds
from payroll import capital, distributing, documents, mails, report_pdf, totals
from payroll.models import (
    Distribution,
    DistributionDocument,
    DistributionLine,
    DistributionPolicy,
    DocumentFailure,
    Revenue,
)
from payroll.services.policies import current_policy

logger = logging.getLogger(__name__)

FINAL = (Distribution.Status.APPROVED, Distribution.Status.PAID)
EXTENSIONS = {"payslip": "pdf", "report": "pdf", "csv": "csv", "sepa": "xml"}
MAX_ATTEMPTS = DocumentFailure.MAX_ATTEMPTS


def _final(distribution_id: int) -> Distribution | None:
    return (
        Distribution.objects.select_related(
            "cooperative", "policy", "approved_by__user", "approval_proposal"
        )
        .filter(pk=distribution_id, status__in=FINAL)
        .first()
    )


def _hold(distribution: Distribution, member: Member | None) -> None:
    """Queue the callers that make one file: on the member's line, or the distribution's row."""
    if member is not None:
        line = distribution.lines.filter(kind=DistributionLine.Kind.MEMBER, member=member)
        list(line.select_for_update(no_key=True).values_list("pk", flat=True))
    else:
        run = Distribution.objects.filter(pk=distribution.pk)
        list(run.select_for_update(no_key=True).values_list("pk", flat=True))


def _store_once(
    distribution: Distribution,
    kind: str,
    build: Callable[[], bytes],
    member: Member | None = None,
) -> tuple[DistributionDocument | None, bool]:
    """The file of this kind (and member), built and stored unless it exists; and whether this
    call stored it. A build that fails is recorded as a `DocumentFailure` (None is returned);
    after `MAX_ATTEMPTS` failures it is not tried again until the treasurer regenerates it."""
    with transaction.atomic():
        _hold(distribution, member)
        existing = DistributionDocument.objects.filter(
            distribution=distribution, kind=kind, member=member
        ).first()
        if existing is not None:
            return existing, False
        failure = DocumentFailure.objects.filter(
            distribution=distribution, kind=kind, member=member
        ).first()
        if failure is not None and failure.attempts >= MAX_ATTEMPTS:
            return None, False
        try:
            # The files are the co-op's records and the bank's input: the same whichever
            # language the request that approved (with eager tasks, in its thread) was in.
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                content = build()
        except Exception as error:  # whatever breaks a file is shown, not lost
            logger.exception("%s of distribution %s failed", kind, distribution.pk)
            _record_failure(distribution, kind, member, failure, error)
            return None, False
        who = f"-{member.pk}" if member is not None else ""
        slug, month = distribution.cooperative.slug, f"{distribution.month:%Y-%m}"
        name = f"{slug}-{month}-{kind}{who}.{EXTENSIONS[kind]}"
        document = DistributionDocument(
            distribution=distribution,
            kind=kind,
            member=member,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        # A file under this name with no row is what a worker killed before its commit left
        # behind: replace it rather than store a second copy next to it.
        path = document.file.field.generate_filename(document, name)
        if document.file.storage.exists(path):
            document.file.storage.delete(path)
        document.file.save(name, ContentFile(content), save=False)
        try:
            with transaction.atomic():
                document.save()
        except IntegrityError:  # stored meanwhile by a caller that did not queue (no row lock)
            document.file.delete(save=False)
            stored = DistributionDocument.objects.get(
                distribution=distribution, kind=kind, member=member
            )
            return stored, False
        if failure is not None:
            failure.delete()
    return document, True


def _record_failure(
    distribution: Distribution,
    kind: str,
    member: Member | None,
    failure: DocumentFailure | None,
    error: Exception,
) -> None:
    reason = (str(error) or type(error).__name__)[:1000]
    if failure is None:
        DocumentFailure.objects.create(
            distribution=distribution, kind=kind, member=member, reason=reason,
            failed_at=clock.now(),
        )  # fmt: skip
    else:
        failure.attempts += 1
        failure.reason = reason
        failure.failed_at = clock.now()
        failure.save(update_fields=["attempts", "reason", "failed_at"])


@shared_task(acks_late=True)
def generate_documents(distribution_id: int) -> dict[str, int]:
    """Make every file of an approved distribution: one task per payslip, then the shared files."""
    distribution = _final(distribution_id)
    if distribution is None:
        return {"payslips": 0, "files": 0}
    lines = list(distribution.lines.select_related("member__user").order_by("kind", "id"))
    have = set(
        DistributionDocument.objects.filter(
            distribution=distribution,
            kind=DistributionDocument.Kind.PAYSLIP,
            notified_at__isnull=False,
        ).values_list("member_id", flat=True)
    )
    missing = [
        line.member_id
        for line in lines
        if line.kind == DistributionLine.Kind.MEMBER and line.member_id not in have
    ]
    for member_id in missing:
        generate_payslip.delay(distribution_id, member_id)
    made = 0
    builders: list[tuple[str, Callable[[], bytes]]] = [
        ("report", lambda: report_pdf.build(distribution, lines)),
        ("csv", lambda: documents.payments_csv(distribution, lines)),
    ]
    if documents.sepa_unavailable_reason(distribution, lines) is None:
        execution_date = max(today_in(distribution.cooperative), distribution.month)
        builders.append(("sepa", lambda: documents.sepa_xml(distribution, lines, execution_date)))
    for kind, build in builders:
        _document, stored = _store_once(distribution, kind, build)
        made += stored
    return {"payslips": len(missing), "files": made}


@shared_task(acks_late=True)
def sweep_documents() -> int:
    """Every few minutes (beat): enqueue the files of approved distributions that lack some.

    The approval enqueues them on commit; this catches a message lost while the broker was down,
    a worker that died before fanning out, a payslip whose member was not told yet, and a file
    whose build failed fewer than `MAX_ATTEMPTS` times (one attempt per sweep).
    Returns how many distributions were enqueued.
    """
    member_lines = Count("lines", filter=Q(lines__kind=DistributionLine.Kind.MEMBER), distinct=True)
    payslips = Count(
        "documents",
        filter=Q(
            documents__kind=DistributionDocument.Kind.PAYSLIP,
            documents__notified_at__isnull=False,
        ),
        distinct=True,
    )
    shared = Count("documents", filter=Q(documents__member__isnull=True), distinct=True)
    given_up = Q(document_failures__attempts__gte=MAX_ATTEMPTS)
    payslips_given_up = Count(
        "document_failures",
        filter=given_up & Q(document_failures__kind=DistributionDocument.Kind.PAYSLIP),
        distinct=True,
    )
    shared_given_up = Count(
        "document_failures",
        filter=given_up & Q(document_failures__member__isnull=True),
        distinct=True,
    )
    paid_to_an_iban = DistributionLine.objects.filter(
        distribution=OuterRef("pk"), cash__gt=0
    ).exclude(iban="")
    # The report and the CSV always; the SEPA file when `documents.sepa_unavailable_reason`
    # finds nothing against it (the same conditions, in SQL), and only until the month is paid:
    # bank details set after the payment must not make a transfer file for money already paid.
    shared_expected = Case(
        When(
            Q(status=Distribution.Status.APPROVED, currency="EUR", has_sepa_payments=True)
            & ~Q(cooperative__iban="")
            & ~Q(cooperative__legal_name=""),
            then=Value(3),
        ),
        default=Value(2),
    )
    incomplete = (
        Distribution.objects.filter(status__in=FINAL)
        .annotate(has_sepa_payments=Exists(paid_to_an_iban))
        .annotate(
            member_lines=member_lines,
            payslips=payslips,
            shared=shared,
            payslips_given_up=payslips_given_up,
            shared_given_up=shared_given_up,
            shared_expected=shared_expected,
        )
        .filter(
            Q(payslips__lt=F("member_lines") - F("payslips_given_up"))
            | Q(shared__lt=F("shared_expected") - F("shared_given_up"))
        )
        .values_list("pk", flat=True)
    )
    pending = list(incomplete)
    for distribution_id in pending:
        generate_documents.delay(distribution_id)
    return len(pending)


@shared_task(acks_late=True)
def generate_payslip(distribution_id: int, member_id: int) -> bool:
    """One member's payslip, and the e-mail that tells the member; True if this call sent it."""
    distribution = _final(distribution_id)
    if distribution is None:
        return False
    line = (
        distribution.lines.select_related("member__user")
        .filter(kind=DistributionLine.Kind.MEMBER, member_id=member_id)
        .first()
    )
    if line is None or line.member is None:
        return False
    member = line.member
    _first, last = month_bounds(distribution.month)
    balance = capital.capital_balance(member, until=last)
    year_to_date = totals.year_to_date(distribution, member.pk)
    payslip, _stored = _store_once(
        distribution,
        DistributionDocument.Kind.PAYSLIP,
        lambda: documents.payslip_pdf(distribution, line, balance, year_to_date),
        member=member,
    )
    if payslip is None:  # failed: recorded, and shown to the treasurer
        return False
    # Nothing to tell a member whose share and cash are nil (on leave all month): the payslip
    # is made, and marked as handled so that the sweep does not retry a mail never meant.
    quiet = not line.share and not line.cash
    return _tell_member_once(distribution, member, payslip.pk, send=not quiet)


def _tell_member_once(
    distribution: Distribution, member: Member, payslip_id: int, *, send: bool = True
) -> bool:
    """E-mail the member unless done; the mark is committed with the send, under a row lock.

    A worker killed after the payslip was stored but before the e-mail leaves it unmarked and
    the retry sends it; only a kill between the mail server's acceptance and the commit (a few
    milliseconds) makes the retry send it again, and then with the same Message-ID: mail
    servers and clients take the two deliveries as one message.
    """
    with transaction.atomic():
        payslip = DistributionDocument.objects.select_for_update().get(pk=payslip_id)
        if payslip.notified_at is not None:
            return False
        if send:
            mails.payslip_ready(distribution, member, payslip_id)
        payslip.notified_at = clock.now()
        payslip.save(update_fields=["notified_at"])
    return send


@shared_task(acks_late=True)
def create_monthly_drafts() -> dict[str, int]:
    """Early each month (beat): draft last month's distribution for every co-op that has a
    policy and no distribution for that month yet, and tell its treasurers.

    Idempotent: a month with a distribution (draft, approved, paid or voided) is left alone, and
    so is a month with neither revenue nor hours.
    """
    made = skipped = 0
    for cooperative in Cooperative.objects.order_by("pk"):
        month = today_in(cooperative).replace(day=1) - relativedelta(months=1)
        # A voided run counts too: the treasurer voided it on purpose and drafts anew by hand.
        has_run = Distribution.objects.filter(cooperative=cooperative, month=month).exists()
        if has_run or current_policy(cooperative) is None or not _had_activity(cooperative, month):
            continue
        try:
            distribution = distributing.create_draft(
                actor=None, cooperative=cooperative, month=month
            )
        except DomainError as error:
            # A concurrent draft, or a policy the month's figures break (e.g. the pay ratio):
            # the treasurer sees it on the money page; the next sweep tries again.
            logger.warning("monthly draft of %s %s: %s", cooperative.slug, month, error)
            skipped += 1
            continue
        made += 1
        mails.draft_ready(distribution)
    return {"drafted": made, "skipped": skipped}


def _had_activity(cooperative: Cooperative, month) -> bool:
    first, last = month_bounds(month)
    return (
        Revenue.objects.filter(cooperative=cooperative, received_on__range=(first, last)).exists()
        or TimeEntry.objects.filter(cooperative=cooperative, date__range=(first, last)).exists()
    )


# Who reads a policy notice: the members who share in the distributions, now or after a leave.
TOLD_OF_POLICIES = ("active", "probationary", "on_leave")


@shared_task(acks_late=True)
def tell_members_of_policy(policy_id: int) -> int:
    """E-mail every current member what a newly adopted distribution policy changed, each in
    their language; once (the policy is marked under a row lock). Returns how many were told."""
    with transaction.atomic():
        policy = (
            DistributionPolicy.objects.select_for_update()
            .select_related("cooperative")
            .filter(pk=policy_id, members_told_at__isnull=True)
            .first()
        )
        if policy is None:
            return 0
        cooperative = policy.cooperative
        members = list(
            Member.objects.filter(cooperative=cooperative, status__in=TOLD_OF_POLICIES)
            .select_related("user")
            .order_by("pk")
        )
        messages = mails.policy_changed(policy, members)
        if messages:
            get_connection().send_messages(messages)
        policy.members_told_at = clock.now()
        policy.save(update_fields=["members_told_at"])
    return len(messages)


@shared_task(acks_late=True)
def credit_capital_interest() -> dict[str, int]:
    """Daily (beat): credit the interest of the period just ended (a year or a month, as the
    bylaws say) to the capital accounts of every co-op whose bylaws set a rate. Idempotent: a
    period is run once (`payroll.capital_interest.run_due_interest`)."""
    from payroll import capital_interest

    return capital_interest.run_due_interest()
