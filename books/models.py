"""The books: each co-op's ledger accounts, which account plays each role a money event needs,
and the journal: entries of lines whose amounts add up to zero.

A line's amount is signed, in the co-op's currency with 2 places: a debit is positive, a credit
negative, so that an entry balances when its lines add up to zero. Entries are never edited: a
correction is a reversing entry (`reverses`). The service (`books.journal`) refuses an entry
that does not balance; on PostgreSQL a deferred constraint trigger refuses it again at commit
(migration 0001), whatever wrote it.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.models import Cooperative, Member
from coop.models.fields import money_field


class AccountType(models.TextChoices):
    ASSET = "asset", _("asset")
    LIABILITY = "liability", _("liability")
    EQUITY = "equity", _("equity")
    INCOME = "income", _("income")
    EXPENSE = "expense", _("expense")


class EntryKind(models.TextChoices):
    """The money event an entry records."""

    INVOICE_ISSUED = "invoice_issued", _("invoice issued")
    CREDIT_NOTE = "credit_note", _("credit note")
    PAYMENT_RECEIVED = "payment_received", _("payment received")
    REVENUE = "revenue", _("revenue")
    EXPENSE = "expense", _("expense")
    DISTRIBUTION = "distribution", _("distribution approved")
    PAYOUT = "payout", _("payout")
    CAPITAL = "capital", _("capital entry")
    BANK_FEE = "bank_fee", _("bank fee")
    INTEREST = "interest", _("interest")
    REVERSAL = "reversal", _("reversal")
    OPENING_BALANCE = "opening_balance", _("opening balance")


# The ranges of DATEV's header fields 11 and 12 (developer.datev.de, DATEV-Format, Header).
DATEV_CONSULTANT_RANGE = (1001, 9999999)
DATEV_CLIENT_RANGE = (1, 99999)


class BooksSettings(models.Model):
    """Which default chart the co-op's accounts came from (`books.charts`): DATEV's export names
    it (SKR03, SKR04). Written when the chart is installed. The DATEV numbers are the ones the
    co-op's tax adviser gives the treasurer, for the header of the DATEV export."""

    cooperative = models.OneToOneField(
        Cooperative, on_delete=models.PROTECT, related_name="books_settings"
    )
    chart = models.CharField(_("chart of accounts"), max_length=16)
    datev_consultant_number = models.PositiveIntegerField(
        _("DATEV consultant number (Beraternummer)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(DATEV_CONSULTANT_RANGE[0]),
            MaxValueValidator(DATEV_CONSULTANT_RANGE[1]),
        ],
    )
    datev_client_number = models.PositiveIntegerField(
        _("DATEV client number (Mandantennummer)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(DATEV_CLIENT_RANGE[0]),
            MaxValueValidator(DATEV_CLIENT_RANGE[1]),
        ],
    )

    class Meta:
        verbose_name_plural = "books settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(datev_consultant_number__isnull=True)
                | Q(datev_consultant_number__range=DATEV_CONSULTANT_RANGE),
                name="books_datev_consultant_range",
            ),
            models.CheckConstraint(
                condition=Q(datev_client_number__isnull=True)
                | Q(datev_client_number__range=DATEV_CLIENT_RANGE),
                name="books_datev_client_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative}: {self.chart}"


class LedgerAccount(models.Model):
    """An account of the co-op's chart, numbered as its chart numbers it (SKR03 "1200")."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    number = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=16, choices=AccountType.choices)

    class Meta:
        ordering = ["cooperative", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "number"], name="ledger_account_number_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class AccountMapping(models.Model):
    """The account that plays a role (`books.charts.Role`) in the money events of a co-op."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="account_mappings"
    )
    role = models.CharField(_("role"), max_length=32)
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="roles")

    class Meta:
        ordering = ["cooperative", "role"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "role"], name="account_role_once"),
        ]

    def __str__(self) -> str:
        return f"{self.role} → {self.account}"


class JournalEntry(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="journal_entries"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=32, choices=EntryKind.choices)
    description = models.CharField(_("description"), max_length=300)
    # What the entry records: "billing.invoice" and its id, for the ledger's links and the
    # backfill's checks.
    source_type = models.CharField(max_length=64, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["cooperative", "date", "id"]
        verbose_name_plural = "journal entries"
        indexes = [
            models.Index(fields=["cooperative", "date"], name="journal_entry_coop_date"),
            models.Index(fields=["source_type", "source_id"], name="journal_entry_source"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.description}"


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    amount = money_field(_("amount"))  # debit > 0, credit < 0
    # The member of a member's sub-ledger line (capital account, cash share payable).
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    memo = models.CharField(_("memo"), max_length=200, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="journal_line_not_zero"),
        ]
        indexes = [
            models.Index(fields=["account", "entry"], name="journal_line_account"),
            # The balance trigger finds an entry's last line by it (migration 0005).
            models.Index(fields=["entry", "id"], name="journal_line_entry_last"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"

    @property
    def debit(self):
        return self.amount if self.amount > 0 else None

    @property
    def credit(self):
        return -self.amount if self.amount < 0 else None
