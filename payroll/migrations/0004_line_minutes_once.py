"""A distribution line's minutes are stored once: in `minutes`, no longer in the explanation too.

Both came from the same figure, so they agree on every line; the migration checks that they do
before dropping the copy, and stops, naming the lines, if one does not.
"""

from django.db import migrations

BATCH = 2000


def drop_the_copy(apps, schema_editor):
    DistributionLine = apps.get_model("payroll", "DistributionLine")
    lines = DistributionLine.objects.filter(explanation__has_key="minutes").only(
        "id", "minutes", "explanation"
    )
    disagree = [
        line.pk for line in lines.iterator(BATCH) if line.explanation["minutes"] != line.minutes
    ]
    if disagree:
        raise RuntimeError(
            "These distribution lines have other minutes in their explanation than in their "
            f"minutes column; correct them before migrating: {disagree[:20]}"
        )
    batch = []
    for line in lines.iterator(BATCH):
        del line.explanation["minutes"]
        batch.append(line)
        if len(batch) == BATCH:
            DistributionLine.objects.bulk_update(batch, ["explanation"])
            batch = []
    DistributionLine.objects.bulk_update(batch, ["explanation"])


def put_the_copy_back(apps, schema_editor):
    DistributionLine = apps.get_model("payroll", "DistributionLine")
    batch = []
    for line in (
        DistributionLine.objects.filter(kind="member").exclude(explanation={}).iterator(BATCH)
    ):
        line.explanation["minutes"] = line.minutes
        batch.append(line)
    DistributionLine.objects.bulk_update(batch, ["explanation"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0003_document_failures")]

    operations = [migrations.RunPython(drop_the_copy, put_the_copy_back)]
