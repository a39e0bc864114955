"""`custodian keys rotate-index`: every blind index recomputed under a new index key, in
batches, resumable, with every patron findable before, during and after (docs/encryption.md,
"Rotating the index key")."""

import base64
import os

import pytest
from typer.testing import CliRunner

from custodian.audit.models import AuditEntry
from custodian.cli import app
from custodian.interchange.patron_import import INDEX_ROTATING, import_file
from custodian.records import blind_index, index_rotation, sealing
from custodian.records.models import Patron
from custodian.records.selectors import card_in_use, card_indexes, patron_by_card, patrons_named
from tests.interchange.patron_files import koha_row, write_koha
from tests.records.factories import make_branch, make_patron

pytestmark = pytest.mark.django_db


class Interrupted(Exception):
    pass


@pytest.fixture
def index_dir(tmp_path, monkeypatch):
    """Keys of their own in a fresh data folder (the index key from the file `index_key`)."""
    monkeypatch.setenv("CUSTODIAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(sealing.MASTER_ENV, raising=False)
    monkeypatch.delenv(sealing.INDEX_ENV, raising=False)
    monkeypatch.setattr(index_rotation, "SETTLE_SECONDS", 0)
    sealing._keyring = None
    sealing.clear_cache()
    blind_index.reset()
    yield tmp_path
    sealing._keyring = None
    sealing.clear_cache()
    blind_index.reset()


def _key(kid: str) -> bytes:
    return blind_index.index_keyring(fresh=True).keys[kid]


def _under(patron: Patron, key: bytes) -> bool:
    """Whether all three of the row's stored index values are the ones under `key`."""
    stored = Patron.objects.values_list("card_index", "name_index", "last_name_index").get(
        pk=patron.pk
    )
    return stored == (
        blind_index.card_index(patron.card_number, key=key),
        blind_index.name_index(patron.last_name, patron.first_name, key=key),
        blind_index.last_name_index(patron.last_name, key=key),
    )


def _all_found(patrons) -> None:
    for patron in patrons:
        assert patron_by_card(patron.card_number).pk == patron.pk
        assert patron_by_card(" ".join(patron.card_number)).pk == patron.pk  # typed spaced
        assert card_in_use(patron.card_number)
        assert list(patrons_named(patron.last_name.upper(), patron.first_name)) == [patron]
        assert list(patrons_named(patron.last_name)) == [patron]
    assert not card_in_use("99999999999999") and patron_by_card("99999999999999") is None


def _stop_after(batches: int):
    seen = []

    def on_batch(n):
        seen.append(n)
        if len(seen) == batches:
            raise Interrupted

    return on_batch


def test_the_existing_index_key_file_keeps_working_unchanged(index_dir):
    raw = os.urandom(32)
    (index_dir / sealing.INDEX_FILE).write_text(base64.b64encode(raw).decode() + "\n")
    patron = make_patron(first_name="Zenobia", last_name="Quill")
    ring = blind_index.index_keyring(fresh=True)
    assert (ring.source, list(ring.keys.values()), ring.rotating) == ("file", [raw], False)
    assert _under(patron, raw)
    _all_found([patron])
    assert not (index_dir / blind_index.INDEX_KEYRING_FILE).exists()


def test_rotation_rewrites_every_index_and_retires_the_old_key(index_dir):
    patrons = [make_patron(first_name=f"Person{n}", last_name=f"Reader{n}") for n in range(5)]
    old = blind_index.index_keyring(fresh=True).current
    old_key = _key(old)
    assert all(_under(p, old_key) for p in patrons)

    result = index_rotation.rotate(batch=2)

    ring = blind_index.index_keyring(fresh=True)
    assert result.started and result.current == ring.current != old
    assert (result.rewritten, result.retired, result.unreadable) == (5, (old,), 0)
    assert list(ring.keys) == [ring.current]  # the old key is gone from the keyring
    new_key = _key(ring.current)
    assert all(_under(p, new_key) and not _under(p, old_key) for p in patrons)
    _all_found(patrons)
    # The single-key file has moved into the keyring, private; no copy of the old key is left.
    assert not (index_dir / sealing.INDEX_FILE).exists()
    assert (index_dir / blind_index.INDEX_KEYRING_FILE).stat().st_mode & 0o077 == 0
    assert base64.b64encode(old_key).decode() not in (index_dir / "index_keyring").read_text()
    # Counts only in the audit log: one entry per batch written, one for the retired key.
    entries = AuditEntry.objects.filter(action="rotate_index_key").order_by("seq")
    assert [e.fields for e in entries] == [
        ["index_key.rewritten.2"],
        ["index_key.rewritten.2"],
        ["index_key.rewritten.1"],
        ["index_key.retired.1"],
    ]
    assert all(e.patron_ref in ("", None) for e in entries)


def test_an_interrupted_rotation_finds_everyone_then_resumes_and_finishes(index_dir):
    patrons = [make_patron(first_name=f"Person{n}", last_name=f"Reader{n}") for n in range(10)]
    old = blind_index.index_keyring(fresh=True).current
    with pytest.raises(Interrupted):
        index_rotation.rotate(batch=5, on_batch=_stop_after(1))
    state = index_rotation.status()
    assert state.rotating and state.keys == (state.current, old)
    new_key, old_key = _key(state.current), _key(old)
    # Half the rows rewritten, half not: each lookup still finds every patron.
    assert [_under(p, new_key) for p in patrons] == [True] * 5 + [False] * 5
    assert all(_under(p, old_key) for p in patrons[5:])
    _all_found(patrons)
    assert len(card_indexes([patrons[0].card_number])) == 2  # both keys' values, for exclude()

    # A patron registered meanwhile is written under the new key and found at once.
    newcomer = make_patron(first_name="Newcomer", last_name="Latecomer")
    assert _under(newcomer, new_key)
    _all_found([newcomer])
    # A card not yet rewritten is still "in use" for the desk's registration check.
    assert card_in_use(patrons[9].card_number)

    result = index_rotation.rotate(batch=5)
    assert not result.started and result.current == state.current
    assert result.rewritten == 5 and result.retired == (old,)  # the other five, none twice
    assert list(blind_index.index_keyring(fresh=True).keys) == [state.current]
    assert all(_under(p, new_key) for p in [*patrons, newcomer])
    _all_found([*patrons, newcomer])


def test_a_row_saved_during_the_rotation_is_not_overwritten(index_dir):
    patron = make_patron(first_name="Ada", last_name="Before")
    with pytest.raises(Interrupted):
        index_rotation.rotate(batch=1, on_batch=_stop_after(1))  # nothing else to rewrite
    other = make_patron(first_name="Bo", last_name="Other")
    key = _key(blind_index.index_keyring(fresh=True).current)
    stale = Patron.objects.values_list("card_index", "name_index", "last_name_index").get(
        pk=patron.pk
    )
    patron.last_name = "After"  # saved at the desk under the current key...
    patron.save()
    # ...so a batch that read the row before that save writes nothing over it.
    wanted = ("x" * 32, "y" * 32, "z" * 32)
    assert index_rotation._write([(patron.pk, stale, wanted)]) == 0
    assert _under(patron, key) and _under(other, key)
    assert list(patrons_named("after", "ada")) == [patron]


def test_two_patrons_with_one_card_number_stop_the_rotation_by_ref(index_dir):
    first = make_patron(card_number="21000055556666")
    with pytest.raises(Interrupted):
        index_rotation.rotate(batch=1, on_batch=_stop_after(1))
    # Put the first patron back under the old key: its value under the new key is free, so
    # the database lets a twin in (the desk's card_in_use, which matches both, refuses it).
    old = _key(index_rotation.status().keys[1])
    Patron.objects.filter(pk=first.pk).update(
        card_index=blind_index.card_index(first.card_number, key=old),
        name_index=blind_index.name_index(first.last_name, first.first_name, key=old),
        last_name_index=blind_index.last_name_index(first.last_name, key=old),
    )
    assert card_in_use("21000055556666")
    twin = make_patron(card_number="21000055556666", first_name="Twin")
    with pytest.raises(index_rotation.IndexRotationError) as refused:
        index_rotation.rotate(batch=10)
    assert str(twin.ref) in str(refused.value) and "21000055556666" not in str(refused.value)
    assert blind_index.index_keyring(fresh=True).rotating  # nothing retired


def test_an_index_key_in_the_environment_is_rotated_as_new_old(index_dir, monkeypatch):
    old_key, new_key = os.urandom(32), os.urandom(32)
    monkeypatch.setenv(sealing.INDEX_ENV, base64.b64encode(old_key).decode())
    blind_index.reset()
    patrons = [make_patron(first_name=f"Env{n}") for n in range(3)]
    assert all(_under(p, old_key) for p in patrons)

    # One key there: Custodian cannot write a new one into the environment, and says how.
    with pytest.raises(sealing.SealingError) as refused:
        index_rotation.rotate()
    assert sealing.INDEX_ENV in str(refused.value) and "NEW,OLD" in str(refused.value)
    assert not (index_dir / blind_index.INDEX_KEYRING_FILE).exists()

    pair = f"{base64.b64encode(new_key).decode()},{base64.b64encode(old_key).decode()}"
    monkeypatch.setenv(sealing.INDEX_ENV, pair)
    blind_index.reset()
    _all_found(patrons)  # NEW,OLD set, nothing rewritten yet: everyone is found
    assert index_rotation.status().rotating
    result = index_rotation.rotate(batch=2)
    assert (result.rewritten, result.retired) == (3, ())
    assert result.still_in_env == (blind_index.key_id(old_key),)
    assert all(_under(p, new_key) for p in patrons)

    monkeypatch.setenv(sealing.INDEX_ENV, base64.b64encode(new_key).decode())
    blind_index.reset()
    _all_found(patrons)
    assert not (index_dir / blind_index.INDEX_KEYRING_FILE).exists()


def test_an_import_waits_while_a_rotation_is_under_way(index_dir, tmp_path):
    for code in ("CEN",):
        make_branch(code=code, name="Central")
    with pytest.raises(Interrupted):
        make_patron()
        index_rotation.rotate(batch=1, on_batch=_stop_after(1))
    path = write_koha(tmp_path / "p.csv", [koha_row(1)])
    report = import_file(path=path).report
    assert report.errors == [INDEX_ROTATING] and not report.written
    assert patron_by_card("29000000000001") is None
    index_rotation.rotate()
    report = import_file(path=path).report
    assert report.created == 1 and report.written
    assert patron_by_card("29000000000001") is not None


def test_keys_rotate_index_on_the_command_line(index_dir):
    patrons = [make_patron(), make_patron()]
    runner = CliRunner()
    old = blind_index.index_keyring(fresh=True)
    shown = runner.invoke(app, ["keys", "status"])
    assert shown.exit_code == 0, shown.output
    assert f"Index key {old.current}" in shown.output and "under way" not in shown.output

    with pytest.raises(Interrupted):
        index_rotation.rotate(batch=1, on_batch=_stop_after(1))
    shown = runner.invoke(app, ["keys", "status"])
    assert "An index key rotation is under way" in shown.output and old.current in shown.output

    rotated = runner.invoke(app, ["keys", "rotate-index", "--batch-size", "1"])
    assert rotated.exit_code == 0, rotated.output
    assert "Re-indexed 1 patrons" in rotated.output and old.current in rotated.output
    for raw in [*old.keys.values(), *blind_index.index_keyring(fresh=True).keys.values()]:
        assert base64.b64encode(raw).decode() not in rotated.output + shown.output
    _all_found(patrons)
    again = runner.invoke(app, ["keys", "status"])
    assert "under way" not in again.output and "index_keyring" in again.output


def test_keys_rotate_index_with_one_key_in_the_environment_says_what_to_do(index_dir, monkeypatch):
    monkeypatch.setenv(sealing.INDEX_ENV, base64.b64encode(os.urandom(32)).decode())
    blind_index.reset()
    make_patron()
    result = CliRunner().invoke(app, ["keys", "rotate-index"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: the index key comes from CUSTODIAN_INDEX_KEY")
    assert "Traceback" not in result.output


def test_a_second_start_makes_no_second_key_and_a_damaged_keyring_is_a_plain_error(index_dir):
    make_patron()
    first = blind_index.add_index_key()
    assert blind_index.add_index_key() == first  # a second `rotate-index` started at once
    assert len(blind_index.index_keyring(fresh=True).keys) == 2
    (index_dir / blind_index.INDEX_KEYRING_FILE).write_text("not json")
    result = CliRunner().invoke(app, ["keys", "status"])
    assert result.exit_code == 2
    assert "the index keyring" in result.stderr and "damaged" in result.stderr
    assert "Traceback" not in result.output


def test_a_card_still_under_the_old_key_is_refused_to_a_second_patron(index_dir):
    """The unique index cannot see a card stored under the other key: registration asks."""
    from custodian.circulation.errors import CardNumberTaken
    from custodian.circulation.services import register_patron

    make_patron(card_number="21000000000001")
    blind_index.add_index_key()  # a rotation has started; that row is not rewritten yet
    with pytest.raises(CardNumberTaken):
        register_patron(
            card_number="21000000000001",
            first_name="Second",
            last_name="Person",
            home_branch=make_branch(),
        )
    assert Patron.objects.count() == 1


def test_killed_between_recording_and_retiring_the_run_again_finishes_not_restarts(
    index_dir, monkeypatch
):
    make_patron()
    first = blind_index.index_keyring(fresh=True).current

    real_audit = index_rotation._audit

    def killed_at_the_retirement(fields):
        if fields[0].startswith("index_key.retired"):
            raise Interrupted  # killed at the very end: the rows are all rewritten
        real_audit(fields)

    with monkeypatch.context() as patched, pytest.raises(Interrupted):
        patched.setattr(index_rotation, "_audit", killed_at_the_retirement)
        index_rotation.rotate()
    new = blind_index.index_keyring(fresh=True).current
    assert new != first and blind_index.index_keyring(fresh=True).rotating

    result = index_rotation.rotate()

    assert (result.current, result.started, result.retired) == (new, False, (first,))
    assert not blind_index.index_keyring(fresh=True).rotating
    assert ["index_key.retired.1"] in [e.fields for e in AuditEntry.objects.all()]
