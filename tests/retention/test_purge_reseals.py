"""The daily purge reseals the statistics at its end on PostgreSQL (`--no-reseal` skips it);
on SQLite, and in a dry run, it does not. The summary says which."""

import pytest
import typer
from django.db import connection
from typer.testing import CliRunner

from custodian.retention import cli as retention_cli
from custodian.retention.services import purge
from custodian.statistics import services as statistics
from custodian.statistics.models import Tally
from tests.records.factories import NOW, make_branch

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = connection.vendor == "postgresql"


def _xmins() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM statistics_tally")
        return {r[0] for r in cursor.fetchall()}


@pytest.fixture
def counted():
    branch = make_branch()
    # Three acts, three transactions: on PostgreSQL each row shows which came last.
    for act in ("computer_session", "room_booking", "ill_request"):
        statistics.count(act, branch_id=branch.pk, when=NOW)
    return dict(Tally.objects.values_list("act", "n"))


def _run(*args):
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Custodian (test harness)."""

    retention_cli.register(app)
    return CliRunner().invoke(app, ["purge", *args])


def test_a_real_run_reseals_on_postgresql_only(counted):
    result = purge(now=NOW)
    if POSTGRES:
        assert result.resealed == 3
        assert len(_xmins()) == 1
    else:
        assert result.resealed is None
    assert dict(Tally.objects.values_list("act", "n")) == counted


def test_no_reseal_and_dry_runs_leave_the_tally_as_it_was(counted):
    before = _xmins() if POSTGRES else None
    assert purge(now=NOW, reseal=False).resealed is None
    assert purge(now=NOW, dry_run=True).resealed is None
    if POSTGRES:
        assert _xmins() == before and len(before) == 3


def test_the_summary_says_what_happened_to_the_statistics(counted):
    done = _run()
    assert done.exit_code == 0, done.output
    if POSTGRES:
        assert "statistics resealed: 3 row(s) rewritten in key order" in done.output
    else:
        assert "nothing to reseal (SQLite" in done.output
    skipped = _run("--no-reseal")
    assert skipped.exit_code == 0, skipped.output
    assert "not resealed (--no-reseal)" in skipped.output
    dry = _run("--dry-run")
    assert "resealed" not in dry.output and "reseal" not in dry.output.replace("--no-reseal", "")
