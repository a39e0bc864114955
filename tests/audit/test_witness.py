"""Checkpoints that are deleted or edited, and signed heads exported outside the database.

The attacks of issue 7, finding 4, carried out with direct database access (triggers
dropped) and, where it says so, with the signing key too; each test asserts that
verification now names the first bad entry or the missing checkpoint.
"""

import pytest

from custodian.audit import heads, services
from tests.audit import helpers as h

pytestmark = pytest.mark.django_db

EVERY = 5
N = 22  # checkpoints at 5, 10, 15 and 20


@pytest.fixture(params=h.WALKS)
def chunk(request, settings):
    """verify_log's keyword arguments for each way of walking the log."""
    settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY = EVERY
    return request.param


def build(n: int = N) -> None:
    h.append(n)
    assert services.verify_log().ok


def verify(chunk, **kwargs):
    return services.verify_log(**chunk, **kwargs)


def export(path) -> heads.ExportedHead:
    head, added = services.export_head(path=str(path))
    assert added
    return head


# --- deleting checkpoints -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deleted", "first_bad", "named"),
    [
        pytest.param([10], 6, 10, id="one"),
        pytest.param([10, 20], 6, 10, id="some"),
        pytest.param([20], 16, 20, id="the-newest"),
        pytest.param([5, 10, 15, 20], 1, 5, id="all"),
    ],
)
def test_a_deleted_checkpoint_is_named(chunk, deleted, first_bad, named):
    build()
    h.disable_triggers()
    for size in deleted:
        h.sql("DELETE FROM audit_auditcheckpoint WHERE tree_size = %s", [size])
    result = verify(chunk)
    assert not result.ok and result.first_bad == first_bad
    assert f"checkpoint at tree size {named} is missing" in result.reason


