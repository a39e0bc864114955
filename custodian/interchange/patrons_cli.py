"""`custodian import patrons` and `custodian export patrons` (issue 12; docs/import.md)."""

import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from custodian import djangoenv

console = Console(stderr=True)
FORMATS = ("koha", "csv")
# Errors listed in full up to this many; the rest are counted (every one is still refused).
SHOWN_ERRORS = 200


def _fail(message: str) -> None:
    console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def import_patrons(
    file: Path = typer.Argument(..., help="The patron CSV file."),  # noqa: B008
    format: str = typer.Option(  # noqa: A002 (the option's name)
        "koha", "--format", help="koha (Koha's patron import columns) or csv (with --mapping)."
    ),
    mapping: Path | None = typer.Option(  # noqa: B008
        None, "--mapping", help="For --format csv: a TOML file naming which column is which."
    ),
    history: Path | None = typer.Option(  # noqa: B008
        None,
        "--history",
        help="Past loans (cardnumber, barcode, issuedate, returndate), only for patrons who "
        "opted in to keeping their reading history.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Say what would be created, updated and refused; change nothing."
    ),
) -> None:
    """Bring patrons in from the system the library is leaving. All or nothing: one refused
    row and nothing is written (every problem is listed, by line number)."""
    if format not in FORMATS:
        _fail(f"--format is koha or csv, not {format!r}")
    if format == "csv" and mapping is None:
        _fail("--format csv needs --mapping MAP.toml (see docs/examples/patrons-mapping.toml)")
    if format == "koha" and mapping is not None:
        _fail("--mapping goes with --format csv; Koha's columns are built in")
    djangoenv.setup()
    from custodian.interchange.patron_import import import_file
    from custodian.interchange.patrons import KOHA, FileError, load_mapping

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        chosen = KOHA if mapping is None else load_mapping(mapping)
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("patrons", total=None)
            done = import_file(
                path=file,
                mapping=chosen,
                history_path=history,
                dry_run=dry_run,
                started=lambda total: bar.update(task, total=max(total, 1)),
                progress=lambda n: bar.advance(task, n),
            )
    except FileError as error:
        _fail(f"{error.message}. Nothing was changed.")
    report = done.report
    for message in report.errors[:SHOWN_ERRORS]:
        console.print(message, markup=False, highlight=False, soft_wrap=True)
    if len(report.errors) > SHOWN_ERRORS:
        console.print(f"... and {len(report.errors) - SHOWN_ERRORS:,} more problems")
    _summary(done, dry_run=dry_run)
    if report.errors:
        console.print(
            f"{len(report.errors):,} problem(s): nothing was changed. Mend the lines above and "
            "run the import again."
        )
        raise typer.Exit(1)
    if dry_run:
        console.print("dry run: nothing was changed")
    elif not report.written:
        console.print("Nothing to change: every patron is already as the file says.")
    else:
        console.print("Imported. One audit entry holds the counts.")


def _summary(done, *, dry_run: bool) -> None:
    report = done.report
    would = dry_run or bool(report.errors)
    table = Table(title="Patron import" + (" (nothing changed)" if would else ""))
    table.add_column("patrons")
    table.add_column("would be" if would else "done", justify="right")
    table.add_row("created", f"{report.created:,}")
    table.add_row("updated", f"{report.updated:,}")
    table.add_row("unchanged", f"{report.unchanged:,}")
    table.add_row("refused", f"{report.refused:,}")
    if report.history_added or report.history_unchanged:
        table.add_row("past loans added", f"{report.history_added:,}")
        table.add_row("past loans already here", f"{report.history_unchanged:,}")
    console.print(table)
    if done.left_behind:
        console.print(
            "Columns with values not brought across (Custodian keeps no such field): "
            + ", ".join(done.left_behind),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


def export_patrons(
    format: str = typer.Option("koha", "--format", help="koha: Koha's patron import columns."),  # noqa: A002
    output: Path | None = typer.Option(  # noqa: B008
        None, "--output", help="The file to write (default: standard output)."
    ),
    as_user: str = typer.Option(
        ..., "--as", help="Your staff username: the director or the director's designee."
    ),
    category: str = typer.Option(
        "PT", "--category", help="Koha's patron category code for every patron exported."
    ),
) -> None:
    """Write every patron's registration out for another system. Each patron's record is
    read through the library's policy and the read is in their access log."""
    if format != "koha":
        _fail(f"--format is koha, not {format!r}")
    if not category.strip() or "," in category:
        _fail("--category is one Koha category code, such as PT")
    djangoenv.setup()
    from custodian.door import DoorError
    from custodian.door.exports import export_patrons as exported
    from custodian.door.exports import export_reader

    try:
        reader = export_reader(as_user)
    except DoorError as error:
        _fail(f"{error.message} Nothing was exported.")
    left_out: list = []
    rows = exported(reader=reader, left_out=left_out)
    if output is None:
        count = _write(rows, sys.stdout, category)
    else:
        # Every patron's registration: readable by its owner only, and whole or not at all
        # (written beside the target, renamed at the end, removed if anything fails).
        part = output.with_name(output.name + ".part")
        try:
            descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as target:
                count = _write(rows, target, category)
            os.replace(part, output)
        finally:
            part.unlink(missing_ok=True)
    where = f" to {output}" if output else ""
    console.print(f"Exported {count:,} patron(s){where}; each read is in the patron's access log.")
    if left_out:
        console.print(
            f"{len(left_out):,} patron(s) left out: this library's policy withholds their card "
            "number from you, and another system could not know them without it."
        )


def _write(rows, target, category: str) -> int:
    from custodian.door import DoorError
    from custodian.interchange.patron_export import write_koha

    try:
        return write_koha(rows, target, category=category.strip())
    except DoorError as error:
        _fail(f"{error.message} Nothing was exported.")


def register(importing: typer.Typer, exporting: typer.Typer) -> None:
    """Add the patrons commands to the import and export groups."""
    importing.command("patrons")(import_patrons)
    exporting.command("patrons")(export_patrons)
