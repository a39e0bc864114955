# A library upgrading: every patron gets a data key, and the personal fields already in the
# database are sealed under it, with the blind indexes filled in. Clear values are read with
# plain SQL (the columns' new field class would take them for sealed text).

from django.db import migrations

from custodian.records import sealing

PATRON_FIELDS = ("card_number", "first_name", "last_name", "address", "phone", "email")



def _seal_rows(apps, schema_editor):
    Patron = apps.get_model("records", "Patron")
    ResponsibleParty = apps.get_model("records", "ResponsibleParty")
    Authorization = apps.get_model("records", "Authorization")
    DataKey = apps.get_model("records", "DataKey")
    connection = schema_editor.connection
    quote = connection.ops.quote_name

    def rows(model, columns, join_ref):
        table = quote(model._meta.db_table)
        names = ", ".join(f"t.{quote(c)}" for c in columns)
        if join_ref:
            patrons = quote(Patron._meta.db_table)
            sql = (
                f"SELECT t.id, p.ref, {names} FROM {table} t "  # noqa: S608
                f"JOIN {patrons} p ON p.id = t.patron_id ORDER BY t.id"
            )
        else:
            sql = f"SELECT t.id, t.ref, {names} FROM {table} t ORDER BY t.id"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def owner(ref):
        return sealing._as_uuid(ref)

    known = set(DataKey.objects.values_list("owner_ref", flat=True))

    def key_for(ref):
        ref = owner(ref)
        if ref not in known:
            ref, wrapped, mid = sealing.new_key_row(ref)
            DataKey.objects.create(owner_ref=ref, wrapped=wrapped, master_id=mid)
            known.add(ref)
        return ref

    def text(value):
        if value is None:
            return None
        return str(value)

    def sealed(ref, label, value):
        value = text(value)
        if not value or sealing.is_sealed(value):
            return sealing.Sealed(value) if value else value
        return sealing.seal(ref, label, value)

    for row in rows(Patron, (*PATRON_FIELDS, "birth_date"), join_ref=False):
        pk, ref, *values = row
        ref = key_for(ref)
        clear = dict(zip((*PATRON_FIELDS, "birth_date"), values, strict=True))
        update = {
            name: sealed(ref, f"records.patron.{name}", clear[name]) for name in PATRON_FIELDS
        }
        birth = text(clear["birth_date"])
        update["birth_date"] = sealed(ref, "records.patron.birth_date", birth) if birth else None
        update["card_index"] = sealing.card_index(clear["card_number"] or "")
        update["name_index"] = sealing.name_index(clear["last_name"] or "", clear["first_name"] or "")
        update["last_name_index"] = sealing.last_name_index(clear["last_name"] or "")
        Patron.objects.filter(pk=pk).update(**update)

    for model, label, columns in (
        (ResponsibleParty, "records.responsibleparty", ("name", "phone")),
        (Authorization, "records.authorization", ("agent_name",)),
    ):
        for row in rows(model, columns, join_ref=True):
            pk, ref, *values = row
            ref = key_for(ref)
            update = {
                name: sealed(ref, f"{label}.{name}", value)
                for name, value in zip(columns, values, strict=True)
            }
            model.objects.filter(pk=pk).update(**update)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0008_sealed_personal_fields"),
    ]

    operations = [migrations.RunPython(_seal_rows, migrations.RunPython.noop)]
