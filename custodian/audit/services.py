"""Writing the audit log: `record_access` appends, `checkpoint` signs. Reading: `verify_log`.

An append runs inside the caller's transaction and always writes the head row *before* the
entry, so the head row's lock (the write lock on SQLite, the row lock on PostgreSQL) is held
before the entry is built on it. Concurrent appenders therefore queue on the head row and
can never share a seq or a prev_hash; the primary key on seq backs that up.

Usually it is two statements. Each connection remembers the head it last wrote (seq, entry
hash, Merkle frontier), so the next entry and the new head can be computed before touching
the database; then

1. `UPDATE audit_audithead SET seq, entry_hash, frontier = <new> WHERE id = 1 AND seq = <old
   seq> AND entry_hash = <old hash>` -- a compare-and-set that takes the lock and succeeds
   only if the head is still exactly the one remembered (the entry hash commits to the
   whole chain, so seq and hash equal means the same log and the same frontier);
2. `INSERT` of the entry.

If the compare-and-set changes no row (another connection or process appended meanwhile, a
transaction of ours rolled back, a fresh database), the append falls back to reading the
head under its lock: bump the seq with `RETURNING` the old hash and frontier, insert the
entry, store the new hash and frontier (three statements, four with the failed attempt).
Either way the bytes written are those the chain format prescribes. On PostgreSQL a
compare-and-set that has to wait for another appender's row lock re-checks its WHERE against
the head that appender committed, so it misses and falls back rather than forking.

The statements go through the driver's own cursor (`_RawCursor`), not Django's wrapper.
"""

import datetime as dt
import os
import time
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from custodian.audit import canonical, heads, keys, merkle, policy_versions
from custodian.audit.models import AuditCheckpoint, AuditEntry
from custodian.audit.pins import checkpoint_every
from custodian.audit.verify import VerifyResult, verify_log

__all__ = [
    "VerifyResult",
    "append_access",
    "checkpoint",
    "export_head",
    "raw_cursor",
    "record_access",
    "verify_log",
]

_BUMP_HEAD = (
    "UPDATE audit_audithead SET seq = seq + 1 WHERE id = 1 RETURNING seq, entry_hash, frontier"
)
_LOCK_HEAD = "UPDATE audit_audithead SET seq = seq WHERE id = 1 RETURNING seq, entry_hash, frontier"
# The head row is created on first use, so a freshly flushed database (tests) just works.
_CREATE_HEAD = (
    "INSERT INTO audit_audithead (id, seq, entry_hash, frontier) VALUES (1, 0, %s, '')"
    " ON CONFLICT (id) DO NOTHING"
)
# The compare-and-set of the usual path: the new head, only if the old one is as remembered.
_ADVANCE_HEAD = (
    "UPDATE audit_audithead SET seq = %s, entry_hash = %s, frontier = %s"
    " WHERE id = 1 AND seq = %s AND entry_hash = %s"
)
_INSERT_ENTRY = "INSERT INTO audit_auditentry (seq, body) VALUES (%s, %s)"
_SET_HEAD = "UPDATE audit_audithead SET entry_hash = %s, frontier = %s WHERE id = 1"
_INSERT_CHECKPOINT = (
    "INSERT INTO audit_auditcheckpoint"
    " (tree_size, root_hash, head_hash, frontier, signed_at, public_key, signature)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s)"
)


def _head(cursor, statement: str) -> tuple[int, str, str]:
    cursor.execute(statement)
    row = cursor.fetchone()
    if row is None:
        cursor.execute(_CREATE_HEAD, [canonical.GENESIS_HASH])
        cursor.execute(statement)
        row = cursor.fetchone()
    return row


_HASH = canonical._HASH
_DRAFT_LINK = f'["{canonical.GENESIS_HASH}",{canonical.VERSION},1,'


def _with_link(draft: str, *, prev_hash: str, seq: int) -> str:
    """The body `encode_body` gives for (prev_hash, seq), from the validated draft body with
    (GENESIS_HASH, 1): the link opens the body, and the rest was validated and encoded once."""
    if not (_HASH.fullmatch(prev_hash) and isinstance(seq, int) and seq >= 1):
        raise canonical.AuditValueError("the head row holds no valid link")
    if not draft.startswith(_DRAFT_LINK):
        raise canonical.AuditValueError("draft body does not start with the genesis link")
    return f'["{prev_hash}",{canonical.VERSION},{seq},{draft[len(_DRAFT_LINK) :]}'


# Attribute of Django's per-thread connection object holding (seq, entry_hash, frontier) of
# the head this connection last wrote. Only ever a guess: the compare-and-set checks it.
_REMEMBERED = "_custodian_audit_head"


class _Head(NamedTuple):
    entry_hash: str
    frontier: list[bytes]
    frontier_text: str


