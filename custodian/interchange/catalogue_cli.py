"""`custodian import catalogue` and `custodian export catalogue` (issue 12;
docs/import-catalogue.md)."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from custodian import djangoenv

console = Console()


def _say(message: str) -> None:
    console.print(message, markup=False, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = 2) -> None:
    _say(f"error: {message}")
    raise typer.Exit(code)


def _bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def import_catalogue(
    file: Annotated[Path, typer.Argument(help="The MARC file: binary MARC (.mrc) or MARCXML.")],
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check the file and count what would change; change nothing."
    ),
    fmt: str = typer.Option(
        "auto", "--format", help="auto (look at the file), marc (binary) or marcxml."
    ),
) -> None:
    """Bring in bibliographic records and their items (Koha 952 or MARC 852). All or
    nothing: any problem in any record, and nothing is written."""
    if fmt not in ("auto", "marc", "marcxml"):
        _fail(f"--format is auto, marc or marcxml, not {fmt!r}")
    djangoenv.setup()
    from custodian.interchange.catalogue_import import CatalogueFileError
    from custodian.interchange.catalogue_import import import_catalogue as run

    tasks: dict[str, int] = {}
    with _bar() as bar:

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done if total else 1, total=max(total, 1))

        try:
            result = run(path=file, fmt=fmt, dry_run=dry_run, progress=progress)
        except CatalogueFileError as error:
            bar.stop()
            _fail(str(error))
    for note in result.without_items:
        _say(note)
    if result.errors:
        for error in result.errors:
            _say(error)
        _say(
            f"{result.refused:,} of {result.records:,} record(s) refused; nothing was written "
            "(the import is all or nothing: mend the file and run it again)"
        )
        raise typer.Exit(1)
    title = f"Catalogue import from {file.name} ({result.fmt})"
    if dry_run:
        title += " - dry run: nothing changed"
    table = Table(title=title)
    table.add_column("")
    table.add_column("would be" if dry_run else "done", justify="right")
    table.add_row("records read", f"{result.records:,}")
    table.add_row("items created", f"{result.created:,}")
    table.add_row("items updated", f"{result.updated:,}")
    table.add_row("items unchanged", f"{result.unchanged:,}")
    table.add_row("records without items (skipped)", f"{len(result.without_items):,}")
    table.add_row("records refused", f"{result.refused:,}")
    console.print(table)
    if dry_run:
        _say("dry run: nothing changed")


def export_catalogue(
    file: Annotated[Path, typer.Argument(help="Where to write: FILE.mrc or FILE.xml.")],
    fmt: str = typer.Option(
        "auto", "--format", help="marc (binary) or marcxml; auto goes by the file's ending."
    ),
) -> None:
    """Write every item out as MARC 21 records with a Koha 952 per item. Catalogue only:
    nothing about loans or patrons."""
    if fmt == "auto":
        fmt = "marcxml" if file.suffix.lower() == ".xml" else "marc"
    if fmt not in ("marc", "marcxml"):
        _fail(f"--format is marc or marcxml, not {fmt!r}")
    if not file.parent.is_dir():
        _fail(f"no folder {file.parent} to write {file.name} into")
    djangoenv.setup()
    from custodian.interchange.catalogue_export import export_catalogue as run

    with _bar() as bar:
        task = bar.add_task("Writing items", total=1)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, 1))

        result = run(path=file, fmt=fmt, progress=progress)
    _say(f"{result.items:,} item(s) in {result.records:,} record(s) written to {file} ({fmt})")


def register(importing: typer.Typer, exporting: typer.Typer) -> None:
    """Add the catalogue commands to the import and export groups."""
    importing.command("catalogue")(import_catalogue)
    exporting.command("catalogue")(export_catalogue)
