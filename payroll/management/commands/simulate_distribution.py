"""Print the distribution a policy would give for one month's figures, without the database."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from payroll.simulation import SimulationError, simulate

USAGE_ERROR = 2  # the exit status for invalid input, as for a command-line usage error


class Command(BaseCommand):
    help = (
        "Simulate a month's distribution from a JSON file (or - for stdin) and print it as "
        "JSON. Reads no database. docs/payroll-rules.md describes the input."
    )
    requires_system_checks: list[str] = []  # pure computation: nothing to check, no database
    stealth_options = ("stdin",)  # call_command(..., stdin=stream) in tests

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the simulation input, or - for stdin")

    def handle(self, *args, **options):
        path = options["file"]
        name = "stdin" if path == "-" else path
        try:
            if path == "-":
                document = json.load(options.get("stdin") or sys.stdin)
            else:
                with open(path, encoding="utf-8") as stream:
                    document = json.load(stream)
        except OSError as error:
            raise CommandError(
                f"Cannot read {name}: {error.strerror}.", returncode=USAGE_ERROR
            ) from error
        except ValueError as error:  # bad JSON, bad UTF-8, an integer too long to read
            raise CommandError(
                f"{name} is not valid JSON: {error}.", returncode=USAGE_ERROR
            ) from error
        try:
            result = simulate(document)
        except SimulationError as error:
            raise CommandError(
                f"{name} is not a valid simulation input:\n{error}", returncode=USAGE_ERROR
            ) from error
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
