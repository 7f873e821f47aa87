"""The parsers and the importer together: every real-looking sample file of tests/banking/samples
is sniffed, matched to its account by the identifier it carries, checked and imported; the
same file again is a duplicate, and the account's balance is the file's last closing balance."""

import pathlib
from decimal import Decimal

import pytest

from banking import importing
from banking.models import BankAccount, BankTransaction
from banking.parsing import registry
from coop.errors import DomainError
from tests.factories import CooperativeFactory, MemberFactory

pytestmark = pytest.mark.django_db

SAMPLES = pathlib.Path(__file__).parent / "samples"
FILES = sorted(path for path in SAMPLES.rglob("*") if path.is_file() and path.parent.name != "csv")


def sniffed(data: bytes) -> str:
    head = data[:4096]
    found = [
        name
        for name in registry.MODULES
        if name != "csv" and registry.parser_of(name).looks_like(head)
    ]
    assert found, "no parser recognises the file"
    return found[0]


def account_for(cooperative, path: pathlib.Path) -> tuple[BankAccount, list]:
    """An account as the treasurer would open it: named as the file names it, with the balance
    the first statement opens with (or, without one, what its closing balance implies)."""
    data = path.read_bytes()
    parser = registry.parser_of(sniffed(data))
    statements = parser.parse(path.open("rb"))
    first = statements[0]
    opening = first.opening_balance
    if opening is None and first.closing_balance is not None:
        opening = first.closing_balance - first.entries_total
    if opening is None:  # a notification (camt.054) carries no balance: it continues the account's
        opening = Decimal("0.00")
    day = first.opening_date or min(entry.booking_date for entry in first.entries)
    account = BankAccount.objects.create(
        cooperative=cooperative,
        name=path.stem,
        iban=first.account_iban,
        other_identifier="" if first.account_iban else first.account_other_id,
        currency=first.currency,
        opening_balance=opening,
        opening_date=day,
    )
    return account, statements


@pytest.mark.parametrize("path", FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_a_sample_file_imports_whole_and_only_once(path):
    cooperative = CooperativeFactory()
    treasurer = MemberFactory(cooperative=cooperative, is_treasurer=True)
    account, statements = account_for(cooperative, path)

    result = importing.import_statement(
        actor=treasurer, cooperative=cooperative, data=path.read_bytes(), file_name=path.name
    )

    entries = [entry for statement in statements for entry in statement.entries]
    assert result.added == len(entries)
    stored = BankTransaction.objects.filter(account=account)
    assert stored.count() == len(entries)
    total = sum((entry.amount for entry in entries), Decimal("0.00"))
    assert sum((row.amount for row in stored), Decimal("0.00")) == total
    last = statements[-1]
    if last.closing_balance is not None:
        assert account.opening_balance + total == last.closing_balance
    with pytest.raises(DomainError):
        importing.import_statement(
            actor=treasurer, cooperative=cooperative, data=path.read_bytes(), file_name=path.name
        )
    assert BankTransaction.objects.filter(account=account).count() == len(entries)
