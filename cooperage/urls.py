"""Root URLconf: the web pages, the admin and the REST API."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from api import web as api_web
from coop import health, legal_pages, views
from coop.forms import EmailAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico wherever a page names no icon (the admin, a PDF, the API's
    # JSON): send them to the SVG the pages link, not to a 404 in the log. Not permanent, as
    # the static file's name carries its hash in production.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("coop/favicon.svg"), permanent=False),
        name="favicon",
    ),
    path("readyz", health.readyz, name="readyz"),
    path(
        "login/",
        views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/tokens/", api_web.tokens, name="account-tokens"),
    path("c/<slug:coop_slug>/", views.cooperative_home, name="coop-home"),
    path("c/<slug:coop_slug>/members/", views.member_directory, name="coop-members"),
    path("c/<slug:coop_slug>/members/invite/", views.invite, name="coop-invite"),
    path(
        "c/<slug:coop_slug>/members/invitations/<int:pk>/resend/",
        views.invitation_resend,
        name="coop-invitation-resend",
    ),
    path(
        "c/<slug:coop_slug>/members/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="coop-invitation-revoke",
    ),
    path(
        "c/<slug:coop_slug>/members/<int:pk>/status/",
        views.member_status,
        name="coop-member-status",
    ),
    path(
        "c/<slug:coop_slug>/members/<int:pk>/roles/", views.member_roles, name="coop-member-roles"
    ),
    path(
        "c/<slug:coop_slug>/members/<int:pk>/probation/",
        views.member_probation,
        name="coop-member-probation",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("c/<slug:coop_slug>/my-data.zip", views.my_data, name="coop-my-data"),
    path("c/<slug:coop_slug>/law/", legal_pages.legal_profile, name="coop-law"),
    path("c/<slug:coop_slug>/hours/", include("coop.hours.urls")),
    path("c/<slug:coop_slug>/money/", include("payroll.urls")),
    path("c/<slug:coop_slug>/billing/", include("billing.client_urls")),
    path("c/<slug:coop_slug>/proposals/", include("governance.urls")),
    path("c/<slug:coop_slug>/billing/", include("billing.urls")),
    path("c/<slug:coop_slug>/billing/", include("billing.document_urls")),
    path("c/<slug:coop_slug>/billing/", include("billing.payment_urls")),
    path("c/<slug:coop_slug>/bank/", include("banking.urls")),
    path("c/<slug:coop_slug>/bank/", include("banking.statement_urls")),
    path("c/<slug:coop_slug>/bank/", include("banking.reconciliation_urls")),
    path("c/<slug:coop_slug>/books/", include("books.urls")),
    path("c/<slug:coop_slug>/books/exports/", include("books.export_urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]

# Under /api/ the errors answer in the API's error body; elsewhere, Django's pages.
handler400 = "api.errors.bad_request_handler"
handler404 = "api.errors.not_found_handler"
handler500 = "api.errors.server_error_handler"
