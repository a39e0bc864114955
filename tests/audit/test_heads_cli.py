"""`custodian audit export-head` and `verify --against`: where the heads file may live, what a
bad heads file gets (exit 2, one line), and the start-up warning about the signing key."""

import base64
from pathlib import Path

import pytest
from django.conf import settings
from typer.testing import CliRunner

from custodian.audit import heads, keys, services
from custodian.cli import app
from tests.audit import helpers as h

pytestmark = pytest.mark.django_db(transaction=True)  # the CLI commits; workers may read


@pytest.fixture(autouse=True)
def every(settings):
    settings.CUSTODIAN_AUDIT_CHECKPOINT_EVERY = 5


def run(*args):
    return CliRunner().invoke(app, ["audit", *args])


def one_line_error(result, *needles):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_export_head_then_verify_against(tmp_path):
    path = tmp_path / "heads"
    h.append(7)
    first = run("export-head", str(path))
    assert first.exit_code == 0 and "exported the head of 7 entries" in first.output
    again = run("export-head", str(path))  # nothing new: no second line
    assert again.exit_code == 0 and "already" in again.output
    h.append(4)
    assert run("export-head", str(path)).exit_code == 0
    lines = path.read_text().splitlines()
    assert [line.split()[1] for line in lines] == ["7", "11"]
    assert all(line.startswith("custodian-audit-head/1 ") for line in lines)
    ok = run("verify", "--quiet", "--against", str(path))
    assert ok.exit_code == 0 and "matches all 2 exported heads" in ok.output, ok.output
    for flags in (["--all-roots"], ["--all-signatures"]):  # the old flag still parses
        assert run("verify", "--quiet", *flags).exit_code == 0


def test_verify_against_names_the_first_bad_entry_of_a_rewritten_log(tmp_path):
    path = tmp_path / "heads"
    h.append(12)
    run("export-head", str(path))
    h.disable_triggers()
    h.rewrite_with_the_key(3, 12, 5)
    assert run("verify", "--quiet").exit_code == 0  # the database alone is fooled
    bad = run("verify", "--quiet", "--against", str(path))
    assert bad.exit_code == 1
    assert "first bad entry: 1" in bad.output and "head exported" in bad.output


def _signed_line(**changes) -> str:
    cp = services.checkpoint()
    head = heads.ExportedHead(
        cp.tree_size, cp.root_hash, cp.head_hash, cp.signed_at, cp.public_key, cp.signature
    )
    return heads.ExportedHead(**{**head.__dict__, **changes}).text()


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        pytest.param(lambda: "not a head at all", "not a signed head", id="malformed"),
        pytest.param(lambda: _signed_line()[:-5], "not a signed head", id="cut-short"),
        pytest.param(lambda: _signed_line() + " extra", "not a signed head", id="trailing"),
        pytest.param(
            lambda: _signed_line(root_hash="ab" * 32), "does not verify", id="forged-root"
        ),
        pytest.param(lambda: _signed_line(tree_size=3), "does not verify", id="forged-size"),
        pytest.param(
            lambda: _signed_line(public_key=base64.b64encode(b"k" * 32).decode()),
            "does not trust",
            id="untrusted-key",
        ),
    ],
)
def test_a_bad_line_in_the_heads_file_is_reported_in_one_line(tmp_path, make, needle):
    h.append(6)
    path = tmp_path / "heads"
    good = _signed_line()
    path.write_text(f"{good}\n{make()}\n")
    bad = run("verify", "--quiet", "--against", str(path))
    one_line_error(bad, str(path), "line 2", needle)
    # export-head will not append to a file it cannot trust either
    before = path.read_bytes()
    one_line_error(run("export-head", str(path)), "line 2")
    assert path.read_bytes() == before


def test_non_ascii_bytes_in_the_heads_file_are_reported(tmp_path):
    path = tmp_path / "heads"
    path.write_bytes(b"\xff\xfe custodian\n")
    one_line_error(run("verify", "-q", "--against", str(path)), "line 1", "not a signed head")


def test_a_missing_heads_file_is_reported(tmp_path):
    one_line_error(run("verify", "-q", "--against", str(tmp_path / "nope")), "cannot be read")


