"""A co-op without a founding date gets the day it was created (in its own time zone): nothing it
records may be dated before its founding (coop.dates)."""

import zoneinfo

from django.db import migrations


def fill_founded_on(apps, schema_editor):
    Cooperative = apps.get_model("coop", "Cooperative")
    for cooperative in Cooperative.objects.filter(founded_on__isnull=True):
        zone = zoneinfo.ZoneInfo(cooperative.time_zone)
        cooperative.founded_on = cooperative.created_at.astimezone(zone).date()
        cooperative.save(update_fields=["founded_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0005_timeentry_month_index"),
    ]

    operations = [
        migrations.RunPython(fill_founded_on, migrations.RunPython.noop),
    ]
