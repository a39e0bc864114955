"""Finding 5: nothing in the data folder can be read by another user of the machine.

The attack is a second account on the server (or a service running as another user) that
opens the database, its WAL, a disclosure package or a scanned warrant. Folders must be 0700
and files 0600, for files Custodian creates and for ones an older version left behind.
"""

import json
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.security._subprocess import run_python

# Demo-like writes in a fresh data folder: migrate, the demo library (logins file, a released
# disclosure package), a scanned document saved through the disclosure storage, the audit
# signing key; then, with a write open in WAL mode, every mode under the folder.
WRITES = """
import json, os
from pathlib import Path
from custodian import djangoenv
djangoenv.setup()
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
call_command("migrate", interactive=False, verbosity=0)
from custodian.synth import services
services.prepare_demo(patrons=20, seed=3, console=None)
from custodian.disclosure.models import disclosure_storage
disclosure_storage().save("scans/2026/12/warrant-scan.pdf", ContentFile(b"%PDF-1.4 scan"))
from custodian.audit.keys import signing_key
signing_key()
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE mode_probe (x TEXT)")
    cursor.execute("INSERT INTO mode_probe VALUES ('x')")
root = Path(os.environ["CUSTODIAN_DATA_DIR"])
modes = {str(p.relative_to(root)): p.stat().st_mode for p in [root, *root.rglob("*")]}
print(json.dumps(modes))
"""


def _perm(mode: int) -> int:
    return stat.S_IMODE(mode)


def test_a_fresh_data_folder_is_owner_only(tmp_path):
    data = tmp_path / "fresh"  # does not exist yet: Custodian creates it
    result = run_python(WRITES, data)
    assert result.returncode == 0, result.stderr[-2000:]
    modes = json.loads(result.stdout.strip().splitlines()[-1])
    names = set(modes)
    # The writes the finding names all happened (so the modes below are about them).
    for expected in (
        "custodian.sqlite3",
        "custodian.sqlite3-wal",
        "custodian.sqlite3-shm",
        "secret_key",
        "demo-logins.json",
        "audit_signing_key",
        "disclosure/scans/2026/12/warrant-scan.pdf",
    ):
        assert expected in names, (expected, sorted(names))
    assert any(n.startswith("disclosure/packages/") and n.endswith(".json") for n in names)
    wrong = {
        name: oct(_perm(mode))
        for name, mode in modes.items()
        if _perm(mode) != (0o700 if stat.S_ISDIR(mode) else 0o600)
    }
    assert wrong == {}


def test_an_old_world_readable_data_folder_is_fixed_at_start_up_with_a_warning(tmp_path):
    data = tmp_path / "old"
    (data / "disclosure" / "scans").mkdir(parents=True)
    files = [data / "custodian.sqlite3", data / "disclosure" / "scans" / "Jane-Doe-warrant.pdf"]
    for f in files:
        f.write_bytes(b"old data")
        f.chmod(0o644)
    for d in (data, data / "disclosure", data / "disclosure" / "scans"):
        d.chmod(0o755)
    # A link out of the folder is not ours to change.
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not custodian's")
    outside.chmod(0o644)
    (data / "link").symlink_to(outside)

    result = run_python("from custodian import djangoenv; djangoenv.setup()", data)

    assert result.returncode == 0, result.stderr
    warning = [line for line in result.stderr.splitlines() if "Data directory permissions" in line]
    assert len(warning) == 1, result.stderr
    assert "5 files or folders" in warning[0]  # 3 folders + 2 files
    assert "Jane-Doe" not in result.stderr and "scans" not in result.stderr
    for f in files:
        assert _perm(f.stat().st_mode) == 0o600, f
    for d in (data, data / "disclosure", data / "disclosure" / "scans"):
        assert _perm(d.stat().st_mode) == 0o700, d
    assert _perm(outside.stat().st_mode) == 0o644

    # Once fixed, a second start says nothing.
    again = run_python("from custodian import djangoenv; djangoenv.setup()", data)
    assert "Data directory permissions" not in again.stderr


def test_this_test_runs_database_files_are_owner_only(db):
    """The umask holds in a long-running process too: the SQLite test database and its WAL."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its files in its own server's folder")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    db = Path(connection.settings_dict["NAME"])
    present = [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    assert db in present and len(present) == 3
    assert {p.name: oct(_perm(p.stat().st_mode)) for p in present} == {
        p.name: "0o600" for p in present
    }
    assert _perm(Path(settings.DATA_DIR).stat().st_mode) == 0o700
