"""docs/sip2.md keeps its promises in view: the table names every profile and purpose, and
the commands it gives are the ones the CLI has."""

from pathlib import Path

from typer.testing import CliRunner

from custodian.cli import app
from custodian.policy.kiosks import PURPOSES

DOC = Path(__file__).resolve().parents[2] / "docs" / "sip2.md"
PROFILES = ("westchester", "jackson-county", "jensen-memorial", "sonoma-county")


def test_the_table_covers_every_profile_and_purpose():
    text = DOC.read_text()
    assert "(sip2-server.md)" in text
    for profile in PROFILES:
        assert f"| {profile} |" in text
    for purpose in PURPOSES:
        assert purpose.replace("_", "-") in text
    assert "`BD` address, `BE` email, `BF` phone, birthdate | **never**" in text


def test_the_commands_in_the_doc_exist():
    runner = CliRunner()
    for command in ("create", "list", "disable", "enable"):
        shown = runner.invoke(app, ["sip2", "account", command, "--help"])
        assert shown.exit_code == 0 and f"custodian sip2 account {command}" in DOC.read_text()
