"""The journal's and the ledger's filters, read from the query string by the pages and the API
alike, so that both refuse a bad value naming its field."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from books.models import EntryKind, LedgerAccount
from books.selectors import JournalFilters, accounts_of
from coop.models import Cooperative, Member

MAX_ID = 2**63 - 1


class IdChoiceField(forms.ModelChoiceField):
    """A row of the co-op by id; an id no key holds is an invalid choice, not the database's
    overflow."""

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        if text and not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class MemberField(IdChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.display_name


class PeriodFilterForm(forms.Form):
    date_after = forms.DateField(label=gettext_lazy("From"), required=False)
    date_before = forms.DateField(label=gettext_lazy("To"), required=False)
    member = MemberField(queryset=Member.objects.none(), required=False,
                         label=gettext_lazy("Member"))  # fmt: skip

    def __init__(self, data=None, *, cooperative: Cooperative, **kwargs):
        super().__init__(data, **kwargs)
        self.cooperative = cooperative
        self.fields["member"].queryset = (
            Member.objects.filter(cooperative=cooperative)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )
        self.fields["member"].error_messages["invalid_choice"] = _("The co-op has no such member.")
        for name in ("date_after", "date_before"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})
            self.fields[name].error_messages["invalid"] = _("Give a day as YYYY-MM-DD.")

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("date_after"), cleaned.get("date_before")
        if after and before and after > before:
            self.add_error("date_before", _("The end of the range is before its start."))
        return cleaned


class JournalFilterForm(PeriodFilterForm):
    account = IdChoiceField(queryset=LedgerAccount.objects.none(), required=False,
                                     label=gettext_lazy("Account"))  # fmt: skip
    kind = forms.ChoiceField(
        choices=[("", "—"), *EntryKind.choices], required=False, label=gettext_lazy("Kind")
    )
    source = forms.CharField(
        required=False,
        max_length=140,
        label=gettext_lazy("Source"),
        help_text=gettext_lazy("A record, as billing.invoice or billing.invoice:7"),
    )

    field_order = ["date_after", "date_before", "account", "kind", "member", "source"]

    def __init__(self, data=None, *, cooperative: Cooperative, **kwargs):
        super().__init__(data, cooperative=cooperative, **kwargs)
        self.fields["account"].queryset = accounts_of(cooperative)
        self.fields["account"].error_messages["invalid_choice"] = _(
            "The chart has no such account."
        )

    def clean_source(self) -> tuple[str, str]:
        value = self.cleaned_data.get("source", "").strip()
        source_type, _colon, source_id = value.partition(":")
        if (value and not source_type) or (_colon and not source_id):
            raise forms.ValidationError(
                _("Name a record as type or type:id, for example billing.invoice:7.")
            )
        return source_type, source_id

    def filters(self) -> JournalFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        source_type, source_id = data.get("source") or ("", "")
        return JournalFilters(
            first=data.get("date_after"),
            last=data.get("date_before"),
            account=data.get("account"),
            kind=data.get("kind") or "",
            member=data.get("member"),
            source_type=source_type,
            source_id=source_id,
        )


def errors_of(form: forms.Form) -> dict[str, list[str]]:
    """A bound form's errors per field, as plain strings."""
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }
