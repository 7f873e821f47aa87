"""The statement upload form: a file, and optionally its format, its account and (for a CSV
export) its closing balance."""

from django import forms
from django.utils.translation import gettext_lazy as _

from banking.importing import StatementTooLarge, check_import_size
from banking.models import BankAccount, StatementFormat
from coop.forms import LocalizedDecimalField
from coop.models import Cooperative


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Statement file"),
        help_text=_("camt.053 or camt.054 (XML), MT940, OFX, or a CSV export of the bank."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("recognise from the file")), *StatementFormat.choices],
        required=False,
        help_text=_("A CSV file is read only when chosen here, with its account."),
    )
    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=BankAccount.objects.none(),
        required=False,
        empty_label=_("the one the file names"),
    )
    closing_balance = LocalizedDecimalField(
        label=_("Closing balance"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_(
            "For a CSV export only: the balance the bank shows after its last entry. The entries "
            "must add up to it from the account's latest balance."
        ),
    )

    def __init__(self, *args, cooperative: Cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = BankAccount.objects.filter(  # type: ignore[attr-defined]
            cooperative=cooperative
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_import_size(upload.size)
        except StatementTooLarge as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return upload

    @property
    def status(self) -> int:
        """413 for a file over the limit, as the API answers; 400 for anything else."""
        return StatementTooLarge.status if self.has_error("file", StatementTooLarge.code) else 400
