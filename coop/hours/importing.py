"""Importing time-tracker CSV exports: map people and projects, then log every row, or none."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop import services as coop_services
from coop.audit import record
from coop.errors import DomainError, InvalidInput
from coop.hours.services import log_time
from coop.models import Client, Cooperative, Member, Project, TimeEntry
from coop.models.cooperative import Role
from coop.plain_text import check_text
from coop.text_translation import translate, translate_all
from coop.timesheet_csv.parsing import ImportedEntry, UnknownFormat, parse_hours_csv

MAX_IMPORT_BYTES = 5 * 1024 * 1024  # a year of a large co-op's hours is well under it


class FileTooLarge(InvalidInput):
    """The export is larger than `MAX_IMPORT_BYTES`: a 413 on the import page and the API."""

    code = "too_large"
    status = 413


def check_import_size(size: int) -> None:
    """Refuse an export over the limit before it is read: the one rule of the page and the API."""
    if size > MAX_IMPORT_BYTES:
        raise FileTooLarge(_("The file is larger than 5 MB: split it by month."), field="file")


@dataclass
class ImportReport:
    format: str = ""
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    created_clients: list[str] = field(default_factory=list)
    created_projects: list[str] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append({"line": line, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "rows": self.rows,
            "created": self.created,
            "duplicates": self.duplicates,
            "rejected": sorted(self.rejected, key=lambda row: row["line"]),
            "created_clients": self.created_clients,
            "created_projects": self.created_projects,
            "written": self.written,
            "dry_run": self.dry_run,
        }

    @property
    def summary(self) -> str:
        """The report in a few sentences, in the active language, each count with its plural."""
        if self.dry_run:
            verdict = _("Dry run: nothing was written.")
        elif not self.written:
            verdict = _("Nothing was imported.")
        else:
            verdict = ngettext(
                "%(count)d entry was imported.", "%(count)d entries were imported.", self.created
            ) % {"count": self.created}
        parts = [verdict]
        if self.rejected:
            count = len(self.rejected)
            parts.append(
                ngettext("%(count)d row was rejected.", "%(count)d rows were rejected.", count)
                % {"count": count}
            )
        if self.duplicates:
            parts.append(
                ngettext(
                    "%(count)d row was imported before and was skipped.",
                    "%(count)d rows were imported before and were skipped.",
                    self.duplicates,
                )
                % {"count": self.duplicates}
            )
        return " ".join(parts)


class _RollBack(Exception):
    """Raised inside the import transaction to undo it (invalid rows, or a dry run)."""


class _Directory:
    """Finds (or, when allowed, creates) the member, client and project each row names."""

    def __init__(self, cooperative: Cooperative, actor: Member | None, create_missing: bool):
        self.cooperative = cooperative
        self.actor = actor
        self.create_missing = create_missing
        # Who may create clients and projects is told how (the command's operator by its
        # option, a person by the form's); anyone else whom to ask.
        self.by_command = actor is None
        self.may_create = actor is None or actor.has_role(Role.ADMIN, Role.TREASURER)
        members = Member.objects.current().filter(cooperative=cooperative).select_related("user")
        self.by_email = {m.user.email.lower(): m for m in members}
        self.by_name: dict[str, list[Member]] = {}
        for member in members:
            if member.user.full_name:
                self.by_name.setdefault(member.user.full_name.casefold(), []).append(member)
        self.clients = {
            c.name.casefold(): c for c in Client.objects.filter(cooperative=cooperative)
        }
        self.projects: dict[tuple[int, str], Project] = {}
        self.projects_by_name: dict[str, list[Project]] = {}
        for project in Project.objects.filter(cooperative=cooperative):
            self.projects[(project.client_id, project.name.casefold())] = project
            self.projects_by_name.setdefault(project.name.casefold(), []).append(project)
        self.report_clients: list[str] = []
        self.report_projects: list[str] = []

    def member(self, row: ImportedEntry) -> Member:
        if row.email:
            member = self.by_email.get(row.email.lower())
            if member is None:
                raise InvalidInput(
                    _("No member of the co-op has the e-mail address %(email)s.")
                    % {"email": row.email}
                )
        else:
            matches = self.by_name.get((row.person_name or "").casefold(), [])
            if len(matches) != 1:
                if not matches:
                    message = _(
                        "The file names “%(name)s” without an e-mail address and no member "
                        "of the co-op has that name."
                    )
                else:
                    message = _(
                        "The file names “%(name)s” without an e-mail address and several members "
                        "of the co-op has that name."
                    )
                raise InvalidInput(message % {"name": row.person_name})
            member = matches[0]
        if (
            self.actor is not None
            and member.pk != self.actor.pk
            and not self.actor.has_role(Role.ADMIN)
        ):
            raise InvalidInput(
                _("This row is for %(email)s: you may import only your own hours.")
                % {"email": member.user.email}
            )
        return member

    def _missing_client(self, client: str) -> str:
        if self.by_command:
            message = _("There is no client “%(client)s”: import with --create-missing to add it.")
        elif self.may_create:
            message = _(
                "There is no client “%(client)s”: tick “Create clients and projects that do not "
                "exist yet” to add it."
            )
        else:
            message = _(
                "There is no client “%(client)s”: ask an admin or the treasurer to add it "
                "(or to import this file)."
            )
        return message % {"client": client}

    def _missing_project(self, client: str, project: str) -> str:
        if self.by_command:
            message = _(
                "%(client)s has no project “%(project)s”: import with --create-missing to add it."
            )
        elif self.may_create:
            message = _(
                "%(client)s has no project “%(project)s”: tick “Create clients and projects "
                "that do not exist yet” to add it."
            )
        else:
            message = _(
                "%(client)s has no project “%(project)s”: ask an admin or the treasurer to add "
                "it (or to import this file)."
            )
        return message % {"client": client, "project": project}

    def project(self, row: ImportedEntry) -> Project:
        name = row.project.strip()
        if not name:
            raise InvalidInput(_("The row names no project."))
        if not row.client:
            matches = self.projects_by_name.get(name.casefold(), [])
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise InvalidInput(
                    _("Several clients have a project “%(name)s”; the row names none.")
                    % {"name": name}
                )
            raise InvalidInput(
                _("There is no project “%(name)s” and the row names no client.") % {"name": name}
            )
        client = self.clients.get(row.client.strip().casefold())
        if client is None:
            if not self.create_missing:
                raise InvalidInput(self._missing_client(row.client))
            client = coop_services.create_client(
                cooperative=self.cooperative, actor=self.actor, name=row.client
            )
            self.clients[client.name.casefold()] = client
            self.report_clients.append(client.name)
        project = self.projects.get((client.pk, name.casefold()))
        if project is None:
            if not self.create_missing:
                raise InvalidInput(self._missing_project(client.name, name))
            project = coop_services.create_project(
                cooperative=self.cooperative, actor=self.actor, client=client, name=name
            )
            self.projects[(client.pk, name.casefold())] = project
            self.projects_by_name.setdefault(name.casefold(), []).append(project)
            self.report_projects.append(f"{client.name} / {project.name}")
        return project


def import_hours(
    *,
    cooperative: Cooperative,
    actor: Member | None,
    data: bytes | str,
    create_missing: bool = False,
    skip_invalid: bool = False,
    dry_run: bool = False,
    date_order: str | None = None,
) -> ImportReport:
    """Import a Toggl Track, Harvest, Kimai or Clockify CSV export into the co-op's hours.

    All or nothing: unless `skip_invalid`, one rejected row means nothing is written. Each row goes
    through the same rules as an entry logged by hand (`log_time`). Rows imported before (same
    fingerprint) are skipped. Creating clients and projects (`create_missing`) needs the admin or
    treasurer role. `actor` None is the system (the management command): it may import anyone's.
    """
    if create_missing:
        coop_services.require_role(actor, Role.ADMIN, Role.TREASURER)
    try:
        parsed = parse_hours_csv(data, date_order=date_order)
    except UnknownFormat as error:
        raise InvalidInput(translate(error.text), field="file") from None
    report = ImportReport(format=parsed.source, rows=len(parsed.entries) + len(parsed.errors))
    report.dry_run = dry_run
    for error in parsed.errors:
        report.reject(error.line, translate_all(error.texts) if error.texts else error.message)
    try:
        with transaction.atomic():
            _write_rows(cooperative, actor, parsed.entries, create_missing, report)
            report.written = not dry_run and (skip_invalid or not report.rejected)
            if not report.written:
                raise _RollBack
            record(
                cooperative,
                actor,
                "time_entries.imported",
                data={
                    "format": report.format,
                    "created": report.created,
                    "duplicates": report.duplicates,
                    "rejected": len(report.rejected),
                },
                object_type="coop.timeentry",
                object_id="import",
            )
    except _RollBack:
        pass
    return report


def _refused_text(row: ImportedEntry) -> str | None:
    """Why a row's text cannot be stored (`coop.plain_text`), or None: said with the column's
    name as the member knows it, not the field's."""
    texts = (
        (_("The client"), row.client, False),
        (_("The project"), row.project, False),
        (_("The description"), row.description, True),
    )
    for what, text, multiline in texts:
        try:
            check_text(text or "", multiline=multiline)
        except ValidationError as error:
            return _("%(what)s: %(problem)s") % {"what": what, "problem": error.messages[0]}
    return None


def _write_rows(
    cooperative: Cooperative,
    actor: Member | None,
    rows: list[ImportedEntry],
    create_missing: bool,
    report: ImportReport,
) -> None:
    directory = _Directory(cooperative, actor, create_missing)
    seen = set(
        TimeEntry.objects.filter(
            cooperative=cooperative, source_fingerprint__in=[row.fingerprint for row in rows]
        ).values_list("source_fingerprint", flat=True)
    )
    for row in rows:
        if row.fingerprint in seen:
            report.duplicates += 1
            continue
        refused = _refused_text(row)
        if refused:
            report.reject(row.line, refused)
            continue
        try:
            # A client or project created for this row stays even if the row fails later.
            member, project = directory.member(row), directory.project(row)
            log_time(  # its own savepoint: a refused row leaves nothing behind
                actor=actor,
                member=member,
                project=project,
                date=row.date,
                minutes=row.minutes,
                description=row.description,
                source=row.source,
                source_fingerprint=row.fingerprint,
            )
        except DomainError as error:
            report.reject(row.line, error.message)
            continue
        seen.add(row.fingerprint)
        report.created += 1
    report.created_clients = directory.report_clients
    report.created_projects = directory.report_projects
