"""Checking the whole log: every link, every position, the signed checkpoints, the head.

The hot loop never sees a row. For each range of seqs the database hands back one byte
string: the bodies joined by 0x1E 0x00 (JSON never holds a raw 0x1E), so splitting at 0x1E
leaves every body already prefixed with the RFC 6962 leaf byte. The pieces are hashed with
`map` (no Python frame per entry) and all links of the range are compared as one byte
string: body k+1 begins with the hash of body k. Only when a range fails does a slow,
row-by-row pass run to name the first bad entry and say why.
"""

import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

from custodian.audit import canonical, keys, merkle, ranges
from custodian.audit.parallel import Dispatch, Fault, Pool
from custodian.audit.ranges import fast_range as _fast_range

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

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class _Checkpoint:
    tree_size: int
    root_hash: str
    head_hash: str
    frontier: str
    signed_at: str
    public_key: str
    signature: str


class _Bad(Exception):
    def __init__(self, seq: int, reason: str):
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


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


def _problem(cp: _Checkpoint, trusted: frozenset[str]) -> str | None:
    """Why this checkpoint cannot be relied on, or None if it can."""
    message = keys.checkpoint_message(
        tree_size=cp.tree_size,
        root_hash=cp.root_hash,
        head_hash=cp.head_hash,
        signed_at=cp.signed_at,
    )
    if cp.public_key not in trusted:
        return "is signed by a key this installation does not trust"
    if not keys.signature_ok(public_key=cp.public_key, signature=cp.signature, message=message):
        return "has a signature that does not verify (forged or altered)"
    try:
        frontier = merkle.frontier_from_text(cp.frontier)
    except ValueError:
        frontier = []
    if not merkle.frontier_is_well_formed(frontier, cp.tree_size) or (
        merkle.root(frontier).hex() != cp.root_hash
    ):
        return "stores a Merkle frontier that does not match its signed root"
    return None


def _unreliable(good: list[_Checkpoint], i: int, problem: str) -> _Bad:
    since = (good[i - 1].tree_size if i else 0) + 1
    return _Bad(
        since,
        f"checkpoint at tree size {good[i].tree_size} {problem}; entries from {since} on are "
        "not vouched for",
    )


