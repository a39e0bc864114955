"""Shared set-up for the audit tests, and the attacker's tools: raw SQL with the triggers off."""

import uuid

import pytest
from django.db import connection

from custodian.audit import canonical, merkle, services

PATRONS = [str(uuid.UUID(int=i + 1)) for i in range(3)]


def append(n: int, using: str = "default") -> None:
    for i in range(n):
        services.record_access(
            using=using,
            actor=f"desk{i % 3}",
            role="desk",
            purpose="library_business",
            patron_ref=PATRONS[i % 3],
            fields=["loans.due_dates", "holds.titles"],
            outcome="release",
            clauses=["sonoma-4.2"],
            action="read" if i % 2 else "check_out",
        )


def sql(statement: str, params=()) -> list:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def disable_triggers() -> None:
    """What an attacker with database access does first."""
    if connection.vendor == "sqlite":
        names = [
            r[0]
            for r in sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%%'"
            )
        ]
        for name in names:
            sql(f"DROP TRIGGER {name}")
    else:
        for table in ("audit_auditentry", "audit_auditcheckpoint", "audit_audithead"):
            sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")


def body(seq: int) -> str:
    return sql("SELECT body FROM audit_auditentry WHERE seq = %s", [seq])[0][0]


def forge_body(*, seq: int, prev_hash: str, purpose: str = "library_business") -> str:
    return canonical.encode_body(
        prev_hash=prev_hash,
        seq=seq,
        recorded_at="2025-01-01T00:00:00.000000Z",
        actor="mallory",
        role="desk",
        action="read",
        purpose=purpose,
        patron_ref=PATRONS[0],
        fields=["loans.titles"],
        outcome="release",
        clauses=[],
    )


def insert(seq: int, text: str) -> None:
    sql("INSERT INTO audit_auditentry (seq, body) VALUES (%s, %s)", [seq, text])


def set_seq(old: int, new: int) -> None:
    sql("UPDATE audit_auditentry SET seq = %s WHERE seq = %s", [new, old])


def rechain_from(seq: int, last: int) -> None:
    """Recompute every body from `seq` to `last` so the chain is internally consistent again
    (and the head with it): the best an attacker without the signing key can do."""
    prev = canonical.entry_hash(body(seq - 1)) if seq > 1 else canonical.GENESIS_HASH
    for s in range(seq, last + 1):
        values = canonical.decode_body(body(s))
        values[canonical.PREV_HASH] = prev
        text = canonical.encode_body(
            prev_hash=prev,
            seq=s,
            recorded_at=values[canonical.RECORDED_AT],
            actor=values[canonical.ACTOR],
            role=values[canonical.ROLE],
            action=values[canonical.ACTION],
            purpose=values[canonical.PURPOSE],
            patron_ref=values[canonical.PATRON_REF],
            fields=values[canonical.FIELDS],
            outcome=values[canonical.OUTCOME],
            clauses=values[canonical.CLAUSES],
        )
        sql("UPDATE audit_auditentry SET body = %s WHERE seq = %s", [text, s])
        prev = canonical.entry_hash(text)
    rewrite_head(last)


def rewrite_head(last: int) -> None:
    frontier: list[bytes] = []
    for s in range(1, last + 1):
        merkle.append(frontier, s - 1, bytes.fromhex(canonical.entry_hash(body(s))))
    head = canonical.entry_hash(body(last)) if last else canonical.GENESIS_HASH
    sql(
        "UPDATE audit_audithead SET seq = %s, entry_hash = %s, frontier = %s WHERE id = 1",
        [last, head, merkle.frontier_to_text(frontier)],
    )


def sign_checkpoint(size: int, *, signed_at: str = "2030-01-01T00:00:00.000000Z") -> None:
    """Sign a checkpoint over the log's first `size` entries as they stand now, with the
    installation's own key: what an attacker who has stolen the key can do."""
    from custodian.audit import keys

    frontier: list[bytes] = []
    for s in range(1, size + 1):
        merkle.append(frontier, s - 1, bytes.fromhex(canonical.entry_hash(body(s))))
    root = merkle.root(frontier).hex()
    head = canonical.entry_hash(body(size))
    message = keys.checkpoint_message(
        tree_size=size, root_hash=root, head_hash=head, signed_at=signed_at
    )
    sql(
        "INSERT INTO audit_auditcheckpoint VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            size,
            root,
            head,
            merkle.frontier_to_text(frontier),
            signed_at,
            keys.own_public_key(),
            keys.sign(message),
        ],
    )


def rewrite_with_the_key(seq: int, last: int, every: int) -> None:
    """Change entry `seq`, rehash everything after it up to `last` (and the head), delete
    every checkpoint past `seq` and sign new ones in their place: the whole attack of someone
    holding both the database and the signing key. The log then verifies on its own."""
    text = body(seq).replace('"library_business"', '"law_enforcement"')
    assert text != body(seq)
    sql("UPDATE audit_auditentry SET body = %s WHERE seq = %s", [text, seq])
    rechain_from(seq + 1, last)  # with seq == last this only rewrites the head
    resign_from(seq, last, every)


def resign_from(seq: int, last: int, every: int) -> None:
    """Replace every checkpoint at or past `seq` with one signed over the log as it is now."""
    sql("DELETE FROM audit_auditcheckpoint WHERE tree_size >= %s", [seq])
    for size in range(every, last + 1, every):
        if size >= seq:
            sign_checkpoint(size)


# verify_log's keyword arguments for each way of walking the log: small chunks, one chunk,
# and two worker processes (each with its own connection: they see committed rows only).
WALKS = [
    pytest.param({"chunk_size": 3}, id="small-chunks"),
    pytest.param({"chunk_size": 1000}, id="one-chunk"),
    pytest.param(
        {"chunk_size": 3, "workers": 2},
        id="parallel",
        marks=pytest.mark.django_db(transaction=True),
    ),
]
