"""Routes of /api/v1/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views.auth import TokenView
from api.views.banking_accounts import BankAccountViewSet
from api.views.banking_matches import BankMatchViewSet
from api.views.banking_statements import BankStatementViewSet, BankTransactionViewSet
from api.views.billing_documents import InvoicePdfView, InvoiceXmlView
from api.views.billing_invoices import InvoiceLineViewSet, InvoiceViewSet, UnbilledViewSet
from api.views.billing_payments import (
    AgingView,
    BalanceViewSet,
    InvoicePaymentViewSet,
    PaymentViewSet,
    SendInvoiceViewSet,
)
from api.views.billing_rates import (
    BillingRateViewSet,
    BillingSettingsViewSet,
    InvoicingDetailsViewSet,
)
from api.views.books import (
    BalanceSheetView,
    BalancesView,
    FundsView,
    IncomeStatementView,
    JournalEntryViewSet,
    LedgerAccountViewSet,
    TiesView,
    TrialBalanceView,
)
from api.views.capital import (
    CapitalInterestViewSet,
    CapitalLossViewSet,
    CollectiveAccountView,
)
from api.views.capital_accounts import CapitalAccountViewSet
from api.views.core import ClientViewSet, CooperativeViewSet, MemberViewSet, ProjectViewSet
from api.views.governance import DelegationViewSet, ProposalViewSet
from api.views.hours import HoursSummaryViewSet, TimeEntryViewSet, TimerViewSet
from api.views.patronage import AllocationConsentViewSet
from api.views.payroll_claims import ExpenseClaimViewSet
from api.views.payroll_distributions import DistributionViewSet
from api.views.payroll_money import ExpenseViewSet, RevenueViewSet
from api.views.payroll_policies import PolicyViewSet
from api.views.payroll_settlements import SettlementViewSet
from api.views.payroll_shares import ShareRegisterViewSet

COOP = r"coops/(?P<coop_slug>[-a-zA-Z0-9_]+)"

router = DefaultRouter()
router.include_format_suffixes = False  # one route per endpoint: no ".json" twins
router.register("coops", CooperativeViewSet, basename="cooperative")
router.register(f"{COOP}/members", MemberViewSet, basename="member")
router.register(f"{COOP}/clients", ClientViewSet, basename="client")
router.register(f"{COOP}/projects", ProjectViewSet, basename="project")
router.register(f"{COOP}/time-entries", TimeEntryViewSet, basename="time-entry")
router.register(f"{COOP}/timer", TimerViewSet, basename="timer")
router.register(f"{COOP}/hours/summary", HoursSummaryViewSet, basename="hours-summary")
router.register(f"{COOP}/proposals", ProposalViewSet, basename="proposal")
router.register(f"{COOP}/delegations", DelegationViewSet, basename="delegation")
router.register(f"{COOP}/revenue", RevenueViewSet, basename="revenue")
router.register(f"{COOP}/expenses", ExpenseViewSet, basename="expense")
router.register(f"{COOP}/settlements", SettlementViewSet, basename="settlement")
router.register(f"{COOP}/expense-claims", ExpenseClaimViewSet, basename="expense-claim")
router.register(f"{COOP}/policies", PolicyViewSet, basename="policy")
router.register(f"{COOP}/distributions", DistributionViewSet, basename="distribution")
router.register(
    f"{COOP}/capital-accounts/interest", CapitalInterestViewSet, basename="capital-interest"
)
router.register(f"{COOP}/capital-accounts/losses", CapitalLossViewSet, basename="capital-loss")
router.register(f"{COOP}/capital-accounts", CapitalAccountViewSet, basename="capital-account")
router.register(
    f"{COOP}/allocation-consents", AllocationConsentViewSet, basename="allocation-consent"
)
router.register(f"{COOP}/shares", ShareRegisterViewSet, basename="share")
router.register(f"{COOP}/invoices", InvoiceViewSet, basename="invoice")
router.register(
    rf"{COOP}/invoices/(?P<invoice_id>[0-9]+)/lines", InvoiceLineViewSet, basename="invoice-line"
)
router.register(f"{COOP}/unbilled", UnbilledViewSet, basename="unbilled")
router.register(f"{COOP}/billing-rates", BillingRateViewSet, basename="billing-rate")
router.register(f"{COOP}/bank-accounts", BankAccountViewSet, basename="bank-account")

# One object per co-op, at the collection's address (GET, PUT, PATCH).
SINGLETON = {"get": "retrieve", "put": "update", "patch": "partial_update"}
# Payments (billing/payments.py): plain routes beside the invoices' viewset.
INVOICE = rf"{COOP}/invoices/(?P<invoice_id>[0-9]+)"
router.register(f"{INVOICE}/payments", InvoicePaymentViewSet, basename="invoice-payment")
router.register(f"{INVOICE}/send", SendInvoiceViewSet, basename="invoice-send")
router.register(f"{COOP}/payments", PaymentViewSet, basename="payment")
router.register(f"{COOP}/balances", BalanceViewSet, basename="balance")
# Reconciliation (banking/reconciling.py).
router.register(f"{COOP}/bank-matches", BankMatchViewSet, basename="bank-match")
router.register(f"{COOP}/bank-statements", BankStatementViewSet, basename="bank-statement")
router.register(f"{COOP}/bank-transactions", BankTransactionViewSet, basename="bank-transaction")
# The books (books/selectors.py, books/balances.py, books/reports.py), read-only.
router.register(f"{COOP}/journal-entries", JournalEntryViewSet, basename="journal-entry")
router.register(f"{COOP}/ledger-accounts", LedgerAccountViewSet, basename="ledger-account")
BOOKS = "coops/<slug:coop_slug>/books"

# The API's route names live in the "api" namespace: the router's names (proposal-vote,
# timer-start, …) would otherwise shadow the web pages' names of the same actions.
app_name = "api"

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:api-schema"), name="api-docs"),
    re_path(
        f"^{COOP}/billing-settings/$",
        BillingSettingsViewSet.as_view(SINGLETON),
        name="billing-settings",
    ),
    re_path(
        f"^{COOP}/billing-details/$",
        InvoicingDetailsViewSet.as_view(SINGLETON),
        name="billing-details",
    ),
    re_path(rf"^{COOP}/invoices/(?P<pk>\d+)/pdf/$", InvoicePdfView.as_view(), name="invoice-pdf"),
    re_path(rf"^{COOP}/invoices/(?P<pk>\d+)/xml/$", InvoiceXmlView.as_view(), name="invoice-xml"),
    path("coops/<slug:coop_slug>/billing/aging/", AgingView.as_view(), name="billing-aging"),
    path(
        "coops/<slug:coop_slug>/capital-accounts/collective/",
        CollectiveAccountView.as_view(),
        name="capital-collective",
    ),
    path(f"{BOOKS}/balances/", BalancesView.as_view(), name="books-balances"),
    path(f"{BOOKS}/funds/", FundsView.as_view(), name="books-funds"),
    path(f"{BOOKS}/trial-balance/", TrialBalanceView.as_view(), name="books-trial-balance"),
    path(f"{BOOKS}/balance-sheet/", BalanceSheetView.as_view(), name="books-balance-sheet"),
    path(
        f"{BOOKS}/income-statement/", IncomeStatementView.as_view(), name="books-income-statement"
    ),
    path(f"{BOOKS}/ties/", TiesView.as_view(), name="books-ties"),
    path("", include("api.books_urls")),
    path("", include(router.urls)),
]