def _check_checkpoints(
    rows: list[tuple], trusted: frozenset[str], every: bool
) -> tuple[list[_Checkpoint], _Bad | None]:
    """The checkpoints to rely on, in order, up to the first that fails (and why it fails).

    The newest two are always checked: the truncation and Merkle checks rest on them. An
    older one is checked when the log disagrees with it (`_check_pinned`), or here if
    `every`: one Ed25519 verification per checkpoint would otherwise be a tenth of the
    time on a log checkpointed every 1,000 entries, and a wrong signature on a checkpoint
    that agrees with the log hides nothing.
    """
    cps = [_Checkpoint(*row) for row in rows]
    for i in range(0 if every else max(0, len(cps) - 2), len(cps)):
        problem = _problem(cps[i], trusted)
        if problem:
            return cps[:i], _unreliable(cps, i, problem)
    return cps, None


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
    all_signatures: bool = False,
    workers: int = 1,
) -> VerifyResult:
    """Check the whole log. `progress(done, total)` is called after every chunk;
    `all_signatures` checks every checkpoint's signature, not only those relied on.

    `workers` > 1 hashes the log in that many processes, this one and `workers` - 1 started
    for the purpose, all reading the same snapshot (0: one per core, up to 4, for logs of
    parallel.AUTO_PARALLEL_FROM entries or more; see parallel.py). Inside a transaction,
    on an in-memory database, or if the workers cannot start, verification is sequential. The result is the same either way: if the workers
    find any fault, the log is walked again sequentially to name the first bad entry.
    """
    began = time.perf_counter()
    connection = connections[using]
    sql = _SQL[connection.vendor]
    trusted = keys.trusted_public_keys()
    pool = Pool.start(connection, workers)
    try:
        with _snapshot(using) as cursor:
            cursor.execute(sql["head"])
            head = cursor.fetchone()
            cursor.execute(sql["checkpoints"])
            good, cp_bad = _check_checkpoints(cursor.fetchall(), trusted, all_signatures)
            cursor.execute(sql["bounds"])
            low, high = cursor.fetchone()
            walked = None
            if pool:
                walked = _walk_parallel(
                    pool, cursor, sql, head, good, trusted, low, high or 0, chunk_size, progress
                )
            try:
                count, latest = walked or _walk(
                    cursor, sql, head, good, trusted, low, high or 0, chunk_size, progress
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
    return VerifyResult(True, count, None, "chain intact", latest, seconds, n)


def _walk_parallel(
    pool, cursor, sql, head, good, trusted, low, high, chunk_size, progress
) -> tuple[int, int | None] | None:
    """`_walk` with the hashing shared between this process and the pool's workers:
    (entries, checkpoint size) if the log is sound, None if anything is off (the caller
    then walks it sequentially to name the fault)."""
    try:
        if pool.vendor == "postgresql":
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        else:
            snapshot = None
        if head is None:
            head = (0, canonical.GENESIS_HASH, "")
        if low is not None and low < 1:
            return None
        pinned = {cp.tree_size: i for i, cp in enumerate(good)}
        latest = good[-1] if good else None
        base = good[-2] if len(good) > 1 else None
        frontier = merkle.frontier_from_text(base.frontier) if base else []
        tree = base.tree_size if base else 0
        setup = (pool.vendor, pool.params, snapshot, chunk_size, list(pinned), tree)
        for _, outbox, _ in pool.workers:
            ranges.send(outbox, setup)
        dispatch = Dispatch(pool, high, chunk_size, progress)
        mine = ranges.Stretch(0, pinned, tree, canonical.GENESIS_HASH.encode())
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
        found: dict[int, bytes] = {}
        tails = []
        for _, lo, hi, first, end, pins, tail in stretches:
            if lo < hi and first != last:
                return None
            last = end if lo < hi else last
            found.update(pins)
            tails.append(tail)
        for size in sorted(pinned):
            if size <= high:
                _check_pinned(good, pinned[size], found[size], trusted)
        if high > tree:
            _grow(frontier, tree, tree, high, b"".join(tails), latest, good)
        return _finish(high, head, last.decode(), frontier, latest)
    except (_Bad, Fault, OSError, KeyError, ValueError):
        return None


def _count(low, high) -> int:
    return 0 if high is None else high - min(low, 1) + 1


def _walk(
    cursor, sql, head, good, trusted, low, high, chunk_size, progress
) -> tuple[int, int | None]:
    """Stream the log; raise _Bad at the first fault. Returns (entries, checkpoint size)."""
    if head is None:  # never appended to (or flushed): an empty log
        head = (0, canonical.GENESIS_HASH, "")
    head_seq, head_hash, head_frontier = head
    if low is not None and low < 1:
        raise _Bad(low, f"entry {low} sits before the first entry: it was inserted")
    known = {cp.tree_size: cp.head_hash for cp in good}
    if head_seq <= high:
        known.setdefault(head_seq, head_hash)
    pinned = {cp.tree_size: i for i, cp in enumerate(good)}
    sizes = sorted(pinned)
    # The newest checkpoint's Merkle root is rebuilt from the one before it, not from leaf 1.
    latest = good[-1] if good else None
    base = good[-2] if len(good) > 1 else None
    frontier = merkle.frontier_from_text(base.frontier) if base else []
    tree = base.tree_size if base else 0

    last = canonical.GENESIS_HASH.encode()
    reader = cursor.connection.cursor()  # the slow path may query while this one streams
    try:
        for start, stop, row in _ranges(reader, sql["chunk"], high, chunk_size):
            digests = _fast_range(start, stop, row, last)
            if digests is None:
                _, digests = _locate(cursor, sql, start, stop, last.decode(), known)
            # The pins in (start, stop], found by bisection: a log has one per 1,000 entries.
            for size in sizes[bisect_right(sizes, start) : bisect_right(sizes, stop)]:
                at = (size - start - 1) * 32
                _check_pinned(good, pinned[size], digests[at : at + 32].hex().encode(), trusted)
            if stop > tree:
                tree = _grow(frontier, tree, start, stop, digests, latest, good)
            last = digests[-32:].hex().encode()
            if progress:
                progress(stop, high)
    finally:
        reader.close()
    return _finish(high, head, last.decode(), frontier, latest)


def _check_pinned(good: list[_Checkpoint], i: int, computed: bytes, trusted) -> None:
    cp = good[i]
    if computed.decode() != cp.head_hash:
        problem = _problem(cp, trusted)
        if problem:
            raise _unreliable(good, i, problem)
        since = good[i - 1].tree_size + 1 if i else 1
        raise _Bad(
            since,
            f"entries {since}..{cp.tree_size} do not match the checkpoint signed at "
            f"{cp.signed_at} (the log was rewritten and rehashed)",
        )


def _finish(count, head, last, frontier, latest) -> tuple[int, int | None]:
    head_seq, head_hash, head_frontier = head
    if latest and latest.tree_size > count:
        raise _Bad(
            count + 1,
            f"the log ends at {count} but a checkpoint covers {latest.tree_size} entries (truncated)",
        )
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
    if merkle.frontier_to_text(frontier) != head_frontier:
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


def _grow(frontier, tree, start, stop, digests, latest, good) -> int:
    """Extend the Merkle frontier with this range's leaves, checking the newest checkpoint."""
    offset = (tree - start) * 32
    if latest and tree < latest.tree_size <= stop:
        cut = (latest.tree_size - start) * 32
        tree = merkle.extend(frontier, tree, digests[offset:cut])
        if merkle.frontier_to_text(frontier) != latest.frontier:
            since = good[-2].tree_size + 1 if len(good) > 1 else 1
            raise _Bad(
                since,
                f"the Merkle tree of entries 1..{latest.tree_size} does not match its signed checkpoint",
            )
        offset = cut
    return merkle.extend(frontier, tree, digests[offset:])
