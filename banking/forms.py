"""The forms of the bank account pages: they parse what the treasurer typed; the services
(banking.accounts) decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banking.parsing import csv_mapping
from coop.forms import DateField
from payroll.forms import money_field


class AccountForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    iban = forms.CharField(
        label=_("IBAN"),
        max_length=42,
        required=False,
        help_text=_("Leave it empty for an account without one, and give its identifier below."),
    )
    bic = forms.CharField(label=_("BIC"), max_length=14, required=False)
    other_identifier = forms.CharField(
        label=_("Other account identifier"),
        max_length=70,
        required=False,
        help_text=_(
            "For an account without an IBAN: the BBAN, or “routing/account” for a US or "
            "Canadian account (021000021/1234567890), as the bank's files write it."
        ),
    )
    currency = forms.CharField(label=_("Currency"), max_length=3)
    opening_balance = money_field(_("Opening balance"))
    opening_date = DateField(label=_("Opening balance on"))


ENCODING_CHOICES = [
    ("utf-8", _("UTF-8")),
    ("utf-8-sig", _("UTF-8 with a byte order mark")),
    ("cp1252", _("Windows-1252 (Western Europe)")),
    ("latin-1", _("Latin-1 (ISO 8859-1)")),
]
DELIMITER_CHOICES = [(";", _("Semicolon ;")), (",", _("Comma ,")), ("\t", _("Tab"))]
DATE_CHOICES = [
    ("day-first", _("Day first: 31.12.2026, 31/12/26")),
    ("month-first", _("Month first: 12/31/2026")),
    ("iso", _("ISO: 2026-12-31")),
    ("other", _("Another format, written below")),
]
DECIMAL_CHOICES = [(".", _("Point: 1234.56")), (",", _("Comma: 1234,56"))]
THOUSANDS_CHOICES = [
    ("", _("None")),
    (".", _("Point: 1.234,56")),
    (",", _("Comma: 1,234.56")),
    (" ", _("Space: 1 234,56")),
    ("'", _("Apostrophe: 1'234.56")),
]
COLUMN_LABELS = {
    "booking_date": _("Booking date"),
    "value_date": _("Value date"),
    "amount": _("Amount (signed)"),
    "debit": _("Debit (money out)"),
    "credit": _("Credit (money in)"),
    "indicator": _("Debit/credit indicator"),
    "counterparty_name": _("Counterparty"),
    "counterparty_iban": _("Counterparty IBAN"),
    "remittance": _("Remittance information"),
    "bank_reference": _("Bank reference"),
    "bank_transaction_code": _("Transaction type"),
}


def _column(text: str) -> str | int:
    text = text.strip()
    return int(text) if text.isdigit() else text


def _shown(value: Any) -> str:
    return str(value) if value not in (None, "") else ""


class CsvMappingForm(forms.Form):
    """The mapping's settings, one field each; a column is a header's text or a position."""

    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES)
    delimiter = forms.ChoiceField(label=_("Delimiter"), choices=DELIMITER_CHOICES)
    skip_rows = forms.IntegerField(
        label=_("Rows before the header"), min_value=0, max_value=csv_mapping.MAX_SKIP_ROWS
    )
    header = forms.BooleanField(label=_("The file has a header row"), required=False)
    date_style = forms.ChoiceField(label=_("Dates"), choices=DATE_CHOICES)
    date_pattern = forms.CharField(
        label=_("Date format"),
        required=False,
        max_length=30,
        help_text=_("Only for another format: %d day, %m month, %Y year, as in %d.%m.%Y."),
    )
    decimal_separator = forms.ChoiceField(label=_("Decimal separator"), choices=DECIMAL_CHOICES)
    thousands_separator = forms.ChoiceField(
        label=_("Thousands separator"), choices=THOUSANDS_CHOICES, required=False
    )
    debit_marks = forms.CharField(
        label=_("Debit marks"),
        required=False,
        help_text=_("For an indicator column: its words for money out, separated by commas."),
    )
    credit_marks = forms.CharField(
        label=_("Credit marks"),
        required=False,
        help_text=_("Its words for money in, separated by commas."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for key, label in COLUMN_LABELS.items():
            self.fields[f"column_{key}"] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                help_text=(
                    _("Several columns: one per line, joined with a space.")
                    if key == "remittance"
                    else None
                ),
                widget=forms.Textarea(attrs={"rows": 2}) if key == "remittance" else None,
            )

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{key}"] for key in COLUMN_LABELS]

    def setting_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("column_")]

    @classmethod
    def initial_of(cls, mapping: dict[str, Any]) -> dict[str, Any]:
        date_format = mapping.get("date_format", "iso")
        standard = date_format in csv_mapping.DATE_STYLES
        initial: dict[str, Any] = {
            "encoding": mapping.get("encoding", "utf-8"),
            "delimiter": mapping.get("delimiter", ";"),
            "skip_rows": mapping.get("skip_rows", 0),
            "header": mapping.get("header", True),
            "date_style": date_format if standard else "other",
            "date_pattern": "" if standard else date_format,
            "decimal_separator": mapping.get("decimal_separator", "."),
            "thousands_separator": mapping.get("thousands_separator", ""),
            "debit_marks": ", ".join(mapping.get("debit_marks", [])),
            "credit_marks": ", ".join(mapping.get("credit_marks", [])),
        }
        columns = mapping.get("columns", {})
        for key in COLUMN_LABELS:
            value = columns.get(key)
            if isinstance(value, list):
                initial[f"column_{key}"] = "\n".join(_shown(each) for each in value)
            else:
                initial[f"column_{key}"] = _shown(value)
        return initial

    def mapping(self) -> dict[str, Any]:
        """The mapping the form describes (checked by the service, not here)."""
        data = self.cleaned_data
        mapping: dict[str, Any] = {
            "encoding": data["encoding"],
            "delimiter": data["delimiter"],
            "skip_rows": data["skip_rows"],
            "header": data["header"],
            "date_format": data["date_pattern"].strip()
            if data["date_style"] == "other"
            else data["date_style"],
            "decimal_separator": data["decimal_separator"],
            "thousands_separator": data["thousands_separator"] or "",
        }
        for key in ("debit_marks", "credit_marks"):
            marks = [mark.strip() for mark in data[key].split(",") if mark.strip()]
            if marks:
                mapping[key] = marks
        columns: dict[str, Any] = {}
        for key in COLUMN_LABELS:
            text = data[f"column_{key}"] or ""
            if key == "remittance":
                parts = [_column(line) for line in text.splitlines() if line.strip()]
                if len(parts) == 1:
                    columns[key] = parts[0]
                elif parts:
                    columns[key] = parts
            elif text.strip():
                columns[key] = _column(text)
        mapping["columns"] = columns
        return mapping


# Where a problem of the mapping (named by its key) is shown on the form.
MAPPING_FIELDS = {
    "date_format": "date_pattern",
    **{f"columns.{key}": f"column_{key}" for key in COLUMN_LABELS},
}


def field_of_problem(problem: str) -> str | None:
    key = problem.split(":", 1)[0]
    return MAPPING_FIELDS.get(key, key)
