"""What a co-op bills its clients: hourly rates, invoices and credit notes, and payments.

An invoice is a draft until it is issued; issuing assigns its number (gapless per co-op and
year, `InvoiceSequence`), freezes the seller and the buyer as they were that day and its totals,
and from then on nothing on it changes: a correction or a cancellation is a credit note that
refers to it. Amounts are in the invoice's currency (the client's), `Decimal` with 2 places.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from coop.models import Client, Cooperative, Member, Project, TimeEntry
from coop.models.fields import money_field
from coop.validators import validate_currency
from payroll.models import Revenue


def vat_rate_field(verbose_name: Any = None, **kwargs: Any) -> models.DecimalField:
    """A VAT rate in percent, as invoices write it: 19.00 is 19 %."""
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, **kwargs)


class BillingSettings(models.Model):
    """A co-op's invoicing settings; a co-op without a row has the defaults."""

    cooperative = models.OneToOneField(
        Cooperative, on_delete=models.PROTECT, related_name="billing_settings"
    )
    number_pattern = models.CharField(
        _("invoice number pattern"),
        max_length=40,
        default="{year}-{number:04d}",
        help_text=_("{year} and {number} are replaced; {number:04d} pads with zeros"),
    )
    standard_vat_rate = vat_rate_field(_("standard VAT rate (%)"), null=True, blank=True)
    reduced_vat_rate = vat_rate_field(_("reduced VAT rate (%)"), null=True, blank=True)
    exemption_note = models.TextField(
        _("VAT exemption note"),
        blank=True,
        help_text=_("printed on exempt invoices, e.g. the small-business exemption"),
    )
    # Days after the due date at which the treasurer is reminded, one per dunning level.
    dunning_days = models.JSONField(_("dunning levels (days overdue)"), default=list)

    def __str__(self) -> str:
        return f"billing settings of {self.cooperative.slug}"


