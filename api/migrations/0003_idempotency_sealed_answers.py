"""Idempotency records keep the key's hash only, and their answer sealed under the key."""

from django.db import migrations


def hash_keys_and_seal_answers(apps, schema_editor):
    from api.idempotency import seal_answer, stored_key

    IdempotencyRecord = apps.get_model("api", "IdempotencyRecord")
    for record in IdempotencyRecord.objects.all():
        if record.response_body:
            record.response_body = seal_answer(record.key, record.response_body)
        record.key = stored_key(record.key)
        record.save(update_fields=["key", "response_body"])


def forget_records(apps, schema_editor):
    # Hashed keys cannot be turned back; the records only last a day.
    apps.get_model("api", "IdempotencyRecord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("api", "0002_idempotency_records")]

    operations = [migrations.RunPython(hash_keys_and_seal_answers, forget_records)]
