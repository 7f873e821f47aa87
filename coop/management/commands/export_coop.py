"""`manage.py export_coop SLUG OUT.zip`: everything of one co-op, to restore with import_coop."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coop.models import Cooperative
from coop.portability import export_cooperative


class Command(BaseCommand):
    help = "Write every row and file of one co-op to a ZIP archive (see docs/operations.md)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("out", type=Path)

    def handle(self, *args, slug, out, **options):
        cooperative = Cooperative.objects.filter(slug=slug).first()
        if cooperative is None:
            raise CommandError(f"No co-op with the slug “{slug}”.")
        data = export_cooperative(cooperative)
        out.write_bytes(data)
        self.stdout.write(f"Wrote {out} ({len(data):,} bytes).")