class BillingRate(models.Model):
    """An hourly rate, from a day on, at one of four levels; the most specific level wins:
    a member on a project, then the project, then the client, then the co-op's default.

    `scope` names the level and its objects ("coop", "client:3", "project:5", "member:5:7"), so
    that one rate per scope and day is a plain unique constraint on every database.
    """

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="billing_rates"
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, null=True, blank=True, related_name="billing_rates"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="billing_rates"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="billing_rates"
    )
    scope = models.CharField(max_length=40, editable=False)
    rate = money_field(_("rate per hour"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scope", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="billing_rate_positive"),
            models.CheckConstraint(
                condition=Q(member__isnull=True) | Q(project__isnull=False),
                name="billing_rate_member_on_a_project",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "scope", "valid_from"], name="billing_rate_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rate} {self.currency}/h {self.scope} from {self.valid_from}"

    def save(self, *args, **kwargs) -> None:
        self.scope = self.scope_of()
        super().save(*args, **kwargs)

    def scope_of(self) -> str:
        if self.member_id is not None:
            return f"member:{self.project_id}:{self.member_id}"
        if self.project_id is not None:
            return f"project:{self.project_id}"
        if self.client_id is not None:
            return f"client:{self.client_id}"
        return "coop"


class InvoiceSequence(models.Model):
    """The last number issued per co-op and year: locked (SELECT … FOR UPDATE) by an issue, so
    that numbers are consecutive with no gap and no duplicate."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="invoice_sequences"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "year"], name="invoice_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cooperative.slug} {self.year}: {self.last_number}"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("invoice")  # UNTDID 1001 code 380
    CREDIT_NOTE = "credit_note", _("credit note")  # code 381


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("invoice", "draft")
    ISSUED = "issued", pgettext_lazy("invoice", "issued")
    SENT = "sent", pgettext_lazy("invoice", "sent")
    PAID = "paid", pgettext_lazy("invoice", "paid")
    CREDITED = "credited", pgettext_lazy("invoice", "credited")


class LineGrouping(models.TextChoices):
    PROJECT = "project", _("one line per project")
    MEMBER = "member", _("one line per member")
    ENTRY = "entry", _("one line per entry")


class Invoice(models.Model):
    """An invoice or a credit note. Issued, it never changes but for its status (sent, paid,
    credited), its dunning level and the files made from it."""

    Kind = InvoiceKind
    Status = InvoiceStatus

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="invoices")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    # A credit note refers to the invoice it corrects or cancels.
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    status = models.CharField(
        max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    grouping = models.CharField(
        _("lines"), max_length=8, choices=LineGrouping.choices, default=LineGrouping.PROJECT
    )
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    buyer_reference = models.CharField(_("buyer reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    # Set when issued.
    number = models.CharField(_("number"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=35, blank=True)
    seller = models.JSONField(default=dict, blank=True)  # the co-op's details on the issue day
    # The VAT notes printed on the invoice and written into its e-invoice as the exemption
    # reason (BT-120), per VAT category code: {"AE": "Reverse charge: …"}, in the invoice's
    # language, set when its lines are made.
    vat_notes = models.JSONField(_("VAT notes"), default=dict, blank=True)
    buyer = models.JSONField(default=dict, blank=True)  # the client's details on the issue day
    net_total = money_field(_("net"), default=Decimal("0"))
    vat_total = money_field(_("VAT"), default=Decimal("0"))
    gross_total = money_field(_("total"), default=Decimal("0"))
    pdf = models.FileField(upload_to="invoices/%Y/", blank=True)
    xml = models.FileField(upload_to="invoices/%Y/", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Asked to be e-mailed to the client and not sent yet (its PDF may not be made yet): the
    # dunning sweep sends it again until `sent_at` is set.
    send_requested_at = models.DateTimeField(null=True, blank=True)
    dunning_level = models.PositiveSmallIntegerField(default=0)
    last_reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-sequence", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "number"],
                condition=~Q(number=""),
                name="invoice_number_unique",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="invoice_sequence_once",
            ),
            models.CheckConstraint(
                condition=Q(status=InvoiceStatus.DRAFT)
                | (~Q(number="") & Q(issue_date__isnull=False) & Q(sequence__isnull=False)),
                name="invoice_issued_has_number",
            ),
            models.CheckConstraint(
                condition=Q(kind=InvoiceKind.INVOICE, corrects__isnull=True)
                | Q(kind=InvoiceKind.CREDIT_NOTE, corrects__isnull=False),
                name="invoice_credit_note_corrects",
            ),
        ]
        indexes = [
            models.Index(fields=["cooperative", "status", "due_date"], name="invoice_coop_due"),
        ]

    def __str__(self) -> str:
        return self.number or f"draft #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT


class VatCategory(models.TextChoices):
    """EN 16931 VAT category codes (UNTDID 5305) that Cooperage writes."""

    STANDARD = "S", _("standard rate")
    ZERO = "Z", _("zero rate")
    EXEMPT = "E", _("exempt")
    REVERSE_CHARGE = "AE", _("reverse charge")
    EXPORT = "G", _("export outside the EU")


class InvoiceLine(models.Model):
    """One line: hours (`minutes` set, priced per hour) or a manual line (fixed-price work, a
    rebilled expense). `net` is quantity × price rounded to the cent (EN 16931 BT-131)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=500)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = models.IntegerField(null=True, blank=True)  # hour lines: exactly what was logged
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    unit = models.CharField(max_length=3, default="HUR")  # UN/ECE Rec. 20: HUR, MIN, C62
    unit_price = models.DecimalField(_("price"), max_digits=14, decimal_places=4)
    # EN 16931 BT-149: the price is per this many units. Hour lines whose hours, rounded to 4
    # places, would not give the exact net are written in minutes at the hourly price per 60.
    base_quantity = models.DecimalField(
        _("base quantity"), max_digits=8, decimal_places=2, default=Decimal("1")
    )
    net = money_field(_("net"))
    vat_category = models.CharField(max_length=2, choices=VatCategory.choices)
    vat_rate = vat_rate_field(_("VAT rate (%)"), default=Decimal("0"))
    credited_line = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credits"
    )

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} #{self.position}: {self.description}"


class BilledEntry(models.Model):
    """A time entry billed on an invoice line: an entry is billed at most once."""

    entry = models.OneToOneField(TimeEntry, on_delete=models.PROTECT, related_name="billing")
    line = models.ForeignKey(InvoiceLine, on_delete=models.CASCADE, related_name="entries")

    def __str__(self) -> str:
        return f"entry {self.entry_id} on {self.line}"


class Payment(models.Model):
    """Money received for an invoice; it becomes the month's revenue (`PaymentRevenue`)."""

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = money_field(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = models.CharField(_("currency"), max_length=3)
    # In the co-op's currency when the client paid in another, with the rate used.
    amount_in_coop_currency = money_field(_("amount in the co-op's currency"))
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=18, decimal_places=8, null=True, blank=True
    )
    overpayment_confirmed = models.BooleanField(default=False)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for {self.invoice} on {self.received_on}"


class PaymentRevenue(models.Model):
    """The revenue a payment made: one row per project of the invoice's lines."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="revenue_links")
    revenue = models.OneToOneField(Revenue, on_delete=models.PROTECT, related_name="payment_link")

    def __str__(self) -> str:
        return f"{self.payment} -> {self.revenue}"


class InvoiceDocumentFailure(models.Model):
    """The files of an issued invoice (PDF and e-invoice) could not be made: why, and how often
    it was tried. The sweep tries again until `attempts` reaches `MAX_ATTEMPTS`
    (billing.tasks); made, the row is gone."""

    MAX_ATTEMPTS = 3

    invoice = models.OneToOneField(
        Invoice, on_delete=models.CASCADE, related_name="document_failure"
    )
    reason = models.TextField()
    attempts = models.PositiveIntegerField(default=1)
    failed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"files of {self.invoice} failed ({self.attempts}×): {self.reason}"
