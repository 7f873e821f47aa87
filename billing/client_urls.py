"""Routes of the clients and invoicing-details pages, under /c/<coop_slug>/billing/."""

from django.urls import path

from billing.views import clients, setup

urlpatterns = [
    path("clients/", clients.client_list, name="billing-clients"),
    path("clients/<int:pk>/", clients.client_detail, name="billing-client"),
    path(
        "clients/<int:pk>/projects/<int:project_pk>/",
        clients.project_billing,
        name="billing-project",
    ),
    path("clients/<int:pk>/rates/", clients.add_rate, name="billing-client-rates"),
    path("rates/", clients.add_default_rate, name="billing-default-rates"),
    path("rates/<int:pk>/", clients.change_rate, name="billing-rate"),
    path("rates/<int:pk>/delete/", clients.delete_rate, name="billing-rate-delete"),
    path("settings/", setup.billing_settings, name="billing-settings"),
]
