"""The bylaws' per-kind quorum and threshold become floors: `proposal_defaults` -> `floors`."""

from django.db import migrations


def to_floors(apps, schema_editor):
    Cooperative = apps.get_model("coop", "Cooperative")
    for cooperative in Cooperative.objects.all():
        bylaws = dict(cooperative.bylaws or {})
        if "proposal_defaults" not in bylaws:
            continue
        defaults = bylaws.pop("proposal_defaults") or {}
        floors = bylaws.get("floors") or {}
        for kind, terms in defaults.items():
            floors[kind] = {**terms, **floors.get(kind, {})}
        bylaws["floors"] = floors
        cooperative.bylaws = bylaws
        cooperative.save(update_fields=["bylaws"])


def to_defaults(apps, schema_editor):
    Cooperative = apps.get_model("coop", "Cooperative")
    for cooperative in Cooperative.objects.all():
        bylaws = dict(cooperative.bylaws or {})
        if "floors" not in bylaws:
            continue
        floors = bylaws.pop("floors") or {}
        bylaws["proposal_defaults"] = {
            kind: {term: value for term, value in terms.items() if term in ("quorum", "threshold")}
            for kind, terms in floors.items()
        }
        cooperative.bylaws = bylaws
        cooperative.save(update_fields=["bylaws"])


class Migration(migrations.Migration):
    dependencies = [("coop", "0006_founded_on_filled")]

    operations = [migrations.RunPython(to_floors, to_defaults)]