def _next(draft: str, size: int, prev_hash: str, frontier: list[bytes]) -> tuple:
    """Entry `size` + 1 on top of a head of `size` entries: (seq, prev_hash, body, new head).
    `frontier` is not changed (a remembered one may still be needed if the append fails)."""
    seq = size + 1
    body = _with_link(draft, prev_hash=prev_hash, seq=seq)
    entry_hash = canonical.entry_hash(body)
    frontier = frontier.copy()
    merkle.append(frontier, size, bytes.fromhex(entry_hash))
    return seq, prev_hash, body, _Head(entry_hash, frontier, merkle.frontier_to_text(frontier))


class _RawCursor:
    """The driver's own cursor for fixed statements written with %s (and no other % or ?):
    Django's cursor wrapper costs about as much Python per statement as SQLite takes to run
    one. Kept from Django: errors still become django.db errors, a transaction already
    marked for rollback is still refused, and if Django logs queries (DEBUG,
    CaptureQueriesContext) when the cursor is opened, its statements are logged too. Not
    kept: execute wrappers."""

    __slots__ = ("_cursor", "_connection", "_qmark", "_log", "db")

    def __init__(self, connection):
        connection.validate_no_broken_transaction()
        self._connection = self.db = connection  # `db`: as on Django's cursor wrapper
        self._cursor = connection.connection.cursor()
        self._qmark = connection.vendor == "sqlite"
        self._log = connection.queries_logged

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._cursor.close()

    def execute(self, sql, params=()):
        self._connection.validate_no_broken_transaction()
        if self._qmark:  # sqlite3 takes ?
            sql = sql.replace("%s", "?")
        began = time.monotonic() if self._log else 0.0
        try:
            self._cursor.execute(sql, params)
        except Exception:
            with self._connection.wrap_database_errors:  # re-raised as django.db's error
                raise
        if self._log:
            took = time.monotonic() - began
            self._connection.queries_log.append({"sql": sql, "time": f"{took:.3f}"})

    def fetchone(self):
        return self._cursor.fetchone()

    def fetchall(self):
        return self._cursor.fetchall()

    @property
    def rowcount(self):
        return self._cursor.rowcount


def raw_cursor(connection) -> _RawCursor:
    """A `_RawCursor` on this Django connection (opened if need be); use it as a context
    manager. For hot paths whose statements are fixed strings."""
    # The wrapper itself, not `django.db.connection`: every attribute read through that
    # proxy is a thread-local lookup, and the cursor reads a few per statement.
    connection = connections[connection.alias]
    connection.ensure_connection()
    return _RawCursor(connection)


def record_access(
    *,
    actor: str,
    role: str,
    purpose: str,
    patron_ref: str | None,
    fields: list[str],
    outcome: str,
    clauses: list[str],
    action: str = "read",
    using: str = DEFAULT_DB_ALIAS,
) -> AuditEntry:
    """Append one entry in the caller's transaction and return it."""
    seq, body, prev_hash, now, values = _append(
        using, actor, role, action, purpose, patron_ref, fields, outcome, clauses
    )
    return AuditEntry.from_db(
        using,
        ["seq", "body", "prev_hash", *values],
        [seq, body, prev_hash, now.astimezone(dt.UTC), *list(values.values())[1:]],
    )


_ENTRY_KEYWORDS = {"actor", "role", "purpose", "patron_ref", "fields", "outcome", "clauses"}


def append_access(*, using: str = DEFAULT_DB_ALIAS, action: str = "read", **entry) -> int:
    """`record_access` (the same keywords, the same append) for a caller that does not use
    the entry: returns its seq without building a model instance, which is ~5 % of a
    check-out's Python (the door's)."""
    if entry.keys() != _ENTRY_KEYWORDS:
        raise TypeError(f"append_access takes {sorted(_ENTRY_KEYWORDS)}, got {sorted(entry)}")
    return _append(
        using,
        entry["actor"],
        entry["role"],
        action,
        entry["purpose"],
        entry["patron_ref"],
        entry["fields"],
        entry["outcome"],
        entry["clauses"],
    )[0]


