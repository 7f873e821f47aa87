"""A CSV export imported end to end with the account's saved column mapping: the importer
(banking.importing) reads it for the chosen account, in its currency; a bad row names its line."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from banking.accounts import save_csv_mapping
from banking.importing import import_statement
from banking.models import BankStatement, BankTransaction
from coop.errors import DomainError
from tests.banking.factories_accounts import bank_account
from tests.banking.test_csv_mapping import SPARKASSE_HEADER, SPARKASSE_MAPPING, SPARKASSE_ROWS

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(cooperative, treasurer):
    account = bank_account(
        cooperative, opening_balance=Decimal("20000.00"), opening_date=datetime.date(2026, 11, 1)
    )
    return save_csv_mapping(account=account, actor=treasurer, mapping=SPARKASSE_MAPPING)


def _file(*rows: str) -> bytes:
    return "\r\n".join([SPARKASSE_HEADER, *rows]).encode("cp1252")


def test_a_csv_export_is_imported_for_its_account(cooperative, treasurer, account):
    result = import_statement(
        actor=treasurer, cooperative=cooperative, data=_file(*SPARKASSE_ROWS),
        file_name="umsaetze.csv", format="csv", account=account,
    )  # fmt: skip
    assert result.added == 3
    amounts = sorted(t.amount for t in BankTransaction.objects.filter(account=account))
    assert amounts == [Decimal("-12000.00"), Decimal("-48.79"), Decimal("1234.56")]
    income = BankTransaction.objects.get(account=account, amount=Decimal("1234.56"))
    assert income.counterparty_name == "Bäckerei Müller GmbH"
    assert income.counterparty_iban == "DE02120300000000202051"


def test_a_bad_row_is_refused_naming_its_line(cooperative, treasurer, account):
    bad = SPARKASSE_ROWS[1].replace("-48,79", "-48,7x")
    with pytest.raises(DomainError) as caught:
        import_statement(
            actor=treasurer, cooperative=cooperative, data=_file(SPARKASSE_ROWS[0], bad),
            format="csv", account=account,
        )  # fmt: skip
    assert "line 3" in caught.value.message
    assert not BankTransaction.objects.exists()


# 20,000.00 + 1,234.56 - 48.79 - 12,000.00
CLOSING = Decimal("9185.77")


def test_the_closing_balance_given_at_upload_is_checked(cooperative, treasurer, account):
    result = import_statement(
        actor=treasurer, cooperative=cooperative, data=_file(*SPARKASSE_ROWS),
        format="csv", account=account, closing_balance=CLOSING,
    )  # fmt: skip
    [statement] = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("20000.00"), CLOSING)
    assert statement.closing_date == datetime.date(2026, 11, 30)


def test_a_closing_balance_the_entries_miss_is_refused(cooperative, treasurer, account):
    with pytest.raises(DomainError) as caught:
        import_statement(
            actor=treasurer, cooperative=cooperative, data=_file(*SPARKASSE_ROWS),
            format="csv", account=account, closing_balance=CLOSING + Decimal("0.01"),
        )  # fmt: skip
    assert "0.01" in caught.value.message
    assert not BankTransaction.objects.exists()


def test_a_closing_balance_is_only_for_csv(cooperative, treasurer, account):
    with pytest.raises(DomainError) as caught:
        import_statement(
            actor=treasurer, cooperative=cooperative, data=b"{1:F01}", format="mt940",
            account=account, closing_balance=CLOSING,
        )  # fmt: skip
    assert caught.value.field == "closing_balance"


def test_the_command_takes_the_closing_balance(cooperative, account, tmp_path):
    path = tmp_path / "umsaetze.csv"
    path.write_bytes(_file(*SPARKASSE_ROWS))
    args = [str(path), "--coop", cooperative.slug, "--format", "csv", "--account", account.pk]
    with pytest.raises(CommandError, match="opens on November 27, 2026 .* a gap of €0.01"):
        call_command("import_statement", *args, "--closing-balance", "9185.78")
    with pytest.raises(CommandError, match="closing"):
        call_command("import_statement", *args, "--closing-balance", "9185.777")
    assert not BankTransaction.objects.exists()
    call_command("import_statement", *args, "--closing-balance", "9185.77", stdout=io.StringIO())
    assert BankStatement.objects.get().closing_balance == CLOSING
