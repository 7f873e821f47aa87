"""`manage.py import_coop ARCHIVE.zip`: restore a co-op exported with export_coop."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coop.portability import PortabilityError, import_cooperative


class Command(BaseCommand):
    help = "Restore a co-op from an export_coop archive into a database that does not hold it."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive, **options):
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        try:
            cooperative = import_cooperative(archive.read_bytes())
        except PortabilityError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored “{cooperative.name}” ({cooperative.slug}); its audit chain verifies."
        )
