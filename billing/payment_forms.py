"""The form of the "Record a payment" page: it parses what the treasurer typed; the service
(billing.payments.record_payment) decides."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import Invoice
from coop.forms import DateField, LocalizedDecimalField
from payroll.forms import money_field


class PaymentForm(forms.Form):
    received_on = DateField(label=_("Received on"))
    amount = money_field(_("Amount received"))
    amount_in_coop_currency = money_field(
        _("Amount in the co-op's currency"),
        required=False,
        help_text=_("What reached the co-op's account; or give the exchange rate."),
    )
    exchange_rate = LocalizedDecimalField(
        label=_("Exchange rate"),
        max_digits=18,
        decimal_places=8,
        required=False,
        help_text=_("Units of the co-op's currency for one unit of the invoice's."),
    )
    confirm_overpayment = forms.BooleanField(
        label=_("The client paid more than is open: record it as an overpayment"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, invoice: Invoice, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if invoice.currency == invoice.cooperative.currency:
            del self.fields["amount_in_coop_currency"]
            del self.fields["exchange_rate"]
