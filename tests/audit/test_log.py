"""Appending, reading back, append-only guards, the Merkle tree and the CLI."""

import datetime as dt
import hashlib
import os
import stat
import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from typer.testing import CliRunner

from custodian.audit import canonical, keys, merkle, selectors, services
from custodian.audit.models import AppendOnlyError, AuditCheckpoint, AuditEntry
from tests.audit import helpers as h

REF = str(uuid.uuid4())


def record(**overrides):
    values = dict(
        actor="alice",
        role="desk",
        purpose="library_business",
        patron_ref=REF,
        fields=["loans.due_dates"],
        outcome="release",
        clauses=["sonoma-4.2"],
    )
    values.update(overrides)
    return services.record_access(**values)


@pytest.mark.django_db
def test_entries_chain_and_read_back():
    first = record()
    second = record(action="check_out", patron_ref=None, fields=[], clauses=[])
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == canonical.GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    stored = AuditEntry.objects.get(seq=2)
    assert stored.entry_hash == second.entry_hash
    assert (stored.action, stored.patron_ref, stored.fields, stored.clauses) == (
        "check_out",
        "",
        [],
        [],
    )
    assert stored.recorded_at.tzinfo is not None
    assert AuditEntry.objects.get(seq=1).fields == ["loans.due_dates"]


@pytest.mark.django_db
def test_entry_hash_is_the_rfc6962_leaf_of_the_body():
    entry = record()
    assert entry.entry_hash == hashlib.sha256(b"\x00" + entry.body.encode()).hexdigest()


@pytest.mark.django_db
def test_an_entry_never_exists_without_its_act():
    with pytest.raises(RuntimeError), transaction.atomic():
        record()
        raise RuntimeError("the read failed")
    assert AuditEntry.objects.count() == 0
    assert record().seq == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"patron_ref": "Ada Reader"},
        {"patron_ref": "21000000000001"},
        {"actor": "21000000000001"},
        {"actor": ""},
        {"purpose": "read the file\n"},
        {"fields": ["Ada Reader"]},
        {"role": "desk staff"},
    ],
)
@pytest.mark.django_db
def test_personal_data_is_refused(overrides):
    with pytest.raises(canonical.AuditValueError):
        record(**overrides)
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_orm_refuses_updates_and_deletes():
    entry = record()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=1).update(body="{}")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.create(seq=5, body="[]")


