"""Payslips remember when their member was e-mailed, so that a retried task e-mails once."""

from django.db import migrations, models
from django.db.models import F


def mark_existing_payslips_notified(apps, schema_editor):
    # Payslips made before this field were e-mailed by the call that stored them: do not
    # let the document sweep e-mail them again.
    document = apps.get_model("payroll", "DistributionDocument")
    document.objects.filter(kind="payslip").update(notified_at=F("generated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("payroll", "0001_money"),
    ]

    operations = [
        migrations.AddField(
            model_name="distributiondocument",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(mark_existing_payslips_notified, migrations.RunPython.noop),
    ]
