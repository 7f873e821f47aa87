"""The work a co-op does: its clients, their projects, and the time members log on them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.durations import MINUTES_PER_DAY
from coop.models.cooperative import Cooperative, Member
from coop.validators import validate_country, validate_currency


class VatTreatment(models.TextChoices):
    """How VAT applies to what a client is invoiced; each maps to an EN 16931 VAT category
    (UNTDID 5305): standard and reduced rates S, zero rate Z, exempt E, reverse charge AE,
    export outside the EU G."""

    STANDARD = "standard", _("standard rate")
    REDUCED = "reduced", _("reduced rate")
    ZERO = "zero", _("zero rate")
    EXEMPT = "exempt", _("exempt")
    REVERSE_CHARGE = "reverse_charge", _("reverse charge (EU business customer)")
    EXPORT = "export", _("export outside the EU")


class Client(models.Model):
    VatTreatment = VatTreatment

    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="clients")
    name = models.CharField(_("name"), max_length=200)
    # What an invoice needs to name the buyer (EN 16931 BG-7) and how the client is billed.
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True, help_text=_("street, postcode and city"))
    country = models.CharField(
        _("country"), max_length=2, blank=True, validators=[validate_country]
    )
    vat_id = models.CharField(_("VAT ID"), max_length=20, blank=True)
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=30, validators=[MaxValueValidator(365)]
    )
    invoice_language = models.CharField(
        _("invoice language"), max_length=8, blank=True, choices=settings.LANGUAGES
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("empty: the co-op's currency"),
    )
    buyer_reference = models.CharField(
        _("buyer reference"),
        max_length=100,
        blank=True,
        help_text=_("the reference the client asks invoices to carry, e.g. a Leitweg-ID"),
    )
    vat_treatment = models.CharField(
        _("VAT"), max_length=16, choices=VatTreatment.choices, default=VatTreatment.STANDARD
    )
    vat_note = models.TextField(
        _("VAT note"),
        blank=True,
        help_text=_("the legal reason printed on invoices that carry no VAT"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "name"], name="client_name_unique"),
            models.CheckConstraint(
                condition=Q(vat_treatment__in=VatTreatment.values),
                name="client_vat_treatment_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="projects")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    billable = models.BooleanField(_("billable"), default=True)
    # Empty: the client's VAT treatment applies.
    vat_treatment = models.CharField(
        _("VAT"), max_length=16, blank=True, choices=VatTreatment.choices
    )
    vat_note = models.TextField(_("VAT note"), blank=True)
    budget_hours = models.DecimalField(
        _("budget (hours)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "client", "name"], name="project_name_unique_per_client"
            ),
            models.CheckConstraint(
                condition=Q(budget_hours__isnull=True) | Q(budget_hours__gte=0),
                name="project_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TimeEntrySource(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    TIMER = "timer", _("timer")
    TOGGL = "toggl", "Toggl Track"
    HARVEST = "harvest", "Harvest"
    KIMAI = "kimai", "Kimai"
    CLOCKIFY = "clockify", "Clockify"


class TimeEntry(models.Model):
    """Minutes a member worked on a project on one day (in the co-op's time zone).

    An adjustment (`adjusts` set) corrects an entry of a locked month from an open month; it may
    take minutes away (negative minutes), never more than the original entry had.
    """

    Source = TimeEntrySource

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="time_entries"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="time_entries")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="time_entries")
    date = models.DateField(_("date"))
    minutes = models.IntegerField(
        _("minutes"),
        validators=[MinValueValidator(-MINUTES_PER_DAY), MaxValueValidator(MINUTES_PER_DAY)],
    )
    description = models.TextField(_("description"), blank=True)
    # Set from the project when the entry is logged; the treasurer may change it until billed.
    billable = models.BooleanField(_("billable"), default=True)
    adjusts = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
        verbose_name=_("adjusts"),
    )
    source = models.CharField(
        max_length=16, choices=TimeEntrySource.choices, default=TimeEntrySource.MANUAL
    )
    # Identifies an imported row so that importing the same file twice adds nothing.
    source_fingerprint = models.CharField(max_length=128, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = _("time entries")
        indexes = [
            # (cooperative, date, id) matches the lists' WHERE and ORDER BY (-date, -id): a page
            # stops after its rows instead of sorting the month's last day. It also serves every
            # query the former (cooperative, date) index did.
            models.Index(fields=["cooperative", "date", "id"], name="time_entry_coop_date_id"),
            models.Index(fields=["member", "date"], name="time_entry_member_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(minutes__gte=1) & Q(minutes__lte=MINUTES_PER_DAY))
                | (
                    Q(adjusts__isnull=False) & Q(minutes__gte=-MINUTES_PER_DAY) & Q(minutes__lte=-1)
                ),
                name="time_entry_minutes_in_day",
            ),
            models.UniqueConstraint(
                fields=["cooperative", "source_fingerprint"],
                condition=~Q(source_fingerprint=""),
                name="time_entry_import_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.date} {self.minutes} min"


class TimeEntryMonthCount(models.Model):
    """How many time entries a co-op has in a month, kept by the database itself.

    Triggers on the time entries (coop 0014) move the count in the statement that writes the
    entries, whatever writes them: the services, a bulk insert, an import, a COPY, a script. So
    the first page of a co-op's month (80,000 entries in the bench) reads one row instead of
    counting them. Nothing in Python writes it; a month whose entries are all gone keeps 0.
    """

    cooperative = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="the first day of the month")
    entries = models.IntegerField()

    class Meta:
        constraints = [
            # The triggers' upsert (ON CONFLICT) needs this very key.
            models.UniqueConstraint(fields=["cooperative", "month"], name="time_entry_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative_id} {self.month:%Y-%m}: {self.entries} entries"


class PeriodLock(models.Model):
    """A month whose hours are final because a distribution for it was approved."""

    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="period_locks"
    )
    month = models.DateField(_("month"), help_text=_("the first day of the locked month"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "month"], name="period_lock_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="period_lock_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.cooperative.slug} {self.month:%Y-%m} locked"


class RunningTimer(models.Model):
    """A member's running timer: at most one each; stopping it logs the time."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="running_timer")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(blank=True)
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.member} since {self.started_at}"
