"""Serializers for bank statement imports, statements and their transactions."""

from rest_framework import serializers

from api.fields import MoneyField
from api.serializers.base import ModelSerializer, Serializer
from banking.models import BankStatement, BankTransaction, StatementFormat


class StatementUploadSerializer(Serializer):
    file = serializers.FileField(help_text="a camt.053/054, MT940 or OFX file, or a CSV export")
    format = serializers.ChoiceField(
        choices=StatementFormat.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="recognised from the file when left out; CSV only when named, with `account`",
    )
    account = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="the bank account (id) the file is for; needed for CSV",
    )
    closing_balance = MoneyField(
        required=False,
        allow_null=True,
        default=None,
        help_text="CSV only: the balance after the file's last entry, as the bank shows it; "
        "the entries must add up to it from the account's latest balance",
    )


class BankStatementSerializer(ModelSerializer):
    account_name = serializers.CharField(source="account.name", read_only=True)
    currency = serializers.CharField(source="account.currency", read_only=True)
    opening_balance = MoneyField(read_only=True)
    closing_balance = MoneyField(read_only=True)

    class Meta:
        model = BankStatement
        fields = [
            "id", "account", "account_name", "currency", "format", "statement_id", "file_name",
            "file_sha256", "opening_balance", "opening_date", "closing_balance", "closing_date",
            "first_booking", "last_booking", "transaction_count", "skipped_count", "imported_at",
        ]  # fmt: skip
        read_only_fields = fields


class BankTransactionSerializer(ModelSerializer):
    amount = MoneyField(read_only=True)
    currency = serializers.CharField(source="account.currency", read_only=True)

    class Meta:
        model = BankTransaction
        fields = [
            "id", "account", "statement", "booking_date", "value_date", "amount", "currency",
            "bank_reference", "end_to_end_id", "remittance_information", "creditor_reference",
            "counterparty_name", "counterparty_iban", "counterparty_bic",
            "bank_transaction_code", "reversal",
        ]  # fmt: skip
        read_only_fields = fields


class ImportResultSerializer(Serializer):
    statements = BankStatementSerializer(many=True)
    added = serializers.IntegerField(help_text="transactions added")
    skipped = serializers.IntegerField(help_text="transactions an earlier statement had")


class PreviewEntrySerializer(Serializer):
    booking_date = serializers.DateField()
    value_date = serializers.DateField(allow_null=True)
    amount = MoneyField()
    counterparty_name = serializers.CharField()
    counterparty_iban = serializers.CharField()
    remittance_information = serializers.CharField()
    bank_reference = serializers.CharField()
    end_to_end_id = serializers.CharField()
    where = serializers.CharField()


class StatementPreviewSerializer(Serializer):
    account = serializers.IntegerField(source="account.pk", allow_null=True, default=None)
    format = serializers.CharField()
    statement_id = serializers.CharField()
    currency = serializers.CharField()
    opening_balance = MoneyField(allow_null=True)
    opening_date = serializers.DateField(allow_null=True)
    opening_derived = serializers.BooleanField(
        help_text="the file has no opening balance: closing balance − entries"
    )
    closing_balance = MoneyField(allow_null=True)
    closing_date = serializers.DateField(allow_null=True)
    entry_count = serializers.IntegerField()
    added = serializers.IntegerField()
    skipped = serializers.IntegerField()
    first_entries = PreviewEntrySerializer(many=True, help_text="the first 20 entries")
    problems = serializers.ListField(child=serializers.CharField())


class ImportPreviewSerializer(Serializer):
    ok = serializers.BooleanField(help_text="whether importing the file would succeed")
    format = serializers.CharField()
    added = serializers.IntegerField()
    skipped = serializers.IntegerField()
    statements = StatementPreviewSerializer(many=True)
    problems = serializers.ListField(child=serializers.CharField())
