"""Import a bank statement file (camt.053/054, MT940, OFX, or CSV with an account's mapping)."""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from banking.importing import import_statement
from banking.models import BankAccount
from coop.errors import DomainError
from coop.models import Cooperative


class Command(BaseCommand):
    help = (
        "Import every statement of a bank file into a co-op's accounts, or none: the format is "
        "recognised from the file (CSV only with --format csv and --account). A file imported "
        "before is refused; transactions an earlier statement had are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the statement file")
        parser.add_argument("--coop", required=True, metavar="SLUG")
        parser.add_argument("--format", choices=["camt.053", "camt.054", "mt940", "ofx", "csv"])
        parser.add_argument(
            "--account", type=int, metavar="ID", help="the bank account (needed for CSV)"
        )
        parser.add_argument(
            "--closing-balance",
            type=_amount,
            metavar="AMOUNT",
            help="CSV only: the balance after the file's last entry, as the bank shows it "
            "(1234.56); the entries must add up to it",
        )

    def handle(self, *args, **options):
        cooperative = Cooperative.objects.filter(slug=options["coop"]).first()
        if cooperative is None:
            raise CommandError(f"No co-op with slug “{options['coop']}”.")
        account = None
        if options["account"] is not None:
            account = BankAccount.objects.filter(
                cooperative=cooperative, pk=options["account"]
            ).first()
            if account is None:
                raise CommandError(f"The co-op has no bank account {options['account']}.")
        path = Path(options["file"])
        try:
            handle = path.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        with handle:
            try:
                result = import_statement(
                    actor=None,
                    cooperative=cooperative,
                    data=handle,
                    file_name=path.name,
                    format=options["format"],
                    account=account,
                    closing_balance=options["closing_balance"],
                )
            except DomainError as error:
                raise CommandError(f"{error.message} Nothing was imported.") from None
        for statement in result.statements:
            self.stdout.write(
                f"{statement.account.name}: statement {statement.statement_id or statement.pk} "
                f"({statement.opening_date or '?'} – {statement.closing_date or '?'}), "
                f"closing balance {statement.closing_balance} {statement.account.currency}: "
                f"{statement.transaction_count} added, {statement.skipped_count} already imported."
            )
        self.stdout.write(
            f"Imported {len(result.statements)} statement(s): {result.added} transaction(s) "
            f"added, {result.skipped} skipped."
        )


def _amount(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(text)
    return amount
