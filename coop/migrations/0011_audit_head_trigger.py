"""The co-op's audit head moves with every event the database stores: a trigger after each
insert into the chain writes the event's hash and sequence on the co-op row, in the insert's own
statement, so `coop.audit.record` needs no UPDATE of its own and the head can never lag behind
the chain (`verify_chain` compares them: a deleted tail is found)."""

from django.db import migrations

POSTGRESQL = [
    (
        """
        CREATE FUNCTION coop_auditevent_moves_head() RETURNS trigger AS $$
        BEGIN
            UPDATE coop_cooperative
               SET audit_head = NEW.hash, audit_length = NEW.sequence
             WHERE id = NEW.cooperative_id;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql
        """,
        "DROP FUNCTION coop_auditevent_moves_head()",
    ),
    (
        """
        CREATE TRIGGER coop_auditevent_head AFTER INSERT ON coop_auditevent
        FOR EACH ROW EXECUTE FUNCTION coop_auditevent_moves_head()
        """,
        "DROP TRIGGER coop_auditevent_head ON coop_auditevent",
    ),
]
SQLITE = [
    (
        """
        CREATE TRIGGER coop_auditevent_head AFTER INSERT ON coop_auditevent
        FOR EACH ROW BEGIN
            UPDATE coop_cooperative
               SET audit_head = NEW.hash, audit_length = NEW.sequence
             WHERE id = NEW.cooperative_id;
        END
        """,
        "DROP TRIGGER coop_auditevent_head",
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
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("coop", "0010_billing_details")]

    operations = [migrations.RunPython(_run(0), _run(1))]
