"""`custodian purge`, through Typer as the IT person (or cron) runs it."""

import datetime as dt

import pytest
import typer
from typer.testing import CliRunner

from custodian.audit.models import AuditEntry
from custodian.circulation.services import record_search
from custodian.records.models import PastLoan, SearchRecord
from custodian.retention import cli as retention_cli
from tests.records.factories import make_patron
from tests.retention import rows

pytestmark = pytest.mark.django_db(transaction=True)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Custodian (test harness)."""

    retention_cli.register(app)
    return app


def _run(*args):
    return CliRunner().invoke(_app(), ["purge", *args])


@pytest.fixture
def old_search():
    patron = make_patron()
    # The wall clock decides here: the command has no --now.
    record_search(
        database="catalogue",
        query="a private question",
        patron=patron,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(days=30),
    )
    return patron


def test_dry_run_counts_and_changes_nothing(old_search):
    before = AuditEntry.objects.count()
    result = _run("--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: 1 row(s) due; nothing changed" in result.output
    assert "searches" in result.output and "Catalogue and" in result.output  # rule in words
    assert SearchRecord.objects.get().patron_id == old_search.pk
    assert AuditEntry.objects.count() == before


def test_a_run_applies_the_schedule_and_sums_up(old_search):
    result = _run("--category", "searches")
    assert result.exit_code == 0, result.output
    assert SearchRecord.objects.get().patron_id is None
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.fields == ["retention.searches.1"]
    assert "1 row(s) changed in 1 batch(es), one audit entry each" in result.output
    # The summary holds counts, never a row's content.
    assert "a private question" not in result.output
    assert old_search.card_number not in result.output


def test_category_repeats_and_takes_commas(old_search):
    patron = make_patron(keeps_reading_history=True)
    rows.reading_history(dt.datetime.now(dt.UTC) - dt.timedelta(days=4000), patron=patron)
    result = _run("--category", "searches", "--category", "reading_history,audit")
    assert result.exit_code == 0, result.output
    assert not PastLoan.objects.exists() and SearchRecord.objects.get().patron_id is None
    assert "kept for good" in result.output


def test_before_takes_a_date(old_search):
    day = (dt.date.today() - dt.timedelta(days=60)).isoformat()
    result = _run("--before", day, "--category", "searches")
    assert result.exit_code == 0, result.output
    assert SearchRecord.objects.get().patron_id == old_search.pk  # searched 30 days ago


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--category", "searches,everything"), "error: No retention category everything; "),
        (("--before", "last tuesday"), "error: --before needs a date like 2026-01-31"),
    ],
)
def test_bad_options_end_with_exit_2_one_line_and_nothing_changed(old_search, args, message):
    result = _run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "choose from registration, reading_history" in result.output or "--before" in message
    assert SearchRecord.objects.get().patron_id == old_search.pk
    assert not AuditEntry.objects.filter(action="purge").exists()
