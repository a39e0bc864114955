"""Concurrency tests need a SQLite test database in a file.

Django's default SQLite test database is a shared-cache in-memory one. Shared-cache
connections lock whole tables and fail at once with "database table is locked" instead of
waiting for the lock (busy timeout), which is not how the real, file-backed database with
WAL and BEGIN IMMEDIATE behaves. So, unless something already chose a test database name,
use a file in a fresh temporary folder. This applies to the whole test session once this
folder is collected; it would sit better in the repository's root conftest.
"""

import tempfile
from pathlib import Path

from django.conf import settings

_default = settings.DATABASES["default"]
if _default["ENGINE"] == "django.db.backends.sqlite3":
    _test = _default.setdefault("TEST", {})
    if not _test.get("NAME"):
        _test["NAME"] = str(Path(tempfile.mkdtemp(prefix="custodian-testdb-")) / "test.sqlite3")
