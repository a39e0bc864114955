"""Concurrent appenders never share a seq or a prev_hash, and the log still verifies.

SQLite runs on a real database file in WAL mode, as a library runs it, in child processes
(the in-memory test database reports shared-cache table locks instead of waiting, which no
installation sees): threads with their own connections, and separate processes, then
`custodian audit verify` on the file. PostgreSQL (DATABASE_URL) runs the threads on the
test database.
"""

import os
import subprocess
import sys
import textwrap
import threading

import pytest
from django.db import connections

from custodian.audit import services
from custodian.audit.models import AuditCheckpoint, AuditEntry
from tests.audit import helpers as h

WRITERS = 4
EACH = 25
ON_POSTGRES = "DATABASE_URL" in os.environ

# Appends EACH entries from each of WRITERS threads (or once, in this process), then
# prints the seqs and distinct prev_hashes it finds.
SCRIPT = textwrap.dedent(
    """
    import os, sys, threading
    sys.path.insert(0, os.getcwd())
    os.environ["DJANGO_SETTINGS_MODULE"] = "custodian.settings"
    import django
    django.setup()
    from django.db import connections
    from tests.audit.helpers import append
    mode, each, writers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if mode == "threads":
        barrier = threading.Barrier(writers)
        def work():
            try:
                barrier.wait(30)
                append(each)
            finally:
                connections.close_all()
        threads = [threading.Thread(target=work) for _ in range(writers)]
        [t.start() for t in threads]
        [t.join() for t in threads]
    elif mode == "append":
        append(each)
    else:
        from custodian.audit.models import AuditEntry
        rows = list(AuditEntry.objects.values_list("seq", "prev_hash"))
        print(len(rows), rows == [(i + 1, r[1]) for i, r in enumerate(rows)], len({r[1] for r in rows}))
    """
)


def _sqlite_env(tmp_path):
    env = {
        **os.environ,
        "CUSTODIAN_DATA_DIR": str(tmp_path),
        "CUSTODIAN_AUDIT_CHECKPOINT_EVERY": "7",
        "DJANGO_SETTINGS_MODULE": "custodian.settings",
    }
    env.pop("DATABASE_URL", None)
    migrate = [sys.executable, "-m", "django", "migrate", "audit", "--skip-checks", "-v0"]
    subprocess.run(migrate, env=env, check=True)
    return env


def _script(env, *args):
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *map(str, args)], env=env, stdout=subprocess.PIPE, text=True
    )


def _sqlite_file_is_sound(env):
    count, contiguous, parents = _script(env, "check", 0, 0).communicate(timeout=120)[0].split()
    assert (int(count), contiguous, int(parents)) == (WRITERS * EACH, "True", WRITERS * EACH)
    verify = subprocess.run(
        [sys.executable, "-c", "from custodian.cli import main; main()", "audit", "verify", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"entries: {WRITERS * EACH}" in verify.stdout and "chain intact" in verify.stdout
    assert "tree size 98" in verify.stdout


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite file case")
def test_threads_append_to_a_sqlite_file(tmp_path):
    env = _sqlite_env(tmp_path)
    assert _script(env, "threads", EACH, WRITERS).wait(timeout=300) == 0
    _sqlite_file_is_sound(env)


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite file case")
def test_processes_append_to_a_sqlite_file(tmp_path):
    env = _sqlite_env(tmp_path)
    procs = [_script(env, "append", EACH, 1) for _ in range(WRITERS)]
    assert all(p.wait(timeout=300) == 0 for p in procs)
    _sqlite_file_is_sound(env)


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL case")
@pytest.mark.django_db(transaction=True)
def test_threads_append_on_postgresql(settings):
    settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY = 10
    barrier = threading.Barrier(WRITERS)
    errors = []

    def writer():
        try:
            barrier.wait(timeout=30)
            h.append(EACH)
        except Exception as exc:  # collected and reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    assert not errors, errors
    rows = list(AuditEntry.objects.values_list("seq", "prev_hash"))
    assert [r[0] for r in rows] == list(range(1, WRITERS * EACH + 1))
    assert len({r[1] for r in rows}) == WRITERS * EACH
    result = services.verify_log()
    assert result.ok and result.count == WRITERS * EACH, result.reason
    assert list(AuditCheckpoint.objects.values_list("tree_size", flat=True)) == list(
        range(10, 101, 10)
    )
