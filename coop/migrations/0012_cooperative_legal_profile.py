"""The co-op's legal profile: the law its distribution policies are checked against.

SQLite adds a NOT NULL column by rebuilding the table, and the audit head trigger (0011), which
updates coop_cooperative, would stop the rebuilt table from taking the old one's name: on
SQLite the trigger is dropped for the rebuild and created again after it."""

from django.db import migrations, models

TRIGGER = """
    CREATE TRIGGER coop_auditevent_head AFTER INSERT ON coop_auditevent
    FOR EACH ROW BEGIN
        UPDATE coop_cooperative
           SET audit_head = NEW.hash, audit_length = NEW.sequence
         WHERE id = NEW.cooperative_id;
    END
"""


def _on_sqlite(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(sql, params=None)

    return run


DROP = _on_sqlite("DROP TRIGGER coop_auditevent_head")
CREATE = _on_sqlite(TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("coop", "0011_audit_head_trigger")]

    operations = [
        migrations.RunPython(DROP, CREATE),
        migrations.AddField(
            model_name="cooperative",
            name="legal_profile",
            field=models.CharField(
                choices=[
                    ("generic", "Generic (no country's law)"),
                    ("es", "Spain (Ley 27/1999 de Cooperativas)"),
                    ("de", "Germany (Genossenschaftsgesetz)"),
                    ("us", "United States (Internal Revenue Code, Subchapter T)"),
                ],
                default="generic",
                help_text="the law of the co-op's country that distribution policies are "
                "checked against",
                max_length=16,
                verbose_name="legal profile",
            ),
        ),
        migrations.RunPython(CREATE, DROP),
    ]
