"""Routes of the invoice pages, under /c/<coop_slug>/billing/."""

from django.urls import path

from billing.views import invoices

urlpatterns = [
    path("invoices/", invoices.invoice_list, name="billing-invoices"),
    path("unbilled/", invoices.unbilled, name="billing-unbilled"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="billing-invoice"),
    path("invoices/<int:pk>/lines/", invoices.add_line, name="billing-invoice-add-line"),
    path(
        "invoices/<int:pk>/lines/<int:line_id>/",
        invoices.edit_line,
        name="billing-invoice-edit-line",
    ),
    path(
        "invoices/<int:pk>/lines/<int:line_id>/remove/",
        invoices.remove_line,
        name="billing-invoice-remove-line",
    ),
    path("invoices/<int:pk>/issue/", invoices.issue, name="billing-invoice-issue"),
    path("invoices/<int:pk>/delete/", invoices.delete, name="billing-invoice-delete"),
    path("invoices/<int:pk>/credit/", invoices.credit, name="billing-invoice-credit"),
]
