"""Routes of the invoices' files, under /c/<coop_slug>/billing/."""

from django.urls import path

from billing.views import documents

urlpatterns = [
    path("invoices/<int:pk>/pdf", documents.invoice_pdf, name="billing-invoice-pdf"),
    path("invoices/<int:pk>/xml", documents.invoice_xml, name="billing-invoice-xml"),
]
