"""Master keys: rotation (interrupted and resumed), the commands, and old copies after erasure."""

import base64
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection
from typer.testing import CliRunner

from custodian.cli import app
from custodian.records import rotation, sealing
from custodian.records.models import DataKey, Patron
from tests.records.factories import make_patron

pytestmark = pytest.mark.django_db


@pytest.fixture
def keyring_dir(tmp_path, monkeypatch):
    """A keyring of its own in a fresh data folder (the master comes from the file)."""
    monkeypatch.setenv("CUSTODIAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(sealing.MASTER_ENV, raising=False)
    sealing._keyring = None
    sealing.clear_cache()
    yield tmp_path
    sealing._keyring = None
    sealing.clear_cache()


def _names():
    sealing.clear_cache()
    return sorted(Patron.objects.values_list("first_name", flat=True))


def test_rotation_interrupted_half_way_then_resumed_rewraps_each_key_once(keyring_dir):
    for n in range(10):
        make_patron(first_name=f"Person{n:02d}")
    before = _names()
    first_master = sealing.keyring().current
    assert set(DataKey.objects.values_list("master_id", flat=True)) == {first_master}

    class Interrupted(Exception):
        pass

    batches = []

    def stop_after_one(n):
        batches.append(n)
        raise Interrupted

    with pytest.raises(Interrupted):
        rotation.rotate(batch=4, on_batch=stop_after_one)
    state = rotation.status()
    new_master = state.current
    assert new_master != first_master and state.masters == (new_master, first_master)
    assert state.counts == {new_master: 4, first_master: 6}
    # Half-way, the library keeps working: every value opens under one master or the other.
    assert _names() == before
    done_first = dict(
        DataKey.objects.filter(master_id=new_master).values_list("owner_ref", "wrapped")
    )
    make_patron(first_name="Newcomer")  # a patron registered during the rotation
    assert DataKey.objects.get(owner_ref=Patron.objects.latest("pk").ref).master_id == new_master

    result = rotation.rotate(batch=4)
    assert not result.started and result.current == new_master
    assert result.rewrapped == 6  # the other six; none of the first four again
    assert result.retired == (first_master,)
    for owner, wrapped in done_first.items():
        assert bytes(DataKey.objects.get(owner_ref=owner).wrapped) == bytes(wrapped)
    assert set(DataKey.objects.values_list("master_id", flat=True)) == {new_master}
    assert list(sealing.keyring(fresh=True).keys) == [new_master]
    assert _names() == sorted([*before, "Newcomer"])


def test_a_rotation_with_nothing_half_done_starts_a_new_master(keyring_dir):
    make_patron(first_name="Solo")
    old = sealing.keyring().current
    result = rotation.rotate()
    assert result.started and result.rewrapped == 1 and result.retired == (old,)
    assert _names() == ["Solo"]
    assert (keyring_dir / sealing.KEYRING_FILE).stat().st_mode & 0o077 == 0


def test_an_environment_master_rotates_from_new_old_and_refuses_with_nothing_new(
    keyring_dir, monkeypatch
):
    old_key, new_key = os.urandom(32), os.urandom(32)
    monkeypatch.setenv(sealing.MASTER_ENV, base64.b64encode(old_key).decode())
    sealing._keyring = None
    make_patron(first_name="Envy")
    with pytest.raises(rotation.NothingToRotate):
        rotation.rotate()
    pair = f"{base64.b64encode(new_key).decode()},{base64.b64encode(old_key).decode()}"
    monkeypatch.setenv(sealing.MASTER_ENV, pair)
    result = rotation.rotate()
    assert result.rewrapped == 1 and result.current == sealing.master_id(new_key)
    monkeypatch.setenv(sealing.MASTER_ENV, base64.b64encode(new_key).decode())
    assert _names() == ["Envy"]
    assert not (keyring_dir / sealing.KEYRING_FILE).exists()


def test_keys_commands_print_ids_and_counts_never_a_key(keyring_dir):
    make_patron()
    make_patron()
    runner = CliRunner()
    shown = runner.invoke(app, ["keys", "status"])
    assert shown.exit_code == 0, shown.output
    ring = sealing.keyring(fresh=True)
    assert ring.current in shown.output and "2" in shown.output
    for raw in ring.keys.values():
        assert base64.b64encode(raw).decode() not in shown.output
    rotated = runner.invoke(app, ["keys", "rotate", "--batch-size", "1"])
    assert rotated.exit_code == 0, rotated.output
    assert "Rewrapped 2 data keys" in rotated.output
    assert sealing.keyring(fresh=True).current != ring.current


def test_keys_rotate_with_nothing_new_in_the_environment_is_an_error(keyring_dir, monkeypatch):
    monkeypatch.setenv(sealing.MASTER_ENV, base64.b64encode(os.urandom(32)).decode())
    sealing._keyring = None
    make_patron()
    result = CliRunner().invoke(app, ["keys", "rotate"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.output


def test_a_damaged_keyring_is_a_plain_error(keyring_dir):
    (keyring_dir / sealing.KEYRING_FILE).write_text("not json")
    sealing._keyring = None
    with pytest.raises(sealing.SealingError, match="damaged"):
        sealing.keyring()


# ------------------------------------------------------------ an old copy of the database


def _copy_database(tmp_path: Path) -> Path:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "backup.sqlite3"
    shutil.copyfile(connection.settings_dict["NAME"], copy)
    return copy


def _read_from_copy(copy: Path, ref: uuid.UUID) -> str | None:
    """What someone with the copy and today's keyring gets for the patron's first name."""
    db = sqlite3.connect(copy)
    try:
        sealed = db.execute(
            "SELECT first_name FROM records_patron WHERE ref = ?", [ref.hex]
        ).fetchone()[0]
        wrapped, mid = db.execute(
            "SELECT wrapped, master_id FROM records_datakey WHERE owner_ref = ?", [ref.hex]
        ).fetchone()
    finally:
        db.close()
    data_key = sealing.unwrap(ref, wrapped, mid)  # raises when the master is gone
    blob = base64.b64decode(sealed.rsplit(".", 1)[1])
    aad = ref.bytes + b"records.patron.first_name"
    return AESGCM(data_key).decrypt(blob[:12], blob[12:], aad).decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="copies the SQLite file")
def test_a_copy_taken_before_erasure_is_unreadable_once_the_old_master_is_retired(
    keyring_dir, tmp_path
):
    patron = make_patron(first_name="Zenobia", last_name="Quillfeather")
    copy = _copy_database(tmp_path)
    assert b"Zenobia" not in copy.read_bytes()

    sealing.forget_key(patron.ref)
    (tmp_path / "after").mkdir()
    after = sqlite3.connect(_copy_database(tmp_path / "after"))
    assert after.execute("SELECT count(*) FROM records_datakey").fetchone()[0] == 0
    after.close()
    # The limit, said plainly (docs/encryption.md, "Backups"): until the master key that
    # wrapped it is retired, the old copy's own key row still opens with today's keyring.
    assert _read_from_copy(copy, patron.ref) == "Zenobia"

    rotation.rotate()
    sealing.clear_cache()
    with pytest.raises(sealing.SealingError, match="no master key"):
        _read_from_copy(copy, patron.ref)
    # No key the library still holds opens the copy's wrapped key either.
    old = sqlite3.connect(copy)
    wrapped = old.execute("SELECT wrapped FROM records_datakey").fetchone()[0]
    old.close()
    for raw in sealing.keyring(fresh=True).keys.values():
        with pytest.raises(InvalidTag):
            AESGCM(raw).decrypt(wrapped[:12], wrapped[12:], patron.ref.bytes)
