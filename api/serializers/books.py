"""Serializers of the books, read-only: journal entries and their lines, accounts with their
balances, the funds, and the reports.

Signs: a line's `amount` is signed (a debit positive, a credit negative), with `debit` and
`credit` beside it; a `balance` is as the account's type reads it (assets and expenses
debit-normal, liabilities, equity and income credit-normal), `signed_balance` as the journal
adds it up.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer, Serializer
from books.models import JournalEntry, JournalLine, LedgerAccount
from books.reports import shown


def Sum(**kwargs) -> MoneyField:
    """A sum of amounts: wider than one amount."""
    return MoneyField(max_digits=18, read_only=True, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class CurrencyField(serializers.Field):
    """The co-op's currency (ISO 4217), from the serializer's context."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return self.context["cooperative"].currency


class JournalLineSerializer(ModelSerializer):
    account_number = serializers.CharField(source="account.number", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    amount = MoneyField(read_only=True, help_text="signed: a debit positive, a credit negative")
    debit = MoneyField(read_only=True, allow_null=True)
    credit = MoneyField(read_only=True, allow_null=True)

    class Meta:
        model = JournalLine
        fields = ["id", "account", "account_number", "account_name", "amount", "debit", "credit",
                  "member", "memo"]  # fmt: skip
        read_only_fields = fields


class JournalEntrySerializer(ModelSerializer):
    lines = JournalLineSerializer(many=True, read_only=True)

    class Meta:
        model = JournalEntry
        fields = ["id", "date", "kind", "description", "source_type", "source_id", "reverses",
                  "created_at", "lines"]  # fmt: skip
        read_only_fields = fields


class ShownBalanceField(MoneyField):
    """An account's `signed_balance` as its type reads it."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=18, source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(shown(value.type, value.signed_balance))


class LedgerAccountSerializer(ModelSerializer):
    signed_balance = Sum(help_text="the journal's sum of the account's lines (debit > 0)")
    balance = ShownBalanceField(help_text="as the account's type reads it")

    class Meta:
        model = LedgerAccount
        fields = ["id", "number", "name", "type", "signed_balance", "balance"]
        read_only_fields = fields


class PeriodSerializer(Serializer):
    kind = serializers.ChoiceField(choices=["year", "month"])
    key = serializers.CharField(help_text="2026 or 2026-10")
    first = serializers.DateField()
    last = serializers.DateField()


class RoleBalanceSerializer(Serializer):
    role = serializers.CharField()
    account = serializers.IntegerField(source="account.pk")
    account_number = serializers.CharField(source="account.number")
    account_name = serializers.CharField(source="account.name")
    balance = Sum()


class MemberCapitalSerializer(Serializer):
    member = serializers.IntegerField(
        source="member.pk", allow_null=True, help_text="null: lines that name no member"
    )
    balance = Sum()


class CapitalSerializer(Serializer):
    account = serializers.IntegerField(source="account.pk", allow_null=True)
    total = Sum(help_text="the members' capital account's balance: the sum of `members`")
    members = MemberCapitalSerializer(many=True)


class BankTieSerializer(Serializer):
    account_name = serializers.CharField(help_text="the bank account")
    date = serializers.DateField(help_text="its latest imported statement's closing day")
    statement = Sum(help_text="that statement's closing balance")
    books = Sum(help_text="the journal's bank that day, less the co-op's other bank accounts")
    difference = Sum(help_text="books − statement: zero when they tie")
    ties = serializers.BooleanField()


class BalancesSerializer(Serializer):
    currency = CurrencyField()
    balances = RoleBalanceSerializer(many=True)
    members_capital = CapitalSerializer()
    bank_tie = BankTieSerializer(
        many=True,
        help_text="per bank account with imported statements (in the co-op's currency): the "
        "books' bank against the latest statement's closing balance",
    )


class MonthFlowSerializer(Serializer):
    month = serializers.DateField(help_text="the month's first day")
    received = Sum()
    spent = Sum()


class FundSerializer(Serializer):
    role = serializers.CharField()
    account = serializers.IntegerField(source="account.pk")
    account_number = serializers.CharField(source="account.number")
    account_name = serializers.CharField(source="account.name")
    opening = Sum(help_text="the balance before the period")
    received = Sum()
    spent = Sum()
    closing = Sum(help_text="the balance at the period's end")
    months = MonthFlowSerializer(many=True, help_text="the months that moved the fund")


class FundsSerializer(Serializer):
    currency = CurrencyField()
    period = PeriodSerializer()
    funds = FundSerializer(many=True)


class AccountRowSerializer(Serializer):
    account = serializers.IntegerField(source="account.pk")
    number = serializers.CharField(source="account.number")
    name = serializers.CharField(source="account.name")
    type = serializers.CharField()
    opening = Sum(help_text="signed balance before the period (debit > 0)")
    debits = Sum(help_text="debited in the period")
    credits = Sum(help_text="credited in the period")
    closing = Sum(help_text="signed balance at the period's end (debit > 0)")
    balance = Sum(help_text="the closing balance as the account's type reads it")
    movement = Sum(help_text="the period's change as the account's type reads it")


class TrialBalanceSerializer(Serializer):
    currency = CurrencyField()
    period = PeriodSerializer()
    accounts = AccountRowSerializer(many=True, source="rows")
    debits = Sum()
    credits = Sum()
    debit_balances = Sum()
    credit_balances = Sum()


class SectionSerializer(Serializer):
    accounts = AccountRowSerializer(many=True, source="rows")
    total = Sum(help_text="the closing balances")


class StatementSectionSerializer(Serializer):
    accounts = AccountRowSerializer(many=True, source="rows")
    total = Sum(source="movement", help_text="the period's movements")


class BalanceSheetSerializer(Serializer):
    currency = CurrencyField()
    period = PeriodSerializer()
    assets = SectionSerializer()
    liabilities = SectionSerializer()
    equity = SectionSerializer(help_text="the equity accounts, without the result")
    result_of_period = Sum(help_text="income − expenses of the period, not closed by an entry")
    result_before = Sum(help_text="income − expenses before the period, not closed")
    equity_total = Sum()
    liabilities_and_equity = Sum(help_text="equal to the assets' total")


class IncomeStatementSerializer(Serializer):
    currency = CurrencyField()
    period = PeriodSerializer()
    income = StatementSectionSerializer()
    expenses = StatementSectionSerializer()
    result = Sum(help_text="income − expenses")


class TieSerializer(Serializer):
    key = serializers.CharField(help_text="the figure: revenue, expenses, reserve_fund, …")
    label = serializers.CharField()
    page_name = serializers.CharField(help_text="the money page that shows the figure")
    page = Sum(help_text="the money page's figure")
    journal = Sum(help_text="the journal's accounts' figure")
    difference = Sum(help_text="journal − page: zero when the two tie")
    ties = serializers.BooleanField()


class TiesSerializer(Serializer):
    currency = CurrencyField()
    period = PeriodSerializer()
    all_tie = serializers.BooleanField(help_text="every figure ties, to the cent")
    ties_to_money_pages = TieSerializer(many=True, source="ties")
