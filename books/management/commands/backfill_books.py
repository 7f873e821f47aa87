"""Write the journal entries that the co-ops' existing records lack, then check the journal."""

from django.core.management.base import BaseCommand, CommandError

from books import sources
from coop.models import Cooperative


class Command(BaseCommand):
    help = (
        "Write the journal entries of every record from before the books (invoices, payments, "
        "revenue, expenses, distributions, payouts, capital entries, bank fees), then check "
        "that the journal's balances equal the records. Running it again writes nothing. "
        "Exits with an error when a check finds a difference."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--coop", action="append", metavar="SLUG", help="this co-op only (repeatable)"
        )
        parser.add_argument("--check", action="store_true", help="only check; write nothing")

    def handle(self, *args, **options):
        cooperatives = Cooperative.objects.order_by("slug")
        if options["coop"]:
            cooperatives = cooperatives.filter(slug__in=options["coop"])
            unknown = set(options["coop"]) - {coop.slug for coop in cooperatives}
            if unknown:
                raise CommandError(f"No co-op with slug “{sorted(unknown)[0]}”.")
        differences = 0
        for cooperative in cooperatives:
            if not options["check"]:
                written = sources.backfill(cooperative)
                total = sum(written.values())
                detail = ", ".join(f"{name} {count}" for name, count in written.items() if count)
                self.stdout.write(
                    f"{cooperative.slug}: {total} entries written"
                    + (f" ({detail})" if detail else "")
                )
            for name, problems in sources.check(cooperative).items():
                for problem in problems:
                    differences += 1
                    self.stderr.write(f"{cooperative.slug}: {name}: {problem}")
        if differences:
            raise CommandError(f"{differences} difference(s) between the journal and the records.")
        self.stdout.write("The journal agrees with the records.")
