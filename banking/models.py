"""The co-op's bank: its accounts, the statements imported for them and their transactions.

A statement is imported whole or not at all (`banking.importing`); its transactions are never
edited. An account is named by its IBAN or, where a bank file carries none (US and Canadian
OFX accounts, some MT940 and camt files), by another identifier; a statement is matched to its
account by whichever the file carries. Amounts are signed `Decimal`s with 2 places in the
account's currency: money in is positive.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.models import Cooperative, Member
from coop.models.fields import money_field
from coop.validators import validate_currency


class StatementFormat(models.TextChoices):
    CAMT053 = "camt.053", "camt.053"
    CAMT054 = "camt.054", "camt.054"
    MT940 = "mt940", "MT940"
    OFX = "ofx", "OFX"
    CSV = "csv", "CSV"


class BankAccount(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="bank_accounts"
    )
    name = models.CharField(_("name"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # BBAN, "routing/account" of a US or Canadian account, or what the bank's files call it.
    other_identifier = models.CharField(_("other account identifier"), max_length=70, blank=True)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    opening_balance = money_field(_("opening balance"))
    opening_date = models.DateField(_("opening date"))
    # The columns of this bank's CSV export (banking.parsing.csv_mapping), when it has no
    # better format; empty until the treasurer saves one.
    csv_mapping = models.JSONField(_("CSV column mapping"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "iban"],
                condition=~Q(iban=""),
                name="bank_account_iban_unique_per_coop",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "other_identifier"],
                condition=~Q(other_identifier=""),
                name="bank_account_other_id_unique_per_coop",
            ),
            models.CheckConstraint(
                condition=~Q(iban="") | ~Q(other_identifier=""),
                name="bank_account_has_an_identifier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.iban or self.other_identifier})"


class BankStatement(models.Model):
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="statements")
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    statement_id = models.CharField(_("statement identifier"), max_length=140, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    # The same file twice is refused by its digest; an overlapping file by its transactions'
    # fingerprints (BankTransaction.fingerprint).
    file_sha256 = models.CharField(max_length=64)
    opening_balance = money_field(_("opening balance"), null=True, blank=True)
    opening_date = models.DateField(_("opening balance date"), null=True, blank=True)
    closing_balance = money_field(_("closing balance"), null=True, blank=True)
    closing_date = models.DateField(_("closing balance date"), null=True, blank=True)
    first_booking = models.DateField(_("first booking"), null=True, blank=True)
    last_booking = models.DateField(_("last booking"), null=True, blank=True)
    transaction_count = models.PositiveIntegerField(_("transactions"), default=0)
    skipped_count = models.PositiveIntegerField(_("transactions already imported"), default=0)
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-closing_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "file_sha256"], name="bank_statement_file_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account.name} {self.statement_id or self.pk}"


class BankTransaction(models.Model):
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="transactions")
    statement = models.ForeignKey(
        BankStatement, on_delete=models.PROTECT, related_name="transactions"
    )
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = money_field(_("amount"))
    bank_reference = models.CharField(_("bank reference"), max_length=140, blank=True)
    end_to_end_id = models.CharField(_("end-to-end ID"), max_length=140, blank=True)
    remittance_information = models.TextField(_("remittance information"), blank=True)
    creditor_reference = models.CharField(_("creditor reference"), max_length=35, blank=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("counterparty IBAN"), max_length=34, blank=True)
    counterparty_bic = models.CharField(_("counterparty BIC"), max_length=11, blank=True)
    bank_transaction_code = models.CharField(_("bank transaction code"), max_length=35, blank=True)
    reversal = models.BooleanField(_("reversal"), default=False)
    # What makes a transaction the same in two files (banking.fingerprints.fingerprint_of).
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["booking_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "fingerprint"], name="bank_transaction_once_per_account"
            ),
        ]
        indexes = [models.Index(fields=["account", "booking_date"])]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.counterparty_name}"


class MatchKind(models.TextChoices):
    INVOICE = "invoice", _("invoice payment")
    PAYOUT = "payout", _("distribution payout")
    COMMONS = "commons", _("commons payment")
    EXPENSE = "expense", _("expense")
    BANK_FEE = "bank_fee", _("bank fee")
    INTEREST = "interest", _("interest")
    # The whole transaction is set aside: nothing in Cooperage to match it with (a transfer
    # between the co-op's own accounts, a card refund).
    NOTHING = "nothing", _("nothing to match")


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("suggested")
    CONFIRMED = "confirmed", _("confirmed")
    SET_ASIDE = "set_aside", _("set aside")


# Which target each kind names: the check constraint below and banking.reconciling agree.
TARGET_OF_KIND = {
    MatchKind.INVOICE: "invoice",
    MatchKind.PAYOUT: "distribution_line",
    MatchKind.COMMONS: "distribution_line",
    MatchKind.EXPENSE: "expense",
    MatchKind.BANK_FEE: None,
    MatchKind.INTEREST: None,
    MatchKind.NOTHING: None,
}


def _only_target(target: str | None) -> Q:
    condition = Q()
    for field in ("invoice", "distribution_line", "expense"):
        condition &= Q(**{f"{field}__isnull": field != target})
    return condition


class BankMatch(models.Model):
    """A part of a bank transaction matched with what it paid or was paid for.

    A transaction has suggestions (banking.matching), of which the treasurer confirms, changes,
    splits or sets aside each; a split is several confirmed parts whose amounts add up to the
    transaction's. Confirming records what the money was (banking.reconciling) and keeps here
    what it created, so that undoing takes back exactly that.
    """

    Kind = MatchKind
    Status = MatchStatus

    transaction = models.ForeignKey(
        BankTransaction, on_delete=models.PROTECT, related_name="matches"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=MatchKind.choices)
    invoice = models.ForeignKey(
        "billing.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    distribution_line = models.ForeignKey(
        "payroll.DistributionLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_matches",
    )
    expense = models.ForeignKey(
        "payroll.Expense", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # This part of the transaction, positive whichever way the money went.
    amount = money_field(_("amount"))
    confidence = models.PositiveSmallIntegerField(_("confidence"), default=0)
    # Why it was suggested, as codes that banking.matching words (MATCH_REASONS).
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.SUGGESTED
    )
    confirmed_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    # What confirming created, for undo to take back.
    payment = models.OneToOneField(
        "billing.Payment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_match",
    )
    fee_expense = models.OneToOneField(
        "payroll.Expense",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_fee_match",
    )
    interest_revenue = models.OneToOneField(
        "payroll.Revenue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_interest_match",
    )
    # Confirming this part paid the last cash line of its distribution, which became paid.
    paid_distribution = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["transaction_id", "-confidence", "id"]
        verbose_name_plural = _("bank matches")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MatchKind.values), name="bank_match_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MatchStatus.values), name="bank_match_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=100),
                name="bank_match_confidence_range",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(kind=MatchKind.NOTHING, amount=0),
                name="bank_match_amount_positive",
            ),
            models.CheckConstraint(
                condition=(Q(kind=MatchKind.INVOICE) & _only_target("invoice"))
                | (
                    Q(kind__in=[MatchKind.PAYOUT, MatchKind.COMMONS])
                    & _only_target("distribution_line")
                )
                | (Q(kind=MatchKind.EXPENSE) & _only_target("expense"))
                | (
                    Q(kind__in=[MatchKind.BANK_FEE, MatchKind.INTEREST, MatchKind.NOTHING])
                    & _only_target(None)
                ),
                name="bank_match_target_of_kind",
            ),
            models.CheckConstraint(
                condition=Q(status=MatchStatus.CONFIRMED) | Q(confirmed_at__isnull=True),
                name="bank_match_confirmed_at_only_when_confirmed",
            ),
            # A transaction pays a target once; a distribution line and an expense are paid by
            # one transaction; a fee or interest is recorded once per transaction.
            models.UniqueConstraint(
                fields=["transaction", "invoice"],
                condition=Q(status="confirmed", invoice__isnull=False),
                name="bank_match_invoice_once_per_transaction",
            ),
            models.UniqueConstraint(
                fields=["distribution_line"],
                condition=Q(status="confirmed", distribution_line__isnull=False),
                name="bank_match_line_paid_once",
            ),
            models.UniqueConstraint(
                fields=["expense"],
                condition=Q(status="confirmed", expense__isnull=False),
                name="bank_match_expense_paid_once",
            ),
            models.UniqueConstraint(
                fields=["transaction"],
                condition=Q(status="confirmed", kind__in=["bank_fee", "interest"]),
                name="bank_match_fee_or_interest_once",
            ),
            models.UniqueConstraint(
                fields=["transaction"],
                condition=Q(kind="nothing"),
                name="bank_match_set_aside_once",
            ),
        ]
        indexes = [models.Index(fields=["transaction", "status"])]

    def __str__(self) -> str:
        return f"{self.transaction} → {self.kind} {self.amount} ({self.status})"
