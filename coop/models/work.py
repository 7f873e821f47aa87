"""The work a co-op does: its clients, their projects, and the time members log on them."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from coop.durations import MINUTES_PER_DAY
from coop.models.cooperative import Cooperative, Member


class Client(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="clients")
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["cooperative", "name"], name="client_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Project(models.Model):
    cooperative = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="projects")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
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