def test_checkpoints_deleted_and_history_rehashed_is_caught(chunk):
    """The attack as the review ran it: delete the checkpoints that would disagree, change
    an entry, rehash everything after it. Before the fix this verified as intact."""
    build()
    h.disable_triggers()
    h.sql("DELETE FROM audit_auditcheckpoint WHERE tree_size >= 10")
    text = h.body(7).replace('"library_business"', '"law_enforcement"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = 7", [text])
    h.rechain_from(8, N)
    result = verify(chunk)
    assert not result.ok and result.first_bad == 6
    assert "checkpoint at tree size 10 is missing" in result.reason


def test_every_checkpoint_deleted_with_the_log_is_caught_only_by_an_exported_head(chunk, tmp_path):
    build()
    path = tmp_path / "heads"
    export(path)
    h.disable_triggers()
    for table in ("audit_auditcheckpoint", "audit_auditentry"):
        h.sql(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    h.rewrite_head(0)
    assert verify(chunk).ok  # an empty log, "intact", on its own
    result = verify(chunk, against=heads.load(path))
    assert not result.ok and result.first_bad == 1 and "truncated" in result.reason


def test_a_manual_checkpoint_between_the_regular_ones_is_not_required(chunk):
    h.append(7)
    services.checkpoint()  # at 7: an extra one, e.g. from cron
    h.append(N - 7)
    h.disable_triggers()
    h.sql("DELETE FROM audit_auditcheckpoint WHERE tree_size = 7")
    assert verify(chunk).ok


# --- editing an older checkpoint --------------------------------------------------------------


@pytest.mark.parametrize(("size", "first_bad"), [(5, 1), (10, 6)])
def test_an_older_checkpoint_root_edited_is_named(chunk, size, first_bad):
    """Not one of the newest two, which were all that was checked before issue 7: now every
    checkpoint's signature is checked, and with all_roots its root is rebuilt too."""
    build()
    h.disable_triggers()
    h.sql("UPDATE audit_auditcheckpoint SET root_hash = %s WHERE tree_size = %s", ["cd" * 32, size])
    for all_roots in (False, True):
        result = verify(chunk, all_roots=all_roots)
        assert not result.ok and result.first_bad == first_bad
        assert f"checkpoint at tree size {size} has a signature that does not" in result.reason


def test_an_older_checkpoint_root_and_frontier_edited_together_is_named(chunk):
    """A stored frontier made to fold to the false root does not help: the root is rebuilt."""
    from custodian.audit import merkle

    build()
    h.disable_triggers()
    frontier = [bytes.fromhex("ab" * 32), bytes.fromhex("cd" * 32)]  # 10 = 8 + 2
    h.sql(
        "UPDATE audit_auditcheckpoint SET root_hash = %s, frontier = %s WHERE tree_size = 10",
        [merkle.root(frontier).hex(), merkle.frontier_to_text(frontier)],
    )
    result = verify(chunk)
    assert not result.ok and result.first_bad == 6 and "signature" in result.reason


def test_a_root_signed_wrongly_with_the_key_is_named(chunk):
    """A checkpoint re-signed with the key over a false root (its stored frontier made to fold
    to it) is caught when every root is rebuilt from the entries (`all_roots`, `--against`)."""
    from custodian.audit import keys, merkle

    build()
    h.disable_triggers()
    head_hash = h.sql("SELECT head_hash FROM audit_auditcheckpoint WHERE tree_size = 10")[0][0]
    frontier = [bytes.fromhex("ab" * 32), bytes.fromhex("cd" * 32)]  # 10 = 8 + 2
    root = merkle.root(frontier).hex()
    at = "2030-01-01T00:00:00.000000Z"
    message = keys.checkpoint_message(
        tree_size=10, root_hash=root, head_hash=head_hash, signed_at=at
    )
    h.sql(
        "UPDATE audit_auditcheckpoint SET root_hash = %s, frontier = %s, signed_at = %s,"
        " signature = %s WHERE tree_size = 10",
        [root, merkle.frontier_to_text(frontier), at, keys.sign(message)],
    )
    # Signed with the key, it passes the signature check; rebuilding the roots catches it.
    assert verify(chunk).ok
    result = verify(chunk, all_roots=True)
    assert not result.ok and result.first_bad == 6
    assert "Merkle tree of entries 6..10 do not match" in result.reason


@pytest.mark.parametrize("all_roots", [False, True])
def test_an_intact_log_verifies_with_and_without_rebuilding_every_root(chunk, all_roots):
    build()
    services.checkpoint()  # an extra one at 22, between the regular ones
    result = verify(chunk, all_roots=all_roots)
    assert result.ok and result.count == N and result.checkpoint == N
    assert result.workers == chunk.get("workers", 1)


# --- exported heads: the witness outside the database -----------------------------------------


def test_the_log_matches_every_head_exported_from_it(chunk, tmp_path):
    path = tmp_path / "heads"
    h.append(5)
    export(path)
    h.append(N - 5)
    export(path)
    result = verify(chunk, against=heads.load(path))
    assert result.ok and result.witnessed == N
    assert [x.tree_size for x in heads.load(path)] == [5, N]


def test_a_rewrite_before_the_last_exported_head_is_caught_even_with_the_key(chunk, tmp_path):
    """Change entry 7, rehash the tail, delete every checkpoint past it and sign new ones
    with the stolen key: the database alone now says "chain intact", but the head exported
    at 22 no longer matches, and the one at 5 bounds the damage."""
    path = tmp_path / "heads"
    h.append(5)
    export(path)
    h.append(N - 5)
    export(path)
    h.disable_triggers()
    h.rewrite_with_the_key(7, N, EVERY)
    assert verify(chunk).ok  # the attack works against the database alone
    result = verify(chunk, against=heads.load(path))
    assert not result.ok and result.first_bad == 6
    assert "do not match the head exported" in result.reason and "line 2" in result.reason


def test_a_truncation_before_the_last_exported_head_is_caught_even_with_the_key(chunk, tmp_path):
    path = tmp_path / "heads"
    build()
    export(path)
    h.disable_triggers()
    h.sql("DELETE FROM audit_auditentry WHERE seq > 16")
    h.sql("DELETE FROM audit_auditcheckpoint WHERE tree_size > 16")
    h.rewrite_head(16)
    assert verify(chunk).ok
    result = verify(chunk, against=heads.load(path))
    assert not result.ok and result.first_bad == 17 and "truncated" in result.reason


def test_what_it_cannot_see_a_rewrite_after_the_last_export_with_the_key(chunk, tmp_path):
    """Documented limit: whoever holds the database and the key can still rewrite or cut
    off the entries after the newest exported head. Export often."""
    path = tmp_path / "heads"
    h.append(12)
    export(path)
    h.append(N - 12)
    h.disable_triggers()
    h.rewrite_with_the_key(17, N, EVERY)
    assert verify(chunk, against=heads.load(path)).ok
    h.sql("DELETE FROM audit_auditentry WHERE seq > 13")
    h.sql("DELETE FROM audit_auditcheckpoint WHERE tree_size > 13")
    h.rewrite_head(13)
    assert verify(chunk, against=heads.load(path)).ok


def test_an_exported_head_pins_an_entry_between_checkpoints(chunk, tmp_path):
    """A head exported at 12 (no checkpoint row there any more) still pins entries 11..12,
    which on their own lie past the checkpoint at 10 and are vouched for by nothing."""
    path = tmp_path / "heads"
    h.append(12)
    export(path)
    h.disable_triggers()
    h.sql("DELETE FROM audit_auditcheckpoint WHERE tree_size = 12")
    text = h.body(11).replace('"library_business"', '"law_enforcement"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = 11", [text])
    h.rechain_from(12, 12)
    assert verify(chunk).ok
    result = verify(chunk, against=heads.load(path))
    assert not result.ok and result.first_bad == 1 and "line 1" in result.reason
