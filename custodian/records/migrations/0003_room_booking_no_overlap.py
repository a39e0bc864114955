"""The database refuses overlapping bookings of the same room.

Django's model constraints cannot say "no two rows of one room overlap in time" on every
database, so this migration speaks each database's own language:

* PostgreSQL: an exclusion constraint over (room, [starts_at, ends_at)). The room is
  compared as a one-point int8range so that no extension (btree_gist) is needed. The
  constraint holds under concurrent transactions, not only for one writer at a time.
* SQLite: BEFORE INSERT / BEFORE UPDATE triggers that RAISE(ABORT). SQLite has one writer
  at a time, so a trigger check is as strong as a constraint there. RAISE(ABORT) surfaces
  as IntegrityError, like a constraint violation.

SQLite caveat: when a later migration makes Django remake records_roombooking (most
AlterField/AddConstraint operations on it do), the triggers are dropped with the old
table. Such a migration must run `create_guard` again (import it from here).
"""

from django.db import migrations

NAME = "room_booking_no_overlap"

POSTGRES_CREATE = f"""
ALTER TABLE records_roombooking ADD CONSTRAINT {NAME}
EXCLUDE USING gist (
    int8range(room_id, room_id, '[]') WITH =,
    tstzrange(starts_at, ends_at, '[)') WITH &&
)
"""
POSTGRES_DROP = f"ALTER TABLE records_roombooking DROP CONSTRAINT IF EXISTS {NAME}"

# Django stores SQLite datetimes as UTC text in one format, so text comparison orders them.
_SQLITE_OVERLAP = """
    SELECT 1 FROM records_roombooking AS b
    WHERE b.room_id = NEW.room_id AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at
"""
SQLITE_CREATE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {NAME}_insert BEFORE INSERT ON records_roombooking
    WHEN EXISTS ({_SQLITE_OVERLAP})
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {NAME}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {NAME}_update
    BEFORE UPDATE OF room_id, starts_at, ends_at ON records_roombooking
    WHEN EXISTS ({_SQLITE_OVERLAP} AND b.id <> NEW.id)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {NAME}'); END
    """,
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {NAME}_insert", f"DROP TRIGGER IF EXISTS {NAME}_update"]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def create_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [POSTGRES_CREATE])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
    # Other databases: the service check under a row lock (book_room) is the guard.


def drop_guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, [POSTGRES_DROP])
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0002_rules_in_the_database"),
    ]

    operations = [
        migrations.RunPython(create_guard, drop_guard, elidable=False),
    ]
