"""Checking the whole log: every link, every position, the signed checkpoints, the head.

The hot loop never sees a row. For each range of seqs the database hands back one byte
string: the bodies joined by 0x1E 0x00 (JSON never holds a raw 0x1E), so splitting at 0x1E
leaves every body already prefixed with the RFC 6962 leaf byte. The pieces are hashed with
`map` (no Python frame per entry) and all links of the range are compared as one byte
string: body k+1 begins with the hash of body k. Only when a range fails does a slow,
row-by-row pass run to name the first bad entry and say why.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

from custodian.audit import canonical, keys, merkle, ranges
from custodian.audit.heads import ExportedHead
from custodian.audit.parallel import Dispatch, Fault, Pool
from custodian.audit.pins import Bad as _Bad
from custodian.audit.pins import Pins, check_checkpoints, checkpoint_every, missing_checkpoint

CHUNK = 2048  # entries per round trip: amortises it, and small enough that the memory
# for one range is reused by the next (fresh pages cost a page fault each, which dominates)


_BOUNDS = "SELECT (SELECT min(seq) FROM audit_auditentry), (SELECT max(seq) FROM audit_auditentry)"
_SQL = {
    "sqlite": {
        "begin": "BEGIN DEFERRED",
        "head": "SELECT seq, entry_hash, frontier FROM audit_audithead WHERE id = 1",
        "checkpoints": (
            "SELECT tree_size, root_hash, head_hash, frontier, signed_at, public_key, signature"
            " FROM audit_auditcheckpoint ORDER BY tree_size"
        ),
        # One subquery each: SQLite answers a lone min() or max() from the primary key, but
        # both in one SELECT scan the whole table (0.2 s a million entries).
        "bounds": _BOUNDS,
        # A rowid range scan feeds group_concat in seq order. No count/min/max: seq is the
        # primary key, so stop - start bodies in (start, stop] are exactly those seqs.
        "chunk": ranges.CHUNK_SQL["sqlite"],
        "rows": "SELECT seq, body FROM audit_auditentry WHERE seq > ? AND seq <= ? ORDER BY seq",
    },
    "postgresql": {
        "begin": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        "head": "SELECT seq, entry_hash, frontier FROM audit_audithead WHERE id = 1",
        "checkpoints": (
            "SELECT tree_size, root_hash, head_hash, frontier, signed_at, public_key, signature"
            " FROM audit_auditcheckpoint ORDER BY tree_size"
        ),
        "bounds": _BOUNDS,
        "chunk": ranges.CHUNK_SQL["postgresql"],
        "rows": "SELECT seq, body FROM audit_auditentry WHERE seq > %s AND seq <= %s ORDER BY seq",
    },
}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    first_bad: int | None
    reason: str
    checkpoint: int | None = None  # tree size of the newest checkpoint that held
    seconds: float = 0.0
    workers: int = 1  # processes that hashed the log (1: this one, sequentially)
    witnessed: int | None = None  # tree size of the newest exported head that held

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0


@contextmanager
def _snapshot(using: str) -> Iterator:
    """A raw cursor that sees one consistent state of the log.

    Inside the caller's transaction that is the caller's view. Otherwise a read-only
    transaction of our own: on SQLite a deferred one, so writers keep appending (WAL) while
    a long verification runs instead of queueing behind it.
    """
    connection = connections[using]
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    own = not connection.in_atomic_block
    try:
        if own:
            cursor.execute(_SQL[connection.vendor]["begin"])
        yield cursor
    finally:
        if own:
            cursor.execute("ROLLBACK")
        cursor.close()


def _locate(
    cursor, sql: dict, start: int, stop: int, prev_hash: str, known: dict[int, str]
) -> tuple[str, bytes]:
    """Row by row over (start, stop]: raise _Bad naming the first bad entry, or return the
    last hash and the joined leaf digests if the range is sound after all."""
    cursor.execute(sql["rows"], (start, stop + 1))
    rows = cursor.fetchall()
    expected = start + 1
    digests = []
    for i, (seq, body) in enumerate(rows):
        if seq > stop:
            break
        if seq != expected:
            raise _Bad(
                expected, f"entry {expected} is missing: the log goes from {expected - 1} to {seq}"
            )
        try:
            values = canonical.decode_body(body)
        except canonical.AuditValueError:
            raise _Bad(seq, f"entry {seq} is not a well-formed audit entry (altered)") from None
        if values[canonical.SEQ] != seq:
            claimed = values[canonical.SEQ]
            raise _Bad(
                min(seq, claimed) if isinstance(claimed, int) else seq,
                f"entry {seq} holds the contents of entry {claimed}: entries were inserted, "
                "deleted or reordered",
            )
        entry_hash = canonical.entry_hash(body)
        if values[canonical.PREV_HASH] != prev_hash:
            # The link from seq-1 to seq is broken: either seq-1 changed, or seq did. If the
            # next link still holds, seq is as written, so the change is in seq-1.
            if i + 1 < len(rows) and rows[i + 1][0] == seq + 1:
                next_prev = (rows[i + 1][1] or "")[canonical.PREV_SLICE]
            else:
                next_prev = known.get(seq)
            if seq > 1 and next_prev == entry_hash:
                raise _Bad(
                    seq - 1,
                    f"entry {seq - 1} was changed after it was written "
                    f"(entry {seq} recorded a different hash for it)",
                )
            raise _Bad(
                seq,
                f"entry {seq} was changed after it was written (it no longer links to entry {seq - 1})",
            )
        digests.append(bytes.fromhex(entry_hash))
        prev_hash = entry_hash
        expected += 1
    if expected <= stop:
        raise _Bad(expected, f"entry {expected} is missing")
    return prev_hash, b"".join(digests)


def verify_log(
    *,
    using: str = DEFAULT_DB_ALIAS,
    chunk_size: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
    all_signatures: bool = True,
    workers: int = 1,
    against: list[ExportedHead] | None = None,
    every: int | None = None,
    all_roots: bool = False,
) -> VerifyResult:
    """Check the whole log. `progress(done, total)` is called after every chunk. Every
    checkpoint's signature is checked (`all_signatures` is kept for callers; it can no
    longer turn that off); `all_roots` also rebuilds every checkpoint's Merkle root from
    the entries (slower; implied by `against`).

    `against`: heads exported earlier (`heads.load`), already checked for form and
    signature; the log must still have each one's entry hash and Merkle root at its size.
    `every`: the checkpoint interval the log must show (default: the setting, as appends
    use it); a checkpoint missing at a multiple of it is a fault.

    `workers` > 1 hashes the log in that many processes, this one and `workers` - 1 started
    for the purpose, all reading the same snapshot (0: one per core, up to 4, for logs of
    parallel.AUTO_PARALLEL_FROM entries or more; see parallel.py). Inside a transaction,
    on an in-memory database, or if the workers cannot start, verification is sequential.
    The result is the same either way: if the workers find any fault, the log is walked
    again sequentially to name the first bad entry.
    """
    began = time.perf_counter()
    connection = connections[using]
    sql = _SQL[connection.vendor]
    trusted = keys.trusted_public_keys()
    every = checkpoint_every() if every is None else every
    pool = Pool.start(connection, workers)
    try:
        with _snapshot(using) as cursor:
            cursor.execute(sql["head"])
            head = cursor.fetchone() or (0, canonical.GENESIS_HASH, "")
            cursor.execute(sql["checkpoints"])
            rows = cursor.fetchall()
            good, cp_bad = check_checkpoints(rows, trusted)
            cursor.execute(sql["bounds"])
            low, high = cursor.fetchone()
            gone = missing_checkpoint({row[0] for row in rows}, max(high or 0, head[0]), every)
            if gone and (cp_bad is None or gone.seq < cp_bad.seq):
                cp_bad = gone
            walked = None
            if pool:
                pins = Pins(good, trusted, against or (), all_roots)
                walked = _walk_parallel(
                    pool, cursor, sql, head, pins, low, high or 0, chunk_size, progress
                )
            try:
                if not walked:
                    pins = Pins(good, trusted, against or (), all_roots)
                count, latest = walked or _walk(
                    cursor, sql, head, pins, low, high or 0, chunk_size, progress
                )
            except _Bad as bad:
                first = min((bad, cp_bad) if cp_bad else (bad,), key=lambda b: b.seq)
                return VerifyResult(
                    False,
                    _count(low, high),
                    first.seq,
                    first.reason,
                    None,
                    time.perf_counter() - began,
                )
    finally:
        if pool:
            pool.stop()
    seconds = time.perf_counter() - began
    n = len(pool.workers) + 1 if walked else 1
    if cp_bad:
        return VerifyResult(False, count, cp_bad.seq, cp_bad.reason, latest, seconds, n)
    return VerifyResult(True, count, None, "chain intact", latest, seconds, n, pins.witnessed)


def _walk_parallel(
    pool, cursor, sql, head, pins, low, high, chunk_size, progress
) -> tuple[int, int | None] | None:
    """`_walk` with the hashing shared between this process and the pool's workers:
    (entries, checkpoint size) if the log is sound, None if anything is off (the caller
    then walks it sequentially, with fresh pins, to name the fault)."""
    try:
        if pool.vendor == "postgresql":
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        else:
            snapshot = None
        if low is not None and low < 1:
            return None
        setup = (pool.vendor, pool.params, snapshot, chunk_size, pins.sizes, pins.tree)
        for _, outbox, _ in pool.workers:
            ranges.send(outbox, setup)
        dispatch = Dispatch(pool, high, chunk_size, progress)
        mine = ranges.Stretch(0, pins.sizes, pins.tree, canonical.GENESIS_HASH.encode())
        reader = cursor.connection.cursor()
        try:
            while (taken := dispatch.take()) is not None:
                start, stop = taken
                reader.execute(sql["chunk"], (start, stop))
                if not mine.add(stop, reader.fetchone()):
                    return None
                dispatch.mine(stop - start)
                dispatch.serve()
        finally:
            reader.close()
        stretches = [mine.result(), *(r for _, r in sorted(dispatch.finish().items()))]
        last = canonical.GENESIS_HASH.encode()
        for _, lo, hi, first, end, found, nodes in stretches:
            if lo < hi and first != last:
                return None
            last = end if lo < hi else last
            pins.fold(nodes, found)
        return _finish(high, head, last.decode(), pins)
    except (_Bad, Fault, OSError, KeyError, ValueError):
        return None


def _count(low, high) -> int:
    return 0 if high is None else high - min(low, 1) + 1


def _walk(cursor, sql, head, pins, low, high, chunk_size, progress) -> tuple[int, int | None]:
    """Stream the log; raise _Bad at the first fault. Returns (entries, checkpoint size)."""
    head_seq, head_hash, _ = head
    if low is not None and low < 1:
        raise _Bad(low, f"entry {low} sits before the first entry: it was inserted")
    known = pins.known()
    if head_seq <= high:
        known.setdefault(head_seq, head_hash)
    stretch = ranges.Stretch(0, pins.sizes, pins.tree, canonical.GENESIS_HASH.encode())
    reader = cursor.connection.cursor()  # the slow path may query while this one streams
    try:
        for start, stop, row in _ranges(reader, sql["chunk"], high, chunk_size):
            if not stretch.add(stop, row):
                _, digests = _locate(cursor, sql, start, stop, stretch.last.decode(), known)
                stretch.take(stop, digests)
            # Every pinned size in the range: its entry hash and the Merkle root up to it.
            pins.fold(stretch.nodes, stretch.found)
            stretch.nodes.clear()
            stretch.found.clear()
            if progress:
                progress(stop, high)
    finally:
        reader.close()
    return _finish(high, head, stretch.last.decode(), pins)


def _finish(count, head, last, pins) -> tuple[int, int | None]:
    head_seq, head_hash, head_frontier = head
    latest = pins.good[-1] if pins.good else None
    if latest and latest.tree_size > count:
        raise _Bad(
            count + 1,
            f"the log ends at {count} but a checkpoint covers {latest.tree_size} entries (truncated)",
        )
    pins.check_end(count)
    if head_seq > count:
        raise _Bad(
            count + 1,
            f"the log ends at {count} but the head records {head_seq} entries (truncated)",
        )
    if head_seq < count:
        raise _Bad(head_seq + 1, f"entries after {head_seq} were not appended by the audit service")
    if count and head_hash != last:
        raise _Bad(
            count, f"entry {count} does not match the head row (the newest entry was changed)"
        )
    if merkle.frontier_to_text(pins.frontier) != head_frontier:
        since = (latest.tree_size if latest else 0) + 1
        raise _Bad(since, "the head's Merkle frontier does not match the entries")
    return count, latest.tree_size if latest else None


def _ranges(cursor, query: str, high: int, chunk_size: int) -> Iterator:
    """(start, stop, aggregate row) for each range of seqs up to `high`."""
    for start in range(0, high, chunk_size):
        stop = min(start + chunk_size, high)
        yield start, stop, _fetch(cursor, query, start, stop)


def _fetch(cursor, query, start, stop):
    cursor.execute(query, (start, stop))
    return cursor.fetchone()
