"""Set a benchmark up on a scratch database: `prepare(data_dir, database_url)`.

Benchmarks run as scripts (`python benchmarks/bench_x.py`), so this folder is on the path
and each imports this module by its plain name.
"""

import os
import sys
from pathlib import Path


def prepare(data_dir: str, database_url: str | None) -> None:
    """Django on the scratch data folder (SQLite there), or on `database_url`, migrated."""
    os.environ["CUSTODIAN_DATA_DIR"] = data_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # the scratch SQLite file, never a real library
    os.environ.setdefault("CUSTODIAN_SECRET_KEY", "bench-only-secret-key-not-for-production-000")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from custodian import djangoenv

    djangoenv.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
