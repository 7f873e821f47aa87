"""Check every co-op's audit hash chain (or one co-op's) and name the first broken event."""

from django.core.management.base import BaseCommand, CommandError

from coop.audit import verify_chain
from coop.models import Cooperative


class Command(BaseCommand):
    help = "Verify the audit hash chain; exits non-zero and names the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("--coop", metavar="SLUG", help="only this co-op")

    def handle(self, *args, **options):
        cooperatives = Cooperative.objects.order_by("slug")
        if options["coop"]:
            cooperatives = cooperatives.filter(slug=options["coop"])
            if not cooperatives.exists():
                raise CommandError(f"No co-op with slug “{options['coop']}”.")
        broken = False
        for cooperative in cooperatives:
            chain_break = verify_chain(cooperative)
            if chain_break:
                broken = True
                self.stderr.write(f"BROKEN {chain_break}")
            else:
                self.stdout.write(f"ok {cooperative.slug}: {cooperative.audit_length} events")
        if broken:
            raise CommandError("The audit chain is broken.", returncode=1)