def _append(using, actor, role, action, purpose, patron_ref, fields, outcome, clauses) -> tuple:
    """The append: (seq, body, prev_hash, time, the body's other values by name)."""
    # The policy version in force is on record, from a time before the entry's, before any
    # entry it decided (usually a no-op: each connection remembers the version it noted).
    policy_versions.note_in_force(using=using)
    now = timezone.now()
    recorded_at = canonical.timestamp(now)
    values = dict(
        recorded_at=recorded_at,
        actor=actor,
        role=role,
        action=action,
        purpose=purpose,
        patron_ref=patron_ref or "",
        fields=list(fields),
        outcome=outcome,
        clauses=list(clauses),
    )
    # Validate before taking the lock: a bad call must not hold up the other desks.
    draft = canonical.encode_body(
        prev_hash=canonical.GENESIS_HASH, seq=1, trusted_time=True, **values
    )
    # No savepoint of its own: inside a caller's transaction a failed append fails that
    # whole transaction (Django marks it for rollback), so nothing commits without its entry.
    connection = connections[using]
    with transaction.atomic(using=using, savepoint=False), raw_cursor(connection) as cursor:
        remembered = getattr(connection, _REMEMBERED, None)
        if remembered is not None:
            seq, prev_hash, body, head = _next(draft, *remembered)
            cursor.execute(
                _ADVANCE_HEAD, [seq, head.entry_hash, head.frontier_text, *remembered[:2]]
            )
            if cursor.rowcount != 1:
                remembered = None  # the head moved without us: read it under its lock
        if remembered is None:
            seq, prev_hash, frontier_text = _head(cursor, _BUMP_HEAD)
            frontier = merkle.frontier_from_text(frontier_text)
            seq, prev_hash, body, head = _next(draft, seq - 1, prev_hash, frontier)
            cursor.execute(_INSERT_ENTRY, [seq, body])
            cursor.execute(_SET_HEAD, [head.entry_hash, head.frontier_text])
        else:
            cursor.execute(_INSERT_ENTRY, [seq, body])
        every = checkpoint_every()
        if every and seq % every == 0:
            _write_checkpoint(
                cursor, tree_size=seq, head_hash=head.entry_hash, frontier=head.frontier
            )
    # Remembered only once the statements succeeded. If the caller's transaction rolls back
    # later, the next compare-and-set simply misses and the head is read again.
    setattr(connection, _REMEMBERED, (seq, head.entry_hash, head.frontier))
    return seq, body, prev_hash, now, values


def checkpoint(*, using: str = DEFAULT_DB_ALIAS) -> AuditCheckpoint | None:
    """Sign the log as it stands now (None while it is empty). Idempotent per tree size."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        seq, head_hash, frontier_text = _head(cursor, _LOCK_HEAD)
        if seq == 0:
            return None
        existing = AuditCheckpoint.objects.using(using).filter(tree_size=seq).first()
        if existing is None:
            frontier = merkle.frontier_from_text(frontier_text)
            _write_checkpoint(cursor, tree_size=seq, head_hash=head_hash, frontier=frontier)
            existing = AuditCheckpoint.objects.using(using).get(tree_size=seq)
        return existing


def export_head(
    *, path: str, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> tuple[heads.ExportedHead, bool]:
    """Sign the log as it stands and append that head to the heads file at `path` (the
    witness kept outside the database); returns (head, whether a line was added).

    Refuses (HeadsFileError, nothing written) a file inside the data folder or beside the
    database unless `force`, a file that is not a valid heads file, and a log that no longer
    matches the newest head already exported: exporting then would vouch for a rewrite."""
    path = os.path.expanduser(path)
    if not force:
        heads.check_location(path)
    trusted = keys.trusted_public_keys()
    exported = heads.load(path, trusted=trusted) if os.path.exists(path) else []
    cp = checkpoint(using=using)
    if cp is None:
        raise heads.HeadsFileError("the audit log is empty; there is no head to export")
    head = heads.ExportedHead(
        cp.tree_size, cp.root_hash, cp.head_hash, cp.signed_at, cp.public_key, cp.signature
    )
    if why := head.problem(trusted):
        raise heads.HeadsFileError(
            f"the newest checkpoint {why}; run `custodian audit verify` before exporting"
        )
    newest = max(exported, key=lambda h: h.tree_size, default=None)
    if newest is not None:
        entry = AuditEntry.objects.using(using).filter(seq=newest.tree_size).first()
        if entry is None or entry.entry_hash != newest.head_hash:
            raise heads.HeadsFileError(
                f"the log no longer matches the head exported at {newest.signed_at} (line "
                f"{newest.line}, {newest.tree_size} entries): it was truncated or rewritten; "
                f"run `custodian audit verify --against {path}`"
            )
        if newest.tree_size == head.tree_size:
            return newest, False
    heads.append(path, head)
    return head, True


def _write_checkpoint(cursor, *, tree_size: int, head_hash: str, frontier: list[bytes]) -> None:
    root_hash = merkle.root(frontier).hex()
    signed_at = canonical.timestamp(timezone.now())
    message = keys.checkpoint_message(
        tree_size=tree_size, root_hash=root_hash, head_hash=head_hash, signed_at=signed_at
    )
    cursor.execute(
        _INSERT_CHECKPOINT,
        [
            tree_size,
            root_hash,
            head_hash,
            merkle.frontier_to_text(frontier),
            signed_at,
            keys.own_public_key(),
            keys.sign(message),
        ],
    )
