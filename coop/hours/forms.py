"""Forms of the hours pages: durations typed as people type them."""

import datetime

from babel import numbers as babel_numbers
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coop.durations import (
    HOURS_PER_DAY,
    MINUTES_PER_DAY,
    DurationError,
    hours_decimal,
    parse_duration,
)
from coop.forms import DateField, page_locale
from coop.hours.importing import FileTooLarge, check_import_size
from coop.models import Project, TimeEntry


def duration_problem(error: DurationError) -> str:
    """What a page says when a cell is not a duration, in the reader's language."""
    return gettext("“%(text)s” is not a duration: write it as 1:30, 1.5h, 1,5 or 90m.") % {
        "text": error.text
    }


def read_cell(text: str) -> int:
    """The minutes a week-grid cell was given, or a `forms.ValidationError` that speaks the
    cell's units (hours) and the reader's language: "-1" cannot be negative (it is not "not a
    duration"), "25" is more hours than a day has (not "minutes between 1 and 1440")."""
    typed = text.strip()
    if typed.startswith("-"):
        try:
            parse_duration(typed[1:])
        except DurationError:
            pass
        else:
            raise forms.ValidationError(
                gettext("“%(text)s”: a time worked cannot be negative.") % {"text": typed}
            )
    try:
        minutes = parse_duration(typed)
    except DurationError as error:
        raise forms.ValidationError(duration_problem(error)) from None
    if minutes > MINUTES_PER_DAY:
        hours = babel_numbers.format_decimal(
            hours_decimal(minutes).normalize(), locale=page_locale()
        )
        raise forms.ValidationError(
            gettext("%(hours)s hours is more than a day: a day has %(most)s hours at most.")
            % {"hours": hours, "most": HOURS_PER_DAY}
        )
    return minutes


class DurationField(forms.CharField):
    """`1:30`, `1.5h`, `1,5`, `90m` → minutes."""

    def __init__(self, *, allow_negative: bool = False, **kwargs):
        self.allow_negative = allow_negative
        kwargs.setdefault("help_text", _("1:30, 1.5h, 1,5 or 90m"))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        negative = self.allow_negative and value.strip().startswith("-")
        try:
            minutes = parse_duration(value.strip().lstrip("-") if negative else value)
        except DurationError as error:
            raise forms.ValidationError(duration_problem(error)) from None
        return -minutes if negative else minutes


def project_choices(cooperative, include=None):
    projects = Project.objects.filter(cooperative=cooperative, active=True)
    if include is not None:
        projects = projects | Project.objects.filter(pk=include.pk)
    return projects.select_related("client").order_by("client__name", "name")


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, project):
        return f"{project.client.name} — {project.name}"


class EntryForm(forms.Form):
    project = ProjectChoiceField(queryset=Project.objects.none(), label=_("Project"))
    date = DateField(label=_("Date"))
    duration = DurationField(label=_("Time"))
    description = forms.CharField(label=_("Description"), required=False)
    # Left as the project says, a new entry takes its project's flag (coop.hours.services).
    billable = forms.TypedChoiceField(
        label=_("Billable"),
        required=False,
        choices=[("", _("as the project")), ("yes", _("yes")), ("no", _("no"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )

    def __init__(self, *args, cooperative, entry: TimeEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = project_choices(
            cooperative, include=entry.project if entry else None
        )
        if entry is not None and entry.adjusts_id:
            # An adjustment may take time away: it keeps accepting "-0:30".
            self.fields["duration"].allow_negative = True
            self.fields["duration"].help_text = _(
                "A correction: time to add, or with a minus sign to take away."
            )


class AdjustmentForm(forms.Form):
    date = DateField(label=_("Date (in an open month)"))
    duration = DurationField(
        label=_("Correction"),
        allow_negative=True,
        help_text=_("Time to add, or with a minus sign to take away: -0:30"),
    )
    description = forms.CharField(label=_("Why"), required=True)


class ImportForm(forms.Form):
    # Not required: after a dry run the page keeps the file (coop.hours.kept_imports), and the
    # view asks for it only when there is none kept.
    file = forms.FileField(
        label=_("CSV export"),
        help_text=_("At most 5 MB. Rows imported before are recognised and skipped."),
        required=False,
    )
    create_missing = forms.BooleanField(
        label=_("Create clients and projects that do not exist yet"), required=False
    )
    skip_invalid = forms.BooleanField(
        label=_("Import the valid rows even if some are rejected"),
        help_text=_("Otherwise one rejected row means nothing is imported."),
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check everything, write nothing"), required=False
    )
    date_order = forms.ChoiceField(
        label=_("Dates like 03/04/2026 are"),
        choices=[("", _("detect from the file")), ("DMY", _("day/month/year")),
                 ("MDY", _("month/day/year"))],
        required=False,
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        try:
            check_import_size(upload.size)
        except FileTooLarge as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return upload

    @property
    def status(self) -> int:
        """The page's status for a refused form: the import service's 413 for a file over the
        limit, as the API answers, and 400 for anything else."""
        return FileTooLarge.status if self.has_error("file", FileTooLarge.code) else 400


def week_start(value: str | None, today: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - datetime.timedelta(days=day.weekday())
