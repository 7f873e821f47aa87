"""Compare the kept count of time entries per co-op and month with the entries; --repair
rebuilds the counts (coop/hours/month_counts.py)."""

from django.core.management.base import BaseCommand, CommandError

from coop.hours import month_counts
from coop.models import Cooperative


class Command(BaseCommand):
    help = (
        "Check the kept count of each co-op's time entries per month against the entries; "
        "exits 1 and names each month that differs. --repair rebuilds the counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--coop", metavar="SLUG", help="only this co-op")
        parser.add_argument(
            "--repair", action="store_true", help="rebuild the counts from the entries"
        )

    def handle(self, *args, **options):
        slugs: dict[int, str] = dict(Cooperative.objects.values_list("pk", "slug"))
        ids = None
        if options["coop"]:
            ids = [pk for pk, slug in slugs.items() if slug == options["coop"]]
            if not ids:
                raise CommandError(f"No co-op with slug “{options['coop']}”.")
        check = month_counts.rebuild if options["repair"] else month_counts.differences
        found = check(ids)
        for difference in found:
            kept = "none" if difference.kept is None else difference.kept
            self.stdout.write(
                f"{slugs.get(difference.cooperative_id, difference.cooperative_id)} "
                f"{difference.month:%Y-%m}: kept {kept}, entries {difference.counted}"
            )
        if not found:
            self.stdout.write("ok: every kept count is the number of entries.")
        elif options["repair"]:
            self.stdout.write(f"repaired: {len(found)} month(s) now count their entries.")
        else:
            raise CommandError(
                f"{len(found)} month(s) differ: run check_month_counts --repair.", returncode=1
            )
