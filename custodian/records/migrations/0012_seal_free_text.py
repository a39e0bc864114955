# Free text that can name someone (a reference question, a search) is sealed at rest too,
# under the library's own key: these rows outlive their patron link, and a sealed value names
# its owner.

from django.db import migrations

import custodian.records.sealed_fields
from custodian.records import sealing

COLUMNS = (
    ("referenceinterview", "question"),
    ("searchrecord", "query"),
)


def _seal_free_text(apps, schema_editor):
    DataKey = apps.get_model("records", "DataKey")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    known = set(DataKey.objects.values_list("owner_ref", flat=True))
    for model_name, column in COLUMNS:
        model = apps.get_model("records", model_name)
        table = quote(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {quote(column)} FROM {table} ORDER BY id")  # noqa: S608
            rows = cursor.fetchall()
        for pk, text in rows:
            if not text or sealing.is_sealed(text):
                continue
            owner = sealing.LIBRARY_OWNER
            if owner not in known:
                owner, wrapped, mid = sealing.new_key_row(owner)
                DataKey.objects.create(owner_ref=owner, wrapped=wrapped, master_id=mid)
                known.add(owner)
            sealed = sealing.seal(owner, f"records.{model_name}.{column}", text)
            model.objects.filter(pk=pk).update(**{column: sealed})


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0011_money_records_outlive_the_patron"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referenceinterview",
            name="question",
            field=custodian.records.sealed_fields.SealedField(owner=""),
        ),
        migrations.AlterField(
            model_name="searchrecord",
            name="query",
            field=custodian.records.sealed_fields.SealedField(max_length=500, owner=""),
        ),
        migrations.RunPython(_seal_free_text, migrations.RunPython.noop),
    ]
