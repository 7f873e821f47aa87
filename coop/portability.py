"""Data ownership: everything of one co-op in a ZIP file, and back into an empty database.

The archive holds one JSON file per model (Django's serialization, primary keys kept, so the
audit hash chain still verifies after a restore), the files the co-op's rows point to (payslips,
reports, receipts) under `media/`, the hours of every month as CSV under `csv/`, and a
`manifest.json`. The models are found through the app registry — every model with a path of
foreign keys to `Cooperative` belongs to the co-op — so that coop imports no other app.

The archive contains the members' password hashes (so that they can log in after a restore)
and their bank details: keep it as safe as the database.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from coop import clock, spreadsheet
from coop.audit import verify_chain
from coop.models import Cooperative, TimeEntry, TimeEntryMonthCount

APPS = ("coop", "governance", "payroll")
# Rows the database derives from other rows by itself (triggers): restoring the rows they come
# from makes them again, so an archive leaves them out.
KEPT_BY_THE_DATABASE = (TimeEntryMonthCount,)
FORMAT = 1


class PortabilityError(Exception):
    pass


class _Exact(DjangoJSONEncoder):
    """Django's JSON encoder cuts datetimes to milliseconds; the audit chain hashes
    microseconds, so an archive keeps them whole."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def _path_to_cooperative(model: type[models.Model], depth: int = 3) -> str | None:
    """The lookup from `model` to its co-op (`cooperative`, `proposal__cooperative`, …)."""
    if model is Cooperative:
        return "pk"
    if depth == 0:
        return None
    fields = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for field in fields:
        if field.related_model is Cooperative:
            return field.name
    for field in fields:
        if field.null:
            continue
        inner = _path_to_cooperative(field.related_model, depth - 1)
        if inner and inner != "pk":
            return f"{field.name}__{inner}"
    return None


def coop_models() -> list[type[models.Model]]:
    """The co-op's models, in an order that satisfies their foreign keys."""
    candidates = [
        model
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        if _path_to_cooperative(model) is not None and model not in KEPT_BY_THE_DATABASE
    ]
    ordered = serializers.sort_dependencies([(None, candidates)], allow_cycles=True)
    return [model for model in ordered if model in candidates]


def _querysets(cooperative: Cooperative) -> Iterator[tuple[type[models.Model], Any]]:
    user_model = apps.get_model("coop", "User")
    yield user_model, user_model.objects.filter(memberships__cooperative=cooperative).distinct()
    for model in coop_models():
        if model is user_model:
            continue
        lookup = _path_to_cooperative(model)
        rows = model.objects.filter(**{lookup: cooperative.pk}).order_by("pk")
        yield model, rows


def export_cooperative(cooperative: Cooperative) -> bytes:
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    files: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        order = []
        for model, rows in _querysets(cooperative):
            label = model._meta.label_lower
            objects = list(rows)
            counts[label] = len(objects)
            order.append(label)
            rows = serializers.serialize("python", objects)
            archive.writestr(f"data/{label}.json", json.dumps(rows, cls=_Exact, indent=1))
            for obj in objects:
                for field in obj._meta.concrete_fields:
                    if isinstance(field, models.FileField):
                        name = getattr(obj, field.attname)
                        if name:
                            files.add(str(name))
        for name in sorted(files):
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as handle:
                    archive.writestr(f"media/{name}", handle.read())
        for month, text in _hours_csv(cooperative):
            archive.writestr(f"csv/hours-{month}.csv", text)
        archive.writestr(
            "manifest.json",
            json.dumps(
                {
                    "format": FORMAT,
                    "cooperative": cooperative.slug,
                    "exported_at": clock.now().isoformat(),
                    "order": order,
                    "counts": counts,
                    "files": len(files),
                },
                indent=2,
            ),
        )
    return buffer.getvalue()


