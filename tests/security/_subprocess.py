"""Run Custodian in a child process on its own fresh data folder (SQLite, never the test DB)."""

import os
import subprocess
import sys
from pathlib import Path


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    # Nothing of this test process's configuration (the browser tests set DJANGO_ALLOW_ASYNC_
    # UNSAFE, which `check --deploy` rightly warns about): the child starts as a server would.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUSTODIAN_", "DJANGO_"))}
    # Never the PostgreSQL database the suite may be running on: the child uses SQLite there.
    env.pop("DATABASE_URL", None)
    env["CUSTODIAN_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def run_python(script: str, data_dir: Path, timeout: int = 180, **extra: str):
    return subprocess.run(
        [sys.executable, "-c", script],
        env=child_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_custodian(args: list[str], data_dir: Path, timeout: int = 180, **extra: str):
    script = "import sys; from custodian.cli import app; sys.argv[0] = 'custodian'; app()"
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=child_env(data_dir, **extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
