"""Recount a published ballot file (no database needed) and print the result as JSON."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.methods.ballot_file import BallotFileError, tally_ballot_file


class Command(BaseCommand):
    help = "Recount a ballot file downloaded from proposals/{id}/ballots/ and print the result."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="the ballot file (JSON), or - for standard input")

    def handle(self, *args, **options):
        source = options["file"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
            document = json.loads(text)
        except OSError as error:
            raise CommandError(f"Cannot read {source}: {error.strerror}.", returncode=2) from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{source} is not JSON: {error}.", returncode=2) from None
        try:
            result = tally_ballot_file(document)
        except BallotFileError as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
