"""`custodian generate` on a small library, through Typer as a user would run it."""

import pytest
import typer
from typer.testing import CliRunner

from custodian.records.models import Branch, Patron
from custodian.synth import cli as synth_cli

# The command runs migrate and commits its own transactions.
pytestmark = pytest.mark.django_db(transaction=True)


def _app() -> typer.Typer:
    # Only this package's command, so the test does not depend on other commands' state.
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Custodian (test harness)."""

    synth_cli.register(app)
    return app


def test_generate_command_builds_a_small_library_and_refuses_to_mix(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    runner = CliRunner()
    result = runner.invoke(
        _app(), ["generate", "--patrons", "40", "--seed", "9", "--branches", "2"]
    )
    assert result.exit_code == 0, result.output
    assert Patron.objects.count() == 40
    assert Branch.objects.count() == 2
    assert "40 patrons, 2 branches" in result.output
    for first, last in Patron.objects.values_list("first_name", "last_name"):
        assert f"{first} {last}" not in result.output

    again = runner.invoke(_app(), ["generate", "--patrons", "40"])
    assert again.exit_code == 1
    assert "already holds a library" in again.output
    assert Patron.objects.count() == 40


def test_generate_needs_a_patron_count():
    result = CliRunner().invoke(_app(), ["generate"])
    assert result.exit_code != 0
