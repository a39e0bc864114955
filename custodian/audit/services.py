"""Writing the audit log: `record_access` appends, `checkpoint` signs. Reading: `verify_log`.

An append is three statements inside the caller's transaction: bump the head row (which
takes the write lock, on PostgreSQL the row lock, before anything is read), insert the
entry, store the new head hash and Merkle frontier. Concurrent appenders therefore queue on
the head row and can never share a seq or a prev_hash; the primary key on seq backs that up.
"""

import datetime as dt
import os
import re

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from custodian.audit import canonical, keys, merkle
from custodian.audit.models import AuditCheckpoint, AuditEntry
from custodian.audit.verify import VerifyResult, verify_log

__all__ = ["VerifyResult", "checkpoint", "record_access", "verify_log"]

DEFAULT_CHECKPOINT_EVERY = 1000

_BUMP_HEAD = (
    "UPDATE audit_audithead SET seq = seq + 1 WHERE id = 1 RETURNING seq, entry_hash, frontier"
)
_LOCK_HEAD = "UPDATE audit_audithead SET seq = seq WHERE id = 1 RETURNING seq, entry_hash, frontier"
# The head row is created on first use, so a freshly flushed database (tests) just works.
_CREATE_HEAD = (
    "INSERT INTO audit_audithead (id, seq, entry_hash, frontier) VALUES (1, 0, %s, '')"
    " ON CONFLICT (id) DO NOTHING"
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


_HASH = re.compile(r"[0-9a-f]{64}")
_DRAFT_LINK = f'["{canonical.GENESIS_HASH}",{canonical.VERSION},1,'


def _with_link(draft: str, *, prev_hash: str, seq: int) -> str:
    """The body `encode_body` gives for (prev_hash, seq), from the validated draft body with
    (GENESIS_HASH, 1): the link opens the body, and the rest was validated and encoded once."""
    if not (_HASH.fullmatch(prev_hash) and isinstance(seq, int) and seq >= 1):
        raise canonical.AuditValueError("the head row holds no valid link")
    if not draft.startswith(_DRAFT_LINK):
        raise canonical.AuditValueError("draft body does not start with the genesis link")
    return f'["{prev_hash}",{canonical.VERSION},{seq},{draft[len(_DRAFT_LINK) :]}'


def checkpoint_every() -> int:
    """Entries between automatic checkpoints (0 turns them off)."""
    value = getattr(settings, "CUSTODIAN_AUDIT_CHECKPOINT_EVERY", None)
    if value is None:
        value = os.environ.get("CUSTODIAN_AUDIT_CHECKPOINT_EVERY", DEFAULT_CHECKPOINT_EVERY)
    return int(value)


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
    draft = canonical.encode_body(prev_hash=canonical.GENESIS_HASH, seq=1, **values)
    # No savepoint of its own: inside a caller's transaction a failed append fails that
    # whole transaction (Django marks it for rollback), so nothing commits without its entry.
    with transaction.atomic(using=using, savepoint=False), connections[using].cursor() as cursor:
        seq, prev_hash, frontier_text = _head(cursor, _BUMP_HEAD)
        body = _with_link(draft, prev_hash=prev_hash, seq=seq)
        entry_hash = canonical.entry_hash(body)
        frontier = merkle.frontier_from_text(frontier_text)
        merkle.append(frontier, seq - 1, bytes.fromhex(entry_hash))
        cursor.execute(_INSERT_ENTRY, [seq, body])
        cursor.execute(_SET_HEAD, [entry_hash, merkle.frontier_to_text(frontier)])
        every = checkpoint_every()
        if every and seq % every == 0:
            _write_checkpoint(cursor, tree_size=seq, head_hash=entry_hash, frontier=frontier)
    return AuditEntry.from_db(
        using,
        ["seq", "body", "prev_hash", *values],
        [seq, body, prev_hash, now.astimezone(dt.UTC), *list(values.values())[1:]],
    )


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
