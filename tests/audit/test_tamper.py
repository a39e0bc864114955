"""Tampering with the stored log, as someone with direct database access would, is detected,
and verification names the first bad entry."""

import base64

import pytest

from custodian.audit import canonical, services
from tests.audit import helpers as h

pytestmark = pytest.mark.django_db

N = 12  # checkpoints at 5 and 10


@pytest.fixture(autouse=True)
def log(settings):
    settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY = 5
    h.append(N)
    assert services.verify_log().ok
    h.disable_triggers()


@pytest.fixture(params=h.WALKS)
def chunk(request):
    """verify_log's keyword arguments for each way of walking the log."""
    return request.param


def bad(chunk):
    result = services.verify_log(**chunk)
    assert not result.ok
    return result


def test_intact_log_verifies(chunk):
    result = services.verify_log(**chunk)
    assert result.ok and result.count == N and result.first_bad is None
    assert result.checkpoint == 10
    assert result.workers == chunk.get("workers", 1)


@pytest.mark.parametrize("seq", [1, 4, 7, 11])
def test_changed_field_is_named(chunk, seq):
    text = h.body(seq).replace('"library_business"', '"law_enforcement"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = %s", [text, seq])
    result = bad(chunk)
    assert result.first_bad == seq and "changed" in result.reason


def test_changed_newest_entry_is_named(chunk):
    text = h.body(N).replace('"release"', '"deny"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = %s", [text, N])
    result = bad(chunk)
    assert result.first_bad == N


def test_generated_columns_follow_the_body():
    """The readable columns cannot drift from what is hashed: they are derived from it."""
    text = h.body(3).replace('"library_business"', '"law_enforcement"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = %s", [text, 3])
    assert h.sql("SELECT purpose FROM audit_auditentry WHERE seq = 3")[0][0] == "law_enforcement"
    with pytest.raises(Exception):  # noqa: B017 - the backends word it differently
        h.sql("UPDATE audit_auditentry SET purpose = 'x' WHERE seq = 3")


@pytest.mark.parametrize("seq", [1, 6, 11])
def test_deleted_entry_is_named(chunk, seq):
    h.sql("DELETE FROM audit_auditentry WHERE seq = %s", [seq])
    result = bad(chunk)
    assert result.first_bad == seq and "missing" in result.reason


def test_inserted_entry_is_named(chunk):
    # Make room at 7 and slip in a well-formed entry that links to 6.
    for s in range(N, 6, -1):
        h.set_seq(s, s + 1)
    h.insert(7, h.forge_body(seq=7, prev_hash=canonical.entry_hash(h.body(6))))
    result = bad(chunk)
    assert result.first_bad == 7


def test_inserted_entry_with_a_bad_link_is_named(chunk):
    for s in range(N, 6, -1):
        h.set_seq(s, s + 1)
    h.insert(7, h.forge_body(seq=7, prev_hash="ab" * 32))
    result = bad(chunk)
    assert result.first_bad == 7


def test_entry_appended_behind_the_services_back_is_named(chunk):
    h.insert(N + 1, h.forge_body(seq=N + 1, prev_hash=canonical.entry_hash(h.body(N))))
    result = bad(chunk)
    assert result.first_bad == N + 1 and "not appended" in result.reason


@pytest.mark.parametrize("seq", [1, 5, 9])
def test_swapped_entries_are_named(chunk, seq):
    h.set_seq(seq, -1)
    h.set_seq(seq + 1, seq)
    h.set_seq(-1, seq + 1)
    result = bad(chunk)
    assert result.first_bad == seq and "reordered" in result.reason


def test_truncated_tail_is_named_by_the_head(chunk):
    h.sql("DELETE FROM audit_auditentry WHERE seq > 8")
    result = bad(chunk)
    assert result.first_bad == 9 and "truncated" in result.reason


def test_truncated_tail_is_named_by_a_checkpoint_even_with_the_head_rewritten(chunk):
    h.sql("DELETE FROM audit_auditentry WHERE seq > 8")
    h.rewrite_head(8)
    result = bad(chunk)
    assert result.first_bad == 9 and "checkpoint covers 10" in result.reason


def test_rewritten_and_rehashed_history_is_caught_by_checkpoints(chunk):
    text = h.body(7).replace('"library_business"', '"law_enforcement"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = 7", [text])
    h.rechain_from(8, N)
    result = bad(chunk)
    # The chain is consistent again; the checkpoint at 10 pins the change to 6..10.
    assert result.first_bad == 6 and "rewritten" in result.reason


def test_forged_checkpoint_signature_is_named(chunk):
    sig = base64.b64decode(
        h.sql("SELECT signature FROM audit_auditcheckpoint WHERE tree_size = 10")[0][0]
    )
    forged = base64.b64encode(bytes([sig[0] ^ 1]) + sig[1:]).decode()
    h.sql("UPDATE audit_auditcheckpoint SET signature = %s WHERE tree_size = 10", [forged])
    result = bad(chunk)
    assert result.first_bad == 6 and "signature" in result.reason


def test_checkpoint_signed_with_another_key_is_named(chunk):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from custodian.audit import keys

    # Rewrite history from 7, rehash, and sign a fresh checkpoint with the attacker's key.
    text = h.body(7).replace('"library_business"', '"law_enforcement"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = 7", [text])
    h.rechain_from(8, N)
    row = h.sql("SELECT entry_hash, frontier FROM audit_audithead")[0]
    h.sql("DELETE FROM audit_auditcheckpoint WHERE tree_size = 10")
    from custodian.audit import merkle

    frontier = merkle.frontier_from_text(row[1])
    # A checkpoint at 12 over the rewritten log, signed by a key the library never trusted.
    root = merkle.root(frontier).hex()
    mallory = Ed25519PrivateKey.generate()
    message = keys.checkpoint_message(
        tree_size=N, root_hash=root, head_hash=row[0], signed_at="2030-01-01T00:00:00.000000Z"
    )
    h.sql(
        "INSERT INTO audit_auditcheckpoint VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [
            N,
            root,
            row[0],
            row[1],
            "2030-01-01T00:00:00.000000Z",
            keys.public_key_text(mallory.public_key()),
            base64.b64encode(mallory.sign(message)).decode(),
        ],
    )
    result = bad(chunk)
    assert result.first_bad == 6 and "does not trust" in result.reason


def test_what_it_cannot_see_rewrites_after_the_last_checkpoint(chunk):
    """Documented limit: past the newest signed checkpoint, a rehashed rewrite is invisible
    unless that checkpoint was published somewhere the attacker cannot reach."""
    text = h.body(11).replace('"library_business"', '"law_enforcement"')
    h.sql("UPDATE audit_auditentry SET body = %s WHERE seq = 11", [text])
    h.rechain_from(12, N)
    assert services.verify_log(**chunk).ok


def _flip_signature(tree_size):
    sig = base64.b64decode(
        h.sql("SELECT signature FROM audit_auditcheckpoint WHERE tree_size = %s", [tree_size])[0][0]
    )
    forged = base64.b64encode(bytes([sig[0] ^ 1]) + sig[1:]).decode()
    h.sql(
        "UPDATE audit_auditcheckpoint SET signature = %s WHERE tree_size = %s", [forged, tree_size]
    )


def test_an_older_checkpoint_signature_altered_is_named(chunk):
    # With checkpoints at 5, 10 and 12, checkpoint 5 agrees with the log; before issue 7
    # its signature was checked only with all_signatures. Every signature is checked now.
    services.checkpoint()
    _flip_signature(5)
    result = bad(chunk)
    assert result.first_bad == 1 and "checkpoint at tree size 5 has a signature" in result.reason
    assert not services.verify_log(**chunk, all_signatures=False).ok  # the old opt-out is gone


def test_older_checkpoint_altered_to_disagree_is_named_as_forged(chunk):
    services.checkpoint()
    h.sql("UPDATE audit_auditcheckpoint SET head_hash = %s WHERE tree_size = 5", ["ab" * 32])
    result = bad(chunk)
    assert result.first_bad == 1 and "signature that does not verify" in result.reason
