# A patron's concern and the Director's answer are sealed at rest (docs/encryption.md), under
# the patron's data key; the ones already written are sealed here.

from django.db import migrations

import custodian.records.sealed_fields
from custodian.records import sealing


def _seal_concerns(apps, schema_editor):
    Concern = apps.get_model("portal", "Concern")
    DataKey = apps.get_model("records", "DataKey")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, p.ref, c.message, c.answer FROM "  # noqa: S608
            f"{quote(Concern._meta.db_table)} c JOIN records_patron p ON p.id = c.patron_id "
            "ORDER BY c.id"
        )
        rows = cursor.fetchall()
    known = set(DataKey.objects.values_list("owner_ref", flat=True))
    for pk, ref, message, answer in rows:
        owner = sealing._as_uuid(ref)
        if owner not in known:
            owner, wrapped, mid = sealing.new_key_row(owner)
            DataKey.objects.create(owner_ref=owner, wrapped=wrapped, master_id=mid)
            known.add(owner)
        update = {}
        for name, text in (("message", message), ("answer", answer)):
            if text and not sealing.is_sealed(text):
                update[name] = sealing.seal(owner, f"portal.concern.{name}", text)
        if update:
            Concern.objects.filter(pk=pk).update(**update)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("records", "0012_seal_free_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="concern",
            name="message",
            field=custodian.records.sealed_fields.SealedField(owner="patron.ref"),
        ),
        migrations.AlterField(
            model_name="concern",
            name="answer",
            field=custodian.records.sealed_fields.SealedField(blank=True, owner="patron.ref"),
        ),
        migrations.RunPython(_seal_concerns, migrations.RunPython.noop),
    ]
