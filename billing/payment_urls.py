"""Routes of the payments pages, under /c/<coop_slug>/billing/."""

from django.urls import path

from billing.views import payments

urlpatterns = [
    path("invoices/<int:pk>/payments/new/", payments.record_payment, name="billing-payment-new"),
    path("invoices/<int:pk>/send/", payments.send_invoice, name="billing-invoice-send"),
    path("payments/", payments.payment_list, name="billing-payments"),
    path("payments/<int:pk>/remove/", payments.remove_payment, name="billing-payment-remove"),
    path("balances/", payments.client_balances, name="billing-balances"),
    path("aging/", payments.aging_report, name="billing-aging"),
]
