# A charge's note is free text staff type, so it can name someone: sealed under the patron's
# key while the charge has a patron (the library's own once the link is cut). Reversible:
# the reverse writes the notes back in clear (a note whose patron was erased opens empty)
# before the column is a 200-character CharField again.

import uuid

from django.db import migrations

import custodian.records.sealed_fields
from custodian.records import sealing

LABEL = "records.charge.note"


def _notes(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, c.note, p.ref FROM records_charge c "
            "LEFT JOIN records_patron p ON p.id = c.patron_id "
            "WHERE c.note <> '' ORDER BY c.id"
        )
        return cursor.fetchall()


def _write(connection, pk, note) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE records_charge SET note = %s WHERE id = %s", [note, pk])


def _owner(ref) -> uuid.UUID:
    # The patron's ref (a UUID on PostgreSQL, 32 hex on SQLite), or the library's own.
    return sealing.LIBRARY_OWNER if ref is None else uuid.UUID(str(ref))


def _seal_notes(apps, schema_editor):
    DataKey = apps.get_model("records", "DataKey")
    connection = schema_editor.connection
    rows = _notes(connection)
    owners = {_owner(ref) for _, _, ref in rows}
    known = set(DataKey.objects.filter(owner_ref__in=owners).values_list("owner_ref", flat=True))
    for owner in owners - known:
        owner, wrapped, mid = sealing.new_key_row(owner)
        DataKey.objects.create(owner_ref=owner, wrapped=wrapped, master_id=mid)
    for pk, note, ref in rows:
        if not sealing.is_sealed(note):
            _write(connection, pk, str(sealing.seal(_owner(ref), LABEL, note)))


def _open_notes(apps, schema_editor):
    connection = schema_editor.connection
    for pk, note, _ref in _notes(connection):
        if sealing.is_sealed(note):
            _write(connection, pk, (sealing.open_sealed(note, LABEL) or "")[:200])


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0013_item_source_record"),
    ]

    operations = [
        migrations.AlterField(
            model_name="charge",
            name="note",
            field=custodian.records.sealed_fields.SealedField(
                blank=True, max_length=200, owner="patron.ref"
            ),
        ),
        migrations.RunPython(_seal_notes, _open_notes),
    ]
