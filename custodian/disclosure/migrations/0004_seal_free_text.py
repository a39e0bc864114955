# The disclosure workflow's free text (who asked, the officer, what was said, notes, the
# written decision, to whom a package went) can name a person: sealed at rest under the
# library's own key, since a case is kept on its own schedule and may outlive the patron.
# Reversible: the reverse opens every value and writes it back in clear before the columns
# return to their old types (sealed text is longer than the old CharField limits).

from django.db import migrations

import custodian.records.sealed_fields
from custodian.records import sealing

COLUMNS = (
    ("disclosurerequest", "requester_name"),
    ("disclosurerequest", "requester_organisation"),
    ("disclosurerequest", "officer_name"),
    ("disclosurerequest", "officer_badge"),
    ("disclosurerequest", "officer_agency"),
    ("disclosurerequest", "stated_purpose"),
    ("disclosurerequest", "response_address"),
    ("case", "desk_notes"),
    ("case", "unseal_reason"),
    ("caseevent", "note"),
    ("checklistitem", "note"),
    ("review", "notes"),
    ("writtendecision", "text"),
    ("writtendecision", "basis"),
    ("writtendecision", "override_reason"),
    ("writtendecision", "counsel_name"),
    ("release", "handed_to"),
    ("costrecord", "description"),
    ("counselreview", "counsel_name"),
    ("counselreview", "conclusion"),
)


def _rewrite(apps, schema_editor, change) -> None:
    """Each non-empty value of COLUMNS through `change(text, label)`, by raw SQL (the
    historical fields refuse clear values in SQL)."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, column in COLUMNS:
        table = quote(apps.get_model("disclosure", model_name)._meta.db_table)
        label = f"disclosure.{model_name}.{column}"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {quote(column)} FROM {table} ORDER BY id")  # noqa: S608
            rows = cursor.fetchall()
            for pk, text in rows:
                new = change(text, label) if text else text
                if new != text:
                    cursor.execute(
                        f"UPDATE {table} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
                        [new, pk],
                    )


def _seal(apps, schema_editor):
    DataKey = apps.get_model("records", "DataKey")
    owner = sealing.LIBRARY_OWNER
    keyed = []

    def seal(text, label):
        if sealing.is_sealed(text):
            return text
        # The library's key is made on first need only: a new database has none yet.
        if not keyed:
            if not DataKey.objects.filter(owner_ref=owner).exists():
                _, wrapped, mid = sealing.new_key_row(owner)
                DataKey.objects.create(owner_ref=owner, wrapped=wrapped, master_id=mid)
            keyed.append(True)
        return str(sealing.seal(owner, label, text))

    _rewrite(apps, schema_editor, seal)


def _open(apps, schema_editor):
    def open_(text, label):
        return (sealing.open_sealed(text, label) or "") if sealing.is_sealed(text) else text

    _rewrite(apps, schema_editor, open_)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_written_decision_override"),
        ("records", "0012_seal_free_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="desk_notes",
            field=custodian.records.sealed_fields.SealedField(blank=True, owner=""),
        ),
        migrations.AlterField(
            model_name="case",
            name="unseal_reason",
            field=custodian.records.sealed_fields.SealedField(blank=True, owner=""),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="note",
            field=custodian.records.sealed_fields.SealedField(blank=True, owner=""),
        ),
        migrations.AlterField(
            model_name="checklistitem",
            name="note",
            field=custodian.records.sealed_fields.SealedField(blank=True, owner=""),
        ),
        migrations.AlterField(
            model_name="costrecord",
            name="description",
            field=custodian.records.sealed_fields.SealedField(max_length=300, owner=""),
        ),
        migrations.AlterField(
            model_name="counselreview",
            name="conclusion",
            field=custodian.records.sealed_fields.SealedField(blank=True, owner=""),
        ),
        migrations.AlterField(
            model_name="counselreview",
            name="counsel_name",
            field=custodian.records.sealed_fields.SealedField(blank=True, max_length=200, owner=""),
        ),
        migrations.AlterField(
            model_name="disclosurerequest",
            name="officer_agency",
            field=custodian.records.sealed_fields.SealedField(blank=True, max_length=200, owner=""),
        ),
        migrations.AlterField(
            model_name="disclosurerequest",
            name="officer_badge",
            field=custodian.records.sealed_fields.SealedField(blank=True, max_length=64, owner=""),
        ),
        migrations.AlterField(
            model_name="disclosurerequest",
            name="officer_name",
            field=custodian.records.sealed_fields.SealedField(blank=True, max_length=200, owner=""),
        ),
        migrations.AlterField(
            model_name="disclosurerequest",
            name="requester_name",
            field=custodian.records.sealed_fields.SealedField(blank=True, max_length=200, owner=""),
        ),
        migrations.AlterField(
            model_name="disclosurerequest",
            name="requester_organisation",
            field=custodian.records.sealed_fields.SealedField(blank=True, max_length=200, owner=""),
        ),
        migrations.AlterField(
            model_name="disclosurerequest",
            name="response_address",
            field=custodian.records.sealed_fields.SealedField(
                blank=True, help_text="To whom the library's response goes.", owner=""
            ),
        ),
        migrations.AlterField(
            model_name="disclosurerequest",
            name="stated_purpose",
            field=custodian.records.sealed_fields.SealedField(
                blank=True, help_text="What the requester says the request is for.", owner=""
            ),
        ),
        migrations.AlterField(
            model_name="release",
            name="handed_to",
            field=custodian.records.sealed_fields.SealedField(max_length=300, owner=""),
        ),
        migrations.AlterField(
            model_name="review",
            name="notes",
            field=custodian.records.sealed_fields.SealedField(blank=True, owner=""),
        ),
        migrations.AlterField(
            model_name="writtendecision",
            name="basis",
            field=custodian.records.sealed_fields.SealedField(
                help_text="What information or circumstances supported the decision.", owner=""
            ),
        ),
        migrations.AlterField(
            model_name="writtendecision",
            name="counsel_name",
            field=custodian.records.sealed_fields.SealedField(blank=True, max_length=200, owner=""),
        ),
        migrations.AlterField(
            model_name="writtendecision",
            name="override_reason",
            field=custodian.records.sealed_fields.SealedField(blank=True, owner=""),
        ),
        migrations.AlterField(
            model_name="writtendecision",
            name="text",
            field=custodian.records.sealed_fields.SealedField(owner=""),
        ),
        migrations.RunPython(_seal, _open),
    ]
