"""The hot path of verification, and the worker processes that run it in parallel. No Django.

`fast_range` checks one range of seqs from the single byte string the database returns for
it (bodies joined by 0x1E 0x00): it hashes every body with `map` (no Python frame per
entry) and compares all links of the range as one byte string.

`run_worker` is the body of one worker process of a parallel verification. It opens its
own connection, joins the parent's snapshot (PostgreSQL: `SET TRANSACTION SNAPSHOT`;
SQLite: the parent holds the write lock until every worker has started reading, so all see
the same committed state), then checks each block of seqs it is sent with `Stretch` and
sends back only what the parent needs: the link into the block, the hash at its end, the
hashes at checkpoint positions, and the roots of the perfect Merkle subtrees its leaves
make up (a few dozen per block: the parent folds them into the whole tree and checks every
checkpoint's root). The parent walks the same way (`Stretch`) from the bottom of the log while the
workers take blocks from the top. A worker never names a bad entry: on any fault it says
so and the parent re-walks the log sequentially, in its own snapshot, to name the first.

A worker's start-up is on the critical path (the SQLite write lock is held until it is
reading), so this module imports only what the worker needs: no `canonical` (json,
datetime, re), no `multiprocessing` (~30 ms); messages are `marshal`led in the framing of
`multiprocessing.connection.Connection`, which the parent uses.
"""

import hashlib
import marshal
import os
import struct
from operator import itemgetter, methodcaller

# canonical.PREV_SLICE and canonical.GENESIS_HASH, here so that the worker need not import
# canonical (tests/audit check they agree).
PREV_SLICE = slice(2, 66)
GENESIS = b"0" * 64

_sha256 = hashlib.sha256
_digest = methodcaller("digest")
_prev_of = itemgetter(slice(1 + PREV_SLICE.start, 1 + PREV_SLICE.stop))
_pairs = struct.Struct("64s").iter_unpack
_first = itemgetter(0)
_as_node = b"\x01".__add__

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


def perfect_root(leaves: bytes) -> bytes:
    """The RFC 6962 root of 2**k concatenated leaf hashes, a level at a time with `map`
    (no Python frame per node: the whole tree costs about what hashing the leaves did)."""
    while len(leaves) > 32:
        leaves = b"".join(map(_digest, map(_sha256, map(_as_node, map(_first, _pairs(leaves))))))
    return leaves


def subtrees(offset: int, digests: bytes) -> list[tuple[int, bytes]]:
    """(height, root) of the aligned perfect subtrees that leaves offset+1.. (`digests`) make
    up, in order: folded into the frontier of `offset` leaves with `merkle.add_subtree`,
    they give the frontier after the last of them."""
    out = []
    n, at = len(digests) // 32, 0
    while at < n:
        pos = offset + at
        size = pos & -pos if pos else 1 << 62  # the largest block aligned at pos
        while size > n - at:
            size >>= 1
        out.append((size.bit_length() - 1, perfect_root(digests[at * 32 : (at + size) * 32])))
        at += size
    return out


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


_SNAPSHOT_CHARS = frozenset("0123456789ABCDEFabcdef-")


def send(connection, message) -> None:
    """Send to a worker, or from the parent's side of a pipe (a multiprocessing Connection)."""
    connection.send_bytes(marshal.dumps(message))


def receive(connection):
    return marshal.loads(connection.recv_bytes())  # noqa: S302 - our own worker, private pipe


def _read(fd: int, n: int) -> bytes:
    data = b""
    while len(data) < n:
        more = os.read(fd, n - len(data))
        if not more:
            raise EOFError("the parent closed the pipe")
        data += more
    return data


def _worker_receive(fd: int):
    size = int.from_bytes(_read(fd, 4), "big", signed=True)
    return marshal.loads(_read(fd, size))  # noqa: S302 - from our parent, private pipe


def _worker_send(fd: int, message) -> None:
    data = marshal.dumps(message)
    view = memoryview(len(data).to_bytes(4, "big", signed=True) + data)
    while view:
        view = view[os.write(fd, view) :]


