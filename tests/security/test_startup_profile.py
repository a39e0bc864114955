"""A CUSTODIAN_PROFILE that names no profile stops `serve` and `demo` before the database."""

import pytest
import typer

from custodian.server_cli import check_profile
from tests.security._subprocess import run_custodian

KNOWN = ("jackson-county", "jensen-memorial", "sonoma-county", "westchester")


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["demo", "--no-serve"]])
def test_an_unknown_profile_stops_the_command_with_one_line_and_status_2(tmp_path, command):
    data = tmp_path / "data"
    result = run_custodian(command, data, timeout=60, CUSTODIAN_PROFILE="sonoma-countty")
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "CUSTODIAN_PROFILE='sonoma-countty' names no profile" in lines[0]
    for name in KNOWN:
        assert name in lines[0]
    assert "Traceback" not in result.stderr
    # Stopped before the database: no SQLite file was created, nothing was served.
    assert not (data / "custodian.sqlite3").exists()
    assert "serving" not in result.stdout


def test_a_known_profile_passes(settings):
    settings.CUSTODIAN_PROFILE = "westchester"
    check_profile()  # no exit
    settings.CUSTODIAN_PROFILE = ""
    with pytest.raises(typer.Exit) as stopped:
        check_profile()
    assert stopped.value.exit_code == 2
