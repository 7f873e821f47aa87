"""TimeEntry lists: an index that fits `WHERE cooperative AND date ORDER BY date, id`."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("coop", "0004_invitations"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="timeentry",
            index=models.Index(
                fields=["cooperative", "date", "id"], name="time_entry_coop_date_id"
            ),
        ),
        # A prefix of the new index: it serves every query the old one did.
        migrations.RemoveIndex(model_name="timeentry", name="time_entry_coop_date"),
    ]