class Stretch:
    """What the parent needs from a contiguous stretch of seqs checked range by range: the
    link into it, the hash at its end, the hashes at pinned positions (`found`: checkpoints
    and exported heads) and the Merkle subtrees of its leaves past `tree` (`nodes`), split
    at the pins so that the parent's fold passes through every pinned size.

    `first` is the hex hash entry `lo` must have, or None to take the link from the first
    body (a worker's stretch: the parent joins it to the stretch before)."""

    def __init__(self, lo: int, pins, tree: int = 0, first: bytes | None = None):
        self.lo = self.hi = lo
        self.first = self.last = first
        self.pins = sorted(p for p in pins if p > lo)
        self.tree = tree  # leaves up to here are in the parent's tree already: no subtrees
        self.found: dict[int, bytes] = {}
        self.nodes: list[tuple[int, bytes]] = []

    def add(self, stop: int, row: tuple | None) -> bool:
        """Check the range (self.hi, stop] from its aggregate row; False if anything is off."""
        start = self.hi
        if self.last is None:
            blob = row[0] if row else None
            self.first = self.last = blob[PREV_SLICE] if blob else b""
        digests = fast_range(start, stop, row, self.last)
        if digests is None:
            return False
        self.take(stop, digests)
        return True

    def take(self, stop: int, digests: bytes) -> None:
        """Record the checked leaf digests of (self.hi, stop]."""
        start = self.hi
        pins = self.pins
        cut = max(start, min(self.tree, stop))
        while pins and pins[0] <= stop:
            pin = pins.pop(0)
            self.found[pin] = digests[(pin - start - 1) * 32 : (pin - start) * 32].hex().encode()
            if pin > cut:
                self.nodes += subtrees(cut, digests[(cut - start) * 32 : (pin - start) * 32])
                cut = pin
        self.nodes += subtrees(cut, digests[(cut - start) * 32 :])
        self.last = digests[-32:].hex().encode()
        self.hi = stop

    def result(self) -> tuple:
        return ("ok", self.lo, self.hi, self.first, self.last, self.found, self.nodes)


def check_stretch(cursor, query: str, lo: int, hi: int, chunk_size: int, stretch: Stretch):
    """Feed (lo, hi] to `stretch` range by range; False at the first range that is off."""
    for start in range(lo, hi, chunk_size):
        stop = min(start + chunk_size, hi)
        cursor.execute(query, (start, stop))
        if not stretch.add(stop, cursor.fetchone()):
            return False
    return True


def run_worker(inbox: int, pipe: int) -> None:
    """One worker (reading and writing the two pipe descriptors): take the set-up, connect,
    join the snapshot, say "ready", then check each block (lo, hi] it is sent, answering
    with its Stretch result, until it is sent None."""
    try:
        setup = _worker_receive(inbox)
        if setup is None:
            return
        vendor, params, snapshot, chunk_size, pins, tree = setup
        db = connect(vendor, params)
        cursor = db.cursor()
        if vendor == "sqlite":
            cursor.execute("BEGIN DEFERRED")
            cursor.execute("SELECT max(seq) FROM audit_auditentry")  # the snapshot starts here
            cursor.fetchall()
        else:
            if not snapshot or not _SNAPSHOT_CHARS.issuperset(snapshot):
                raise ValueError("not a snapshot id")
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        _worker_send(pipe, ("ready",))
        query = CHUNK_SQL[vendor]
        while (block := _worker_receive(inbox)) is not None:
            lo, hi = block
            stretch = Stretch(lo, pins, tree)
            if check_stretch(cursor, query, lo, hi, chunk_size, stretch):
                _worker_send(pipe, stretch.result())
            else:
                _worker_send(pipe, ("bad", lo))
        cursor.execute("ROLLBACK")
        db.close()
    except Exception as exc:  # the parent falls back to the sequential walk
        try:
            _worker_send(pipe, ("error", f"{type(exc).__name__}: {exc}"))
        except OSError:
            pass  # the parent has gone


# -c rather than -m: runpy's imports are start-up time too.
_BOOT = "import sys; from custodian.audit.ranges import run_worker as r; r(*map(int, sys.argv[1:]))"


def spawn_worker():
    """Start one worker process (a fresh interpreter: no inherited connections or locks).

    Returns (process, outbox, inbox) with multiprocessing Connections over two pipes."""
    import subprocess
    import sys
    from multiprocessing.connection import Connection
    from pathlib import Path

    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    # -S skips `site` (a third of the start-up); this process's path still finds the driver.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, *sys.path]))
    try:
        proc = subprocess.Popen(
            [sys.executable, "-S", "-c", _BOOT, str(down_r), str(up_w)],
            pass_fds=(down_r, up_w),
            env=env,
            stdin=subprocess.DEVNULL,
        )
    finally:
        os.close(down_r)
        os.close(up_w)
    return proc, Connection(down_w, readable=False), Connection(up_r, writable=False)
