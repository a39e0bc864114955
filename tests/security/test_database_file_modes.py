"""The SQLite database and its WAL and shared-memory files are their owner's alone (0600).

Started from a permissive umask (022, the usual default), Custodian opens its database in a
fresh data folder and writes; the database, -wal and -shm files must all be 0600 and the
folder 0700, because Custodian sets the umask itself before anything is created.
"""

import json
import stat
import subprocess
import sys

from tests.security._subprocess import child_env

OPEN_AND_WRITE = """
import json, os
from pathlib import Path
from custodian import djangoenv
djangoenv.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE mode_probe (x TEXT)")
    cursor.execute("INSERT INTO mode_probe VALUES ('x')")
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    root = Path(os.environ["CUSTODIAN_DATA_DIR"])
    # Read while the connection is open: SQLite removes -wal and -shm when the last one closes.
    modes = {p.name: p.stat().st_mode for p in [root, *root.iterdir()]}
print(json.dumps({"journal": journal, "modes": modes}))
"""


def _open_and_write(data_dir) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", OPEN_AND_WRITE],
        env=child_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        umask=0o022,  # what a server account usually starts with: files 0644
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_database_wal_and_shm_are_created_owner_only(tmp_path):
    data = tmp_path / "fresh"  # does not exist yet: Custodian creates it
    seen = _open_and_write(data)
    assert seen["journal"] == "wal"
    modes = {name: stat.S_IMODE(mode) for name, mode in seen["modes"].items()}
    for name in ("custodian.sqlite3", "custodian.sqlite3-wal", "custodian.sqlite3-shm"):
        assert modes.get(name) == 0o600, (name, oct(modes.get(name, 0)))
    assert modes["fresh"] == 0o700
    # Nothing else in the folder is readable by anyone but its owner either.
    assert all(not mode & 0o077 for mode in modes.values()), {n: oct(m) for n, m in modes.items()}
