"""The books, read-only: journal entries, ledger accounts with balances, the funds' balances and
months, and the reports (trial balance, balance sheet, income statement).

Every member of the co-op reads them (404 to anyone else). A filter or a period that cannot be
read is a 400 naming it; a report of a period without entries is a 404 with code `no_books`.
"""

import datetime

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.permissions import HasCoopRole, TokenScope
from api.scoping import CooperativeScopedMixin
from api.serializers.books import (
    BalanceSheetSerializer,
    BalancesSerializer,
    FundsSerializer,
    IncomeStatementSerializer,
    JournalEntrySerializer,
    LedgerAccountSerializer,
    TiesSerializer,
    TrialBalanceSerializer,
)
from api.views.core import COOP_SLUG, CoopScopedViewSet
from books import balances, periods, reports, selectors, ties
from books.forms import JournalFilterForm, errors_of
from books.models import EntryKind, JournalEntry
from coop.clock import today_in
from coop.errors import InvalidInput

JOURNAL_FILTERS = [
    OpenApiParameter("date_after", datetime.date, description="dated on or after (YYYY-MM-DD)"),
    OpenApiParameter("date_before", datetime.date, description="dated on or before (YYYY-MM-DD)"),
    OpenApiParameter("account", int, description="with a line on this ledger account (id)"),
    OpenApiParameter("kind", str, enum=EntryKind.values, description="the money event"),
    OpenApiParameter("member", int, description="with a line of this member (id)"),
    OpenApiParameter(
        "source", str, description="from a record: `billing.invoice` or `billing.invoice:7`"
    ),
]
PERIOD = [
    OpenApiParameter("year", int, description="a calendar year, YYYY (the current one by default)"),
    OpenApiParameter("month", str, description="a month, YYYY-MM (instead of a year)"),
]
ON = OpenApiParameter("on", datetime.date, description="balances at the end of this day")
NO_BOOKS = OpenApiResponse(description="the period has no entries (code `no_books`)")


def _day(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({"on": ["Give the day as YYYY-MM-DD."]}) from None


@extend_schema(parameters=[COOP_SLUG, *JOURNAL_FILTERS], summary="Journal entries with lines")
class JournalEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CoopScopedViewSet):
    """The journal: entries oldest first, each with its lines (a debit positive, a credit
    negative). Filters as the journal page's; a bad value is a 400 naming it."""

    serializer_class = JournalEntrySerializer
    model = JournalEntry
    filter_backends: list = []  # the journal page's own filters (books.forms), below

    def scoped_queryset(self, cooperative):
        if self.action != "list":
            return selectors.entries_of(cooperative)
        form = JournalFilterForm(self.request.query_params, cooperative=cooperative)
        if not form.is_valid():
            raise ValidationError(errors_of(form))
        return selectors.journal(cooperative, form.filters())

    @extend_schema(parameters=[COOP_SLUG], summary="One journal entry with its lines")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


@extend_schema(parameters=[COOP_SLUG, ON], summary="The chart's accounts with their balances")
class LedgerAccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CoopScopedViewSet):
    """The co-op's chart of accounts, each account with its balance (today, or `on` a day)."""

    serializer_class = LedgerAccountSerializer
    filter_backends: list = []

    def scoped_queryset(self, cooperative):
        return selectors.accounts_with_balances(
            cooperative, _day(self.request.query_params.get("on"))
        )


class BooksView(CooperativeScopedMixin, generics.GenericAPIView):
    """One object read from the books (GET only)."""

    permission_classes = [TokenScope, HasCoopRole]
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return JournalEntry.objects.none()

    def context(self) -> dict:
        return {"request": self.request, "cooperative": self.cooperative}

    def period(self) -> periods.Period:
        try:
            return periods.from_query(
                year_value=self.request.query_params.get("year"),
                month_value=self.request.query_params.get("month"),
                today=today_in(self.cooperative),
            )
        except InvalidInput as error:
            raise ValidationError({error.field or "period": [error.message]}) from None


class BalancesView(BooksView):
    """The reserve and education funds, commons payable, members' capital (in total and per
    member) and the bank, each as the account its role is mapped to holds it."""

    serializer_class = BalancesSerializer

    @extend_schema(
        parameters=[COOP_SLUG, ON],
        summary="Running balances: the funds, members' capital (per member) and the bank",
    )
    def get(self, request, coop_slug):
        on = _day(request.query_params.get("on"))
        body = {
            "balances": balances.role_balances(self.cooperative, on),
            "members_capital": balances.members_capital(self.cooperative, on),
            "bank_tie": balances.bank_tie(self.cooperative),
        }
        return Response(BalancesSerializer(body, context=self.context()).data)


class FundsView(BooksView):
    """Each fund's balance before the period, what it received and spent in each month of the
    period that moved it, and its balance at the end."""

    serializer_class = FundsSerializer

    @extend_schema(
        parameters=[COOP_SLUG, *PERIOD],
        summary="What each fund received and spent, month by month",
    )
    def get(self, request, coop_slug):
        period = self.period()
        body = {"period": period, "funds": balances.fund_histories(self.cooperative, period)}
        return Response(FundsSerializer(body, context=self.context()).data)


class ReportView(BooksView):
    build = staticmethod(reports.trial_balance)

    def get(self, request, coop_slug):
        result = type(self).build(self.cooperative, self.period())
        serializer = self.get_serializer_class()
        return Response(serializer(result, context=self.context()).data)


class TrialBalanceView(ReportView):
    """Each account's debits and credits in the period and its balance at the end; the debits
    equal the credits. 404 `no_books` for a period without entries."""

    serializer_class = TrialBalanceSerializer

    @extend_schema(
        parameters=[COOP_SLUG, *PERIOD],
        responses={200: TrialBalanceSerializer, 404: NO_BOOKS},
        summary="Trial balance: each account's debits, credits and balance",
    )
    def get(self, request, coop_slug):
        return super().get(request, coop_slug)


class BalanceSheetView(ReportView):
    """Assets, liabilities and equity at the period's end; income − expenses not closed by an
    entry is equity (`result_of_period`, `result_before`), so that assets equal liabilities
    and equity. 404 `no_books` for a period without entries."""

    serializer_class = BalanceSheetSerializer
    build = staticmethod(reports.balance_sheet)

    @extend_schema(
        parameters=[COOP_SLUG, *PERIOD],
        responses={200: BalanceSheetSerializer, 404: NO_BOOKS},
        summary="Balance sheet at the period's end, the result not yet closed as equity",
    )
    def get(self, request, coop_slug):
        return super().get(request, coop_slug)


class IncomeStatementView(ReportView):
    """Income and expenses of the period by account, and the result. 404 `no_books` for a
    period without entries."""

    serializer_class = IncomeStatementSerializer
    build = staticmethod(reports.income_statement)

    @extend_schema(
        parameters=[COOP_SLUG, *PERIOD],
        responses={200: IncomeStatementSerializer, 404: NO_BOOKS},
        summary="Income statement: income − expenses of the period by account",
    )
    def get(self, request, coop_slug):
        return super().get(request, coop_slug)


class TiesView(ReportView):
    """Each figure the money pages show for the period (revenue received, approved expenses,
    what the distributions gave, the funds and members' capital at its end) next to the
    journal's accounts, with the difference: zero when they tie."""

    serializer_class = TiesSerializer
    build = staticmethod(ties.ties_to_money_pages)

    @extend_schema(
        parameters=[COOP_SLUG, *PERIOD],
        responses={200: TiesSerializer},
        summary="Ties to the money pages: page figure, journal figure, difference",
    )
    def get(self, request, coop_slug):
        return super().get(request, coop_slug)