def _hours_csv(cooperative: Cooperative) -> Iterator[tuple[str, str]]:
    months: dict[str, list[TimeEntry]] = {}
    entries = TimeEntry.objects.filter(cooperative=cooperative).select_related(
        "member__user", "project__client"
    )
    for entry in entries.order_by("date", "id"):
        months.setdefault(f"{entry.date:%Y-%m}", []).append(entry)
    for month, rows in months.items():
        out = io.StringIO()
        writer = spreadsheet.writer(out, lineterminator="\r\n")
        writer.writerow(["date", "member", "client", "project", "minutes", "description"])
        for entry in rows:
            writer.writerow(
                [
                    entry.date.isoformat(),
                    entry.member.user.email,
                    entry.project.client.name,
                    entry.project.name,
                    entry.minutes,
                    entry.description,
                ]
            )
        yield month, out.getvalue()


def import_cooperative(data: bytes) -> Cooperative:
    """Restore an archive into a database that does not hold this co-op (or any row it names)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise PortabilityError(f"Unknown archive format {manifest.get('format')!r}.")
        slug = manifest["cooperative"]
        if Cooperative.objects.filter(slug=slug).exists():
            raise PortabilityError(f"A co-op “{slug}” exists already: import into an empty one.")
        touched: list[type[models.Model]] = []
        with transaction.atomic():
            for label in manifest["order"]:
                rows = json.loads(archive.read(f"data/{label}.json"))
                for item in serializers.deserialize("python", rows):
                    item.save()
                touched.append(apps.get_model(label))
            statements = connection.ops.sequence_reset_sql(no_style(), touched)
            if statements:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
        for name in archive.namelist():
            if name.startswith("media/") and not name.endswith("/"):
                target = name.removeprefix("media/")
                if Path(target).is_absolute() or ".." in Path(target).parts:
                    raise PortabilityError(f"Unsafe file name in the archive: {name}")
                if not default_storage.exists(target):
                    default_storage.save(target, io.BytesIO(archive.read(name)))
    cooperative = Cooperative.objects.get(slug=slug)
    broken = verify_chain(cooperative)
    if broken is not None:
        raise PortabilityError(f"The restored audit chain does not verify: {broken}")
    return cooperative


MEMBER_LINKS = ("member", "author", "delegator", "delegate", "recorded_by")


def export_member(member: Any) -> bytes:
    """One member's own data in this co-op: their membership and status history, hours,
    timers, proposals, comments, open ballots, delegations, distribution lines, capital account
    and payslips. Secret ballots stay secret: only the roll that says they voted is theirs."""
    from coop.models import Member

    buffer = io.BytesIO()
    user_model = apps.get_model("coop", "User")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        profile = serializers.serialize(
            "python",
            user_model.objects.filter(pk=member.user_id),
            fields=["email", "full_name", "date_joined", "last_login"],
        )
        archive.writestr("data/coop.user.json", json.dumps(profile, cls=_Exact, indent=1))
        for model in coop_models():
            links = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, models.ForeignKey)
                and field.related_model is Member
                and field.name in MEMBER_LINKS
            ]
            if model is Member:
                rows = Member.objects.filter(pk=member.pk)
            elif links:
                query = models.Q()
                for name in links:
                    query |= models.Q(**{name: member.pk})
                rows = model.objects.filter(query).order_by("pk")
            else:
                continue
            objects = list(rows)
            if not objects:
                continue
            data = serializers.serialize("python", objects)
            label = model._meta.label_lower
            archive.writestr(f"data/{label}.json", json.dumps(data, cls=_Exact, indent=1))
            for obj in objects:
                for field in obj._meta.concrete_fields:
                    name = (
                        getattr(obj, field.attname) if isinstance(field, models.FileField) else ""
                    )
                    if name and default_storage.exists(str(name)):
                        with default_storage.open(str(name), "rb") as handle:
                            archive.writestr(f"files/{name}", handle.read())
        archive.writestr(
            "README.txt",
            "Your data in Cooperage: one JSON file per kind of record (data/) and your files "
            "(files/: payslips). Secret ballots are not linked to you by design; "
            "coop.voterroll lists the secret votes you took part in.\n",
        )
    return buffer.getvalue()
