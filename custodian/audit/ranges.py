"""The hot path of verification, and the worker processes that run it in parallel. No Django.

`fast_range` checks one range of seqs from the single byte string the database returns for
it (bodies joined by 0x1E 0x00): it hashes every body with `map` (no Python frame per
entry) and compares all links of the range as one byte string.

`run_worker` is the body of one worker process of a parallel verification. It opens its
own connection, joins the parent's snapshot (PostgreSQL: `SET TRANSACTION SNAPSHOT`;
SQLite: the parent holds the write lock until every worker has started reading, so all see
the same committed state), checks a contiguous stretch of seqs with `fast_range` and sends
back only what the parent needs: the link into the stretch, the hash at its end, the hashes
at checkpoint positions, and the hashes after the base checkpoint (for the Merkle check).
It never names a bad entry: on any fault it says so and the parent re-walks the log
sequentially, in its own snapshot, to name the first bad entry.
"""

import hashlib
import re
from contextlib import suppress
from operator import itemgetter, methodcaller

from custodian.audit import canonical

_sha256 = hashlib.sha256
_digest = methodcaller("digest")
_prev_of = itemgetter(slice(1 + canonical.PREV_SLICE.start, 1 + canonical.PREV_SLICE.stop))

CHUNK_SQL = {
    "sqlite": (
        "SELECT CAST(group_concat(body, x'1e00') AS BLOB)"
        " FROM audit_auditentry WHERE seq > ? AND seq <= ?"
    ),
    "postgresql": (
        "SELECT string_agg(convert_to(body, 'UTF8'), decode('1e00', 'hex') ORDER BY seq)"
        " FROM audit_auditentry WHERE seq > %s AND seq <= %s"
    ),
}


def fast_range(start: int, stop: int, row: tuple | None, last: bytes) -> bytes | None:
    """The joined leaf digests of (start, stop] if every link in it holds (the first one
    against `last`, the hex hash of entry `start`), else None."""
    blob = row[0] if row else None
    if blob is None:
        return None
    parts = blob.split(b"\x1e")
    # A missing row, a NULL body or a stray 0x1E changes the count or breaks a link below;
    # either way the slow path then says which.
    if len(parts) != stop - start:
        return None
    parts[0] = b"\x00" + parts[0]
    digests = b"".join(map(_digest, map(_sha256, parts)))
    hexes = digests.hex().encode()
    if b"".join(map(_prev_of, parts)) != last + hexes[:-64]:
        return None
    return digests


def connect(vendor: str, params: dict):
    if vendor == "sqlite":
        import sqlite3

        return sqlite3.connect(
            params["database"], timeout=params.get("timeout", 30), isolation_level=None
        )
    import psycopg

    return psycopg.connect(autocommit=True, **params)


def connection_params(vendor: str, settings_dict: dict) -> dict | None:
    """What a worker needs to open its own connection, or None if it cannot (in-memory)."""
    name = str(settings_dict.get("NAME") or "")
    if vendor == "sqlite":
        if not name or name == ":memory:" or "mode=memory" in name:
            return None
        return {"database": name, "timeout": settings_dict.get("OPTIONS", {}).get("timeout", 30)}
    if vendor == "postgresql":
        params = {"dbname": name}
        for key, setting in (("user", "USER"), ("password", "PASSWORD"), ("host", "HOST")):
            if settings_dict.get(setting):
                params[key] = settings_dict[setting]
        if settings_dict.get("PORT"):
            params["port"] = int(settings_dict["PORT"])
        for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "options"):
            if key in settings_dict.get("OPTIONS", {}):
                params[key] = settings_dict["OPTIONS"][key]
        return params
    return None


_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f-]+")
PROGRESS_EVERY = 64  # chunks between progress messages


def run_worker(inbox, pipe) -> None:
    """One worker: connect, say "up", take the job, join the snapshot, say "ready", check."""
    try:
        vendor, params = inbox.recv()
        db = connect(vendor, params)
        cursor = db.cursor()
        pipe.send(("up",))
        job = inbox.recv()
        if job is None:
            return
        snapshot, lo, hi, chunk_size, pins, tree = job
        if vendor == "sqlite":
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT max(seq) FROM audit_auditentry")  # the snapshot starts here
            cursor.fetchall()
        else:
            if not _SNAPSHOT_ID.fullmatch(snapshot):
                raise ValueError("not a snapshot id")
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        pipe.send(("ready",))
        pipe.send(_check_stretch(cursor, CHUNK_SQL[vendor], lo, hi, chunk_size, pins, tree, pipe))
        cursor.execute("ROLLBACK")
        db.close()
    except Exception as exc:  # the parent falls back to the sequential walk
        with suppress(Exception):
            pipe.send(("error", f"{type(exc).__name__}: {exc}"))


def _check_stretch(cursor, query, lo, hi, chunk_size, pins, tree, pipe) -> tuple:
    """("ok", link into lo+1, hash of hi, {pin: hash}, hashes after `tree`) or ("bad", start)."""
    pins = sorted(p for p in pins if lo < p <= hi)
    found = {}
    tail = []
    first = last = None
    for n, start in enumerate(range(lo, hi, chunk_size)):
        stop = min(start + chunk_size, hi)
        cursor.execute(query, (start, stop))
        row = cursor.fetchone()
        if last is None:  # the first link is checked by the parent, against the stretch before
            blob = row[0] if row else None
            first = last = blob[canonical.PREV_SLICE] if blob else b""
        digests = fast_range(start, stop, row, last)
        if digests is None:
            return ("bad", start)
        hexes = digests.hex().encode()
        while pins and pins[0] <= stop:
            at = (pins[0] - start - 1) * 64
            found[pins.pop(0)] = hexes[at : at + 64]
        if stop > tree:
            tail.append(digests[max(0, tree - start) * 32 :])
        last = hexes[-64:]
        if n % PROGRESS_EVERY == PROGRESS_EVERY - 1:
            pipe.send(("progress", stop - lo))
    return ("ok", first, last, found, b"".join(tail))


def spawn_worker():
    """Start one worker process (a fresh interpreter: no inherited connections or locks).

    Returns (process, outbox, inbox) with multiprocessing Connections over two pipes."""
    import os
    import subprocess
    import sys
    from multiprocessing.connection import Connection
    from pathlib import Path

    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "custodian.audit.ranges", str(down_r), str(up_w)],
            pass_fds=(down_r, up_w),
            env=env,
            stdin=subprocess.DEVNULL,
        )
    finally:
        os.close(down_r)
        os.close(up_w)
    return proc, Connection(down_w, readable=False), Connection(up_r, writable=False)


if __name__ == "__main__":
    import sys
    from multiprocessing.connection import Connection

    run_worker(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
