"""Shared set-up for the audit tests, and the attacker's tools: raw SQL with the triggers off."""

import uuid

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