@pytest.mark.django_db
def test_database_triggers_refuse_updates_and_deletes():
    record()
    services.checkpoint()
    for statement in (
        "UPDATE audit_auditentry SET body = body WHERE seq = 1",
        "DELETE FROM audit_auditentry WHERE seq = 1",
        "UPDATE audit_auditcheckpoint SET root_hash = root_hash",
        "DELETE FROM audit_auditcheckpoint",
        "UPDATE audit_audithead SET seq = 0",
        "DELETE FROM audit_audithead",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert services.verify_log().ok


@pytest.mark.django_db
def test_checkpoints_are_written_every_n_entries(settings):
    settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY = 4
    h.append(9)
    assert list(AuditCheckpoint.objects.values_list("tree_size", flat=True)) == [4, 8]
    cp = services.checkpoint()
    assert cp.tree_size == 9 and services.checkpoint().tree_size == 9  # idempotent
    leaves = [bytes.fromhex(e.entry_hash) for e in AuditEntry.objects.all()]
    assert cp.root_hash == merkle.reference_root(leaves).hex()
    message = keys.checkpoint_message(
        tree_size=9, root_hash=cp.root_hash, head_hash=cp.head_hash, signed_at=cp.signed_at
    )
    assert keys.signature_ok(public_key=cp.public_key, signature=cp.signature, message=message)
    result = services.verify_log()
    assert result.ok and result.checkpoint == 9


@pytest.mark.django_db
def test_empty_log_verifies():
    result = services.verify_log()
    assert result.ok and result.count == 0
    assert services.checkpoint() is None


@pytest.mark.django_db(transaction=True)
def test_parallel_verification_agrees_and_lets_appends_through(settings):
    settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY = 4
    h.append(23)
    seen = []
    result = services.verify_log(chunk_size=2, workers=3, progress=lambda d, t: seen.append(d))
    assert result.ok and result.count == 23 and result.checkpoint == 20
    assert result.workers == 3 and seen[-1] == 23
    # More workers than chunks: the spare ones get nothing to do.
    assert services.verify_log(chunk_size=1000, workers=3).ok
    # The write lock taken while the workers join the snapshot has been given back.
    h.append(1)
    one, two = (services.verify_log(chunk_size=5, workers=w) for w in (1, 2))
    assert (one.ok, one.count, one.checkpoint, one.workers) == (True, 24, 24, 1)
    assert (two.ok, two.count, two.checkpoint, two.workers) == (True, 24, 24, 2)
    assert services.verify_log(workers=2).count == 24


@pytest.mark.django_db(transaction=True)
def test_parallel_verification_sees_the_callers_snapshot_or_none():
    h.append(5)
    with transaction.atomic():
        h.append(1)  # uncommitted: other processes cannot see it, so no workers here
        result = services.verify_log(workers=2)
        assert result.ok and result.count == 6 and result.workers == 1
    # `workers=0` (auto) stays sequential for a short log.
    assert services.verify_log(workers=0).workers == 1


@pytest.mark.parametrize("n", [*range(0, 20), 31, 32, 33, 100])
def test_frontier_root_matches_rfc6962(n):
    leaves = [hashlib.sha256(bytes([i % 256, i // 256])).digest() for i in range(n)]
    frontier: list[bytes] = []
    for i, leaf in enumerate(leaves):
        merkle.append(frontier, i, leaf)
    assert merkle.frontier_is_well_formed(frontier, n)
    assert merkle.root(frontier) == merkle.reference_root(leaves)
    assert merkle.frontier_from_text(merkle.frontier_to_text(frontier)) == frontier


def test_rfc6962_known_answer():
    # Empty tree and single-leaf tree, from RFC 6962 definitions.
    assert (
        merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    leaf = hashlib.sha256(b"\x00" + b"").digest()
    assert merkle.reference_root([leaf]) == leaf


@pytest.mark.django_db
def test_selectors_by_patron_and_time():
    other = str(uuid.uuid4())
    record()
    record(patron_ref=other)
    record()
    assert [e.seq for e in selectors.entries_for_patron(patron_ref=REF)] == [3, 1]
    assert [e.seq for e in selectors.entries_for_patron(patron_ref=other)] == [2]
    now = dt.datetime.now(dt.UTC)
    assert [
        e.seq
        for e in selectors.entries_between(
            start=now - dt.timedelta(hours=1), end=now + dt.timedelta(seconds=1)
        )
    ] == [1, 2, 3]
    assert not selectors.entries_between(
        start=now - dt.timedelta(hours=2), end=now - dt.timedelta(hours=1)
    ).exists()


def test_signing_key_file_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("CUSTODIAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    keys.signing_key.cache_clear()
    try:
        public = keys.own_public_key()
        path = tmp_path / keys.KEY_FILE
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        keys.signing_key.cache_clear()
        assert keys.own_public_key() == public  # generated once, then reused
    finally:
        keys.signing_key.cache_clear()


def test_signing_key_from_environment(monkeypatch):
    import base64

    monkeypatch.setenv(keys.KEY_ENV, base64.b64encode(b"k" * 32).decode())
    keys.signing_key.cache_clear()
    try:
        assert keys.trusted_public_keys() == {keys.own_public_key()}
        monkeypatch.setenv(keys.PUBLIC_KEYS_ENV, keys.own_public_key())
        assert keys.trusted_public_keys() == {keys.own_public_key()}
    finally:
        keys.signing_key.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_cli_verify_reports_count_and_first_bad_entry():
    from custodian.cli import app

    h.append(7)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--quiet"])
    assert ok.exit_code == 0, ok.output
    par = runner.invoke(app, ["audit", "verify", "--quiet", "--workers", "2"])
    assert par.exit_code == 0 and "hashed by 2 processes in parallel" in par.output, par.output
    assert "entries: 7" in ok.output and "chain intact" in ok.output
    cp = runner.invoke(app, ["audit", "checkpoint"])
    assert cp.exit_code == 0 and "tree_size 7" in cp.output
    tail = runner.invoke(app, ["audit", "tail", "-n", "2"])
    assert tail.exit_code == 0
    with transaction.atomic():
        h.disable_triggers()
        text = h.body(4).replace('"release"', '"deny"')
        h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = 4", [text])
        bad = runner.invoke(app, ["audit", "verify", "--quiet"])
        transaction.set_rollback(True)
    assert bad.exit_code == 1
    assert "first bad entry: 4" in bad.output


# The usual append is a compare-and-set on the head this connection remembers; whenever the
# head is not the remembered one it must read the head under its lock and chain to that.


@pytest.mark.django_db
def test_an_append_rolled_back_is_not_chained_to():
    record()
    with pytest.raises(RuntimeError), transaction.atomic():
        record()  # remembered as the head, then rolled back
        raise RuntimeError
    third = record()
    assert third.seq == 2 and third.prev_hash == AuditEntry.objects.get(seq=1).entry_hash
    assert services.verify_log().ok


@pytest.mark.django_db
def test_an_append_by_another_writer_is_chained_to():
    record()
    remembered = getattr(connection, services._REMEMBERED)
    record()  # "another writer": afterwards this connection is made to forget it wrote it
    setattr(connection, services._REMEMBERED, remembered)
    third = record()
    assert third.seq == 3 and third.prev_hash == AuditEntry.objects.get(seq=2).entry_hash
    head = h.sql("SELECT seq, entry_hash, frontier FROM audit_audithead")[0]
    assert head[:2] == (3, third.entry_hash)
    assert services.verify_log().ok


@pytest.mark.django_db
def test_a_remembered_head_of_another_database_is_not_used():
    # Same seq, different hash (another log, or a rewritten head): the guess must miss.
    record()
    seq, _, frontier = getattr(connection, services._REMEMBERED)
    setattr(connection, services._REMEMBERED, (seq, "ab" * 32, frontier))
    second = record()
    assert second.seq == 2 and second.prev_hash == AuditEntry.objects.get(seq=1).entry_hash
    assert services.verify_log().ok
