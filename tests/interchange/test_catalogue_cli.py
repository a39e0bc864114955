"""`custodian import catalogue` and `custodian export catalogue`, as the IT person runs them."""

import pytest
import typer
from typer.testing import CliRunner

from custodian.interchange import catalogue_cli
from custodian.records.models import Branch, Item
from tests.interchange import catalogue_samples as s

pytestmark = pytest.mark.django_db


def _app() -> typer.Typer:
    app, importing, exporting = typer.Typer(), typer.Typer(), typer.Typer()
    catalogue_cli.register(importing, exporting)
    app.add_typer(importing, name="import")
    app.add_typer(exporting, name="export")
    return app


def _run(*args):
    return CliRunner().invoke(_app(), list(map(str, args)))


@pytest.fixture
def branches(db):
    return {code: Branch.objects.create(code=code, name=f"Branch {code}") for code in s.BRANCHES}


def test_import_sums_up_and_a_dry_run_changes_nothing(branches):
    sample = s.EXAMPLES / "catalogue.mrc"
    result = _run("import", "catalogue", sample, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing changed" in result.output
    assert "items created" in result.output and "489" in result.output
    assert "has no items; nothing to lend (skipped)" in result.output
    assert not Item.objects.exists()
    result = _run("import", "catalogue", sample)
    assert result.exit_code == 0, result.output
    assert Item.objects.count() == 489
    result = _run("import", "catalogue", sample, "--format", "marc")
    assert "items unchanged" in result.output and "489" in result.output


def test_errors_are_listed_with_record_numbers_and_exit_1(branches, tmp_path):
    records = [s.bib(control="9", items=(s.koha_item(barcode="33999000000011", branch="NOPE"),))]
    result = _run("import", "catalogue", s.write_marc(tmp_path / "bad.mrc", records))
    assert result.exit_code == 1
    assert "record 1 (control number 9): branch code 'NOPE'" in result.output
    assert "1 of 1 record(s) refused; nothing was written" in result.output
    assert not Item.objects.exists()


def test_a_file_that_is_not_marc_is_one_line(branches, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("shopping list")
    result = _run("import", "catalogue", path)
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: notes.txt is neither binary MARC")
    assert "Traceback" not in result.output
    result = _run("import", "catalogue", path, "--format", "csv")
    assert result.exit_code == 2 and "--format is auto, marc or marcxml" in result.output


def test_export_goes_by_the_file_ending(branches, tmp_path):
    _run("import", "catalogue", s.EXAMPLES / "catalogue.xml")
    result = _run("export", "catalogue", tmp_path / "all.xml")
    assert result.exit_code == 0, result.output
    assert "194 item(s) in" in result.output and "(marcxml)" in result.output
    assert (tmp_path / "all.xml").read_bytes().startswith(b"<?xml")
    result = _run("export", "catalogue", tmp_path / "all.mrc")
    assert result.exit_code == 0 and (tmp_path / "all.mrc").read_bytes()[:5].isdigit()
    result = _run("export", "catalogue", tmp_path / "nowhere" / "all.mrc")
    assert result.exit_code == 2 and "no folder" in result.output
