"""A kept count of each co-op's time entries per month, moved by the database on every write.

PostgreSQL: statement-level AFTER INSERT/UPDATE/DELETE triggers read the statement's rows
(transition tables), add them up per co-op and month and upsert the differences in one
statement, in (co-op, month) order so that two writers lock the counts alike; a bulk insert or a
COPY of 80,000 entries costs one grouped upsert, not 80,000. An update that leaves every entry
in its co-op and month (minutes, a description) nets to nothing and writes nothing. TRUNCATE of
the entries empties the counts. SQLite (the embedded default) has no statement-level triggers:
one row-level trigger per kind of write. The counts are filled from the entries already there,
in the migration's transaction, after the triggers exist (CREATE TRIGGER holds off writers until
the commit), so no write falls between the two.
"""

import django.db.models.deletion
from django.db import migrations, models

MONTH_PG = "date_trunc('month', {0}.date::timestamp)::date"
UPSERT_PG = """
    INSERT INTO coop_timeentrymonthcount AS kept (cooperative_id, month, entries)
    SELECT cooperative_id, month, sum(change) FROM ({rows}) AS changes
     GROUP BY cooperative_id, month HAVING sum(change) <> 0
     ORDER BY cooperative_id, month
    ON CONFLICT (cooperative_id, month) DO UPDATE SET entries = kept.entries + EXCLUDED.entries;
"""
ADDED = f"SELECT cooperative_id, {MONTH_PG.format('added')} AS month, 1 AS change FROM added"
REMOVED = f"SELECT cooperative_id, {MONTH_PG.format('removed')} AS month, -1 AS change FROM removed"

POSTGRESQL = [
    (
        f"""
        CREATE FUNCTION coop_timeentry_counts_months() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                DELETE FROM coop_timeentrymonthcount;
            ELSIF TG_OP = 'INSERT' THEN
                {UPSERT_PG.format(rows=ADDED)}
            ELSIF TG_OP = 'DELETE' THEN
                {UPSERT_PG.format(rows=REMOVED)}
            ELSE
                {UPSERT_PG.format(rows=f"{ADDED} UNION ALL {REMOVED}")}
            END IF;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql
        """,
        "DROP FUNCTION coop_timeentry_counts_months()",
    ),
    (
        """
        CREATE TRIGGER coop_timeentry_month_insert AFTER INSERT ON coop_timeentry
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION coop_timeentry_counts_months()
        """,
        "DROP TRIGGER coop_timeentry_month_insert ON coop_timeentry",
    ),
    (
        """
        CREATE TRIGGER coop_timeentry_month_update AFTER UPDATE ON coop_timeentry
        REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION coop_timeentry_counts_months()
        """,
        "DROP TRIGGER coop_timeentry_month_update ON coop_timeentry",
    ),
    (
        """
        CREATE TRIGGER coop_timeentry_month_delete AFTER DELETE ON coop_timeentry
        REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION coop_timeentry_counts_months()
        """,
        "DROP TRIGGER coop_timeentry_month_delete ON coop_timeentry",
    ),
    (
        """
        CREATE TRIGGER coop_timeentry_month_truncate AFTER TRUNCATE ON coop_timeentry
        FOR EACH STATEMENT EXECUTE FUNCTION coop_timeentry_counts_months()
        """,
        "DROP TRIGGER coop_timeentry_month_truncate ON coop_timeentry",
    ),
    (
        f"""
        INSERT INTO coop_timeentrymonthcount (cooperative_id, month, entries)
        SELECT cooperative_id, {MONTH_PG.format("coop_timeentry")}, count(*)
          FROM coop_timeentry GROUP BY 1, 2
        """,
        "",
    ),
]

MONTH_SQLITE = "date({0}.date, 'start of month')"
ADD_SQLITE = f"""
    INSERT INTO coop_timeentrymonthcount (cooperative_id, month, entries)
    VALUES (NEW.cooperative_id, {MONTH_SQLITE.format("NEW")}, 1)
    ON CONFLICT (cooperative_id, month) DO UPDATE SET entries = entries + 1;
"""
REMOVE_SQLITE = f"""
    UPDATE coop_timeentrymonthcount SET entries = entries - 1
     WHERE cooperative_id = OLD.cooperative_id AND month = {MONTH_SQLITE.format("OLD")};
"""
SQLITE = [
    (
        f"""
        CREATE TRIGGER coop_timeentry_month_insert AFTER INSERT ON coop_timeentry
        FOR EACH ROW BEGIN {ADD_SQLITE} END
        """,
        "DROP TRIGGER coop_timeentry_month_insert",
    ),
    (
        f"""
        CREATE TRIGGER coop_timeentry_month_update AFTER UPDATE OF cooperative_id, date
        ON coop_timeentry FOR EACH ROW
        WHEN OLD.cooperative_id IS NOT NEW.cooperative_id
          OR {MONTH_SQLITE.format("OLD")} IS NOT {MONTH_SQLITE.format("NEW")}
        BEGIN {REMOVE_SQLITE} {ADD_SQLITE} END
        """,
        "DROP TRIGGER coop_timeentry_month_update",
    ),
    (
        f"""
        CREATE TRIGGER coop_timeentry_month_delete AFTER DELETE ON coop_timeentry
        FOR EACH ROW BEGIN {REMOVE_SQLITE} END
        """,
        "DROP TRIGGER coop_timeentry_month_delete",
    ),
    (
        f"""
        INSERT INTO coop_timeentrymonthcount (cooperative_id, month, entries)
        SELECT cooperative_id, {MONTH_SQLITE.format("coop_timeentry")}, count(*)
          FROM coop_timeentry GROUP BY 1, 2
        """,
        "",
    ),
]
BY_VENDOR = {"postgresql": POSTGRESQL, "sqlite": SQLITE}


def _run(index):
    def run(apps, schema_editor):
        statements = BY_VENDOR.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"Cooperage runs on PostgreSQL or SQLite, not {schema_editor.connection.vendor}."
            )
        create_and_drop = [pair[index] for pair in statements]
        for sql in create_and_drop if index == 0 else reversed(create_and_drop):
            if sql:
                schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("coop", "0013_member_probation")]

    operations = [
        migrations.CreateModel(
            name="TimeEntryMonthCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(help_text="the first day of the month")),
                ("entries", models.IntegerField()),
                (
                    "cooperative",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="coop.cooperative",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("cooperative", "month"), name="time_entry_month_once"
                    )
                ],
            },
        ),
        migrations.RunPython(_run(0), _run(1)),
    ]
