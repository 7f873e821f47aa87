"""Import a Toggl Track, Harvest, Kimai or Clockify CSV export into a co-op's hours."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coop.errors import DomainError
from coop.hours.importing import import_hours
from coop.models import Cooperative


class Command(BaseCommand):
    help = (
        "Import hours from a time tracker's CSV export (format detected from the header row). "
        "All or nothing unless --skip-invalid; rows imported before are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file, or - for standard input")
        parser.add_argument("--coop", required=True, metavar="SLUG")
        parser.add_argument(
            "--create-missing", action="store_true", help="create clients and projects not found"
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="import the valid rows, report the others"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check everything, write nothing"
        )
        parser.add_argument(
            "--date-order",
            choices=["DMY", "MDY"],
            help="how to read dates like 03/04/2026 when the file does not tell",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        cooperative = Cooperative.objects.filter(slug=options["coop"]).first()
        if cooperative is None:
            raise CommandError(f"No co-op with slug “{options['coop']}”.")
        source = options["file"]
        try:
            data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error.strerror}.") from None
        try:
            report = import_hours(
                cooperative=cooperative,
                actor=None,
                data=data,
                create_missing=options["create_missing"],
                skip_invalid=options["skip_invalid"],
                dry_run=options["dry_run"],
                date_order=options["date_order"],
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self.stdout.write(f"Format: {report.format}. {report.summary}")
            for name in report.created_clients:
                self.stdout.write(f"  new client: {name}")
            for name in report.created_projects:
                self.stdout.write(f"  new project: {name}")
            for row in sorted(report.rejected, key=lambda row: row["line"]):
                self.stderr.write(f"  line {row['line']}: {row['reason']}")
        if report.rejected and not (report.written or report.dry_run):
            raise CommandError("Rows were rejected: nothing was imported.", returncode=1)
        if report.rejected and report.dry_run:
            raise CommandError("Rows would be rejected.", returncode=1)
