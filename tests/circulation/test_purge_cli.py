"""`custodian purge`, through Typer as the IT person (or cron) runs it."""

import datetime as dt

import pytest
import typer
from typer.testing import CliRunner

from custodian.audit.models import AuditEntry
from custodian.circulation import cli as circulation_cli
from custodian.circulation.services import record_search
from custodian.records.models import SearchRecord
from tests.records.factories import NOW, make_patron

pytestmark = pytest.mark.django_db(transaction=True)


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Custodian (test harness)."""

    circulation_cli.register(app)
    return app


@pytest.fixture
def old_search():
    patron = make_patron()
    record_search(
        database="catalogue",
        query="a private question",
        patron=patron,
        now=NOW - dt.timedelta(days=30),
    )
    return patron


def test_dry_run_counts_and_changes_nothing(old_search):
    before = AuditEntry.objects.count()
    result = CliRunner().invoke(_app(), ["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: 1 row(s) due; nothing changed" in result.output
    assert SearchRecord.objects.get().patron_id == old_search.pk
    assert AuditEntry.objects.count() == before


def test_a_run_applies_the_periods_and_names_its_audit_entry(old_search):
    result = CliRunner().invoke(_app(), ["purge", "--category", "searches"])
    assert result.exit_code == 0, result.output
    assert SearchRecord.objects.get().patron_id is None
    entry = AuditEntry.objects.order_by("-seq").first()
    assert f"audit entry {entry.seq}" in result.output
    assert entry.fields == ["retention.searches.1"]
    # The summary holds counts, never a row's content.
    assert "a private question" not in result.output and old_search.card_number not in result.output


def test_an_unknown_category_ends_with_exit_2_and_one_line(old_search):
    result = CliRunner().invoke(_app(), ["purge", "--category", "searches,everything"])
    assert result.exit_code == 2
    assert "No retention category everything" in result.output
    assert SearchRecord.objects.get().patron_id == old_search.pk