def test_two_histories_signed_for_one_size_are_reported(tmp_path):
    """Only the key holder can sign two different heads for one size: that is the proof."""
    h.append(6)
    good = _signed_line()
    at = "2030-01-01T00:00:00.000000Z"
    message = keys.checkpoint_message(
        tree_size=6, root_hash="ab" * 32, head_hash="cd" * 32, signed_at=at
    )
    other = heads.ExportedHead(
        6, "ab" * 32, "cd" * 32, at, keys.own_public_key(), keys.sign(message)
    ).text()
    path = tmp_path / "heads"
    path.write_text(f"{good}\n{other}\n")
    one_line_error(run("verify", "-q", "--against", str(path)), "two histories")


def test_export_head_refuses_the_data_folder_unless_forced():
    path = Path(settings.DATA_DIR) / "heads"
    h.append(3)
    one_line_error(run("export-head", str(path)), "inside", "--force")
    assert not path.exists()
    forced = run("export-head", str(path), "--force")
    assert forced.exit_code == 0 and path.exists()
    path.unlink()


def test_export_head_refuses_the_database_folder(tmp_path, monkeypatch):
    beside = tmp_path / "db"
    beside.mkdir()
    monkeypatch.setattr(keys, "database_folder", lambda: beside)
    with pytest.raises(heads.HeadsFileError, match="inside"):
        heads.check_location(beside / "sub" / "heads")
    heads.check_location(tmp_path / "elsewhere" / "heads")  # no error


def test_export_head_refuses_a_log_that_no_longer_matches_the_last_export(tmp_path):
    path = tmp_path / "heads"
    h.append(12)
    run("export-head", str(path))
    h.disable_triggers()
    h.sql("DELETE FROM audit_auditentry WHERE seq > 8")
    h.sql("DELETE FROM audit_auditcheckpoint WHERE tree_size > 8")
    h.rewrite_head(8)
    before = path.read_bytes()
    one_line_error(run("export-head", str(path)), "no longer matches", "--against")
    assert path.read_bytes() == before


def test_export_head_of_an_empty_log_is_refused(tmp_path):
    one_line_error(run("export-head", str(tmp_path / "heads")), "empty")


# --- the start-up warning about the signing key -------------------------------------------


def test_the_generated_key_in_the_data_folder_is_warned_about(monkeypatch):
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    monkeypatch.delenv(keys.KEY_FILE_ENV, raising=False)
    warning = keys.key_location_warning()
    assert warning and str(Path(settings.DATA_DIR)) in warning
    assert keys.KEY_ENV in warning and "export-head" in warning


def test_a_key_from_the_environment_is_not_warned_about(monkeypatch):
    monkeypatch.setenv(keys.KEY_ENV, base64.b64encode(b"s" * 32).decode())
    assert keys.key_location_warning() is None


def test_a_key_file_elsewhere_is_fine_but_not_beside_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    monkeypatch.setenv(keys.KEY_FILE_ENV, str(tmp_path / "secrets" / "audit_key"))
    assert keys.key_location_warning() is None
    monkeypatch.setattr(keys, "database_folder", lambda: tmp_path)
    assert "beside the database" in keys.key_location_warning()


def test_a_key_file_named_elsewhere_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    monkeypatch.setenv(keys.KEY_FILE_ENV, str(tmp_path / "audit_key"))
    keys.signing_key.cache_clear()
    try:
        public = keys.own_public_key()
        assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
    finally:
        monkeypatch.delenv(keys.KEY_FILE_ENV)
        keys.signing_key.cache_clear()
    assert public != keys.own_public_key()  # the data folder's key is another one


def test_serve_and_demo_print_the_warning_at_start_up(monkeypatch, capsys):
    """Both start the server through `_run_server`, which warns before serving."""
    import waitress

    from custodian import server_cli

    monkeypatch.delenv(keys.KEY_ENV, raising=False)
    monkeypatch.delenv(keys.KEY_FILE_ENV, raising=False)
    monkeypatch.setattr(server_cli, "build_application", lambda: None)
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: None)
    server_cli._run_server("127.0.0.1", 8000)
    out = " ".join(capsys.readouterr().out.split())
    assert "Warning: the audit signing key is kept in" in out and keys.KEY_ENV in out
    monkeypatch.setenv(keys.KEY_ENV, base64.b64encode(b"s" * 32).decode())
    server_cli._run_server("127.0.0.1", 8000)
    assert "signing key" not in capsys.readouterr().out
