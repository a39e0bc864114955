"""SQLite's secure_delete: a deleted patron row does not linger in the database file's free
pages, where anyone with a copy of the file (a backup, a stolen laptop) could read it."""

from pathlib import Path

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="a pragma of SQLite; PostgreSQL's VACUUM differs"
)

MARK = "Zebulon-Quartermaine-1987"


def test_every_connection_has_secure_delete_on(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1
    # A new connection (another thread, another process) gets it too, from the settings.
    fresh = ConnectionHandler()["default"]
    try:
        with fresh.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1
    finally:
        fresh.close()


def _file_holds(path, text: str) -> bool:
    return text.encode() in path.read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_deleted_rows_text_is_gone_from_the_file():
    db_file = Path(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE secure_delete_probe (id INTEGER PRIMARY KEY, name TEXT)")
        try:
            # Enough rows to fill pages that a DELETE frees, not only rewrites.
            cursor.executemany(
                "INSERT INTO secure_delete_probe (name) VALUES (%s)",
                [(f"{MARK} #{i} " + "x" * 200,) for i in range(200)],
            )
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            assert _file_holds(db_file, MARK)  # the check can see the text while it is there

            cursor.execute("DELETE FROM secure_delete_probe")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            assert not _file_holds(db_file, MARK)
            wal = Path(f"{db_file}-wal")
            assert not (wal.exists() and _file_holds(wal, MARK))
        finally:
            cursor.execute("DROP TABLE secure_delete_probe")
