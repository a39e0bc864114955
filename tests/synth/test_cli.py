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


def test_generate_with_past_loans_makes_exactly_that_many(settings, tmp_path):
    from custodian.records.models import PastLoan

    settings.DATA_DIR = tmp_path
    result = CliRunner().invoke(
        _app(), ["generate", "--patrons", "40", "--seed", "9", "--past-loans", "2500"]
    )
    assert result.exit_code == 0, result.output
    assert PastLoan.objects.count() == 2500
    assert any("PastLoan" in line and "2,500" in line for line in result.output.splitlines()), (
        result.output
    )
    assert "Longest phases: " in result.output


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--past-loans", "-5"], "--past-loans must be zero or more"),
        (["--past-loans", "1000000"], "more than 40 patrons can have"),
        (["--past-loans", "50000"], "who keep a reading history can have at most"),
        (["--history-years", "0"], "--history-years must be 1 to 30"),
    ],
)
def test_generate_refuses_impossible_past_loans_with_nothing_written(
    settings, tmp_path, args, words
):
    settings.DATA_DIR = tmp_path
    result = CliRunner().invoke(_app(), ["generate", "--patrons", "40", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert not Patron.objects.exists()
    assert not Branch.objects.exists()
