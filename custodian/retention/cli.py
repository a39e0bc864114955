"""`custodian purge`: apply the profile's retention schedule (daily, from cron or a systemd
timer; docs/retention.md)."""

import datetime as dt

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from custodian import djangoenv

console = Console()


def _fail(message: str) -> None:
    console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def purge(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would go and change nothing (no audit entry either)."
    ),
    category: list[str] = typer.Option(  # noqa: B008
        [],
        "--category",
        help="Only this category (repeat for more; commas work too): registration, "
        "reading_history, holds, charges, programs, computer_sessions, room_bookings, "
        "reference_interviews, ill, searches, video, cases, audit, circulation_counts.",
    ),
    before: str = typer.Option(
        "",
        "--before",
        help="Only records whose business ended before this day (YYYY-MM-DD), and that are "
        "past their period.",
    ),
    batch_size: int = typer.Option(
        10_000,
        "--batch-size",
        min=1,
        help="Rows in the first transaction; later ones grow or shrink to take a fraction of a second each (the write lock the desk waits behind).",
    ),
    no_reseal: bool = typer.Option(
        False,
        "--no-reseal",
        help="Do not reseal the statistics at the end (PostgreSQL; `custodian stats reseal` "
        "does it on its own).",
    ),
) -> None:
    """Delete or make anonymous the records past the profile's retention schedule, in short
    batches. Killed half-way, the next run finishes the work."""
    day = None
    if before:
        try:
            day = dt.date.fromisoformat(before)
        except ValueError:
            _fail(f"--before needs a date like 2026-01-31, not {before!r}")
    chosen = [c.strip() for given in category for c in given.split(",") if c.strip()] or None
    djangoenv.setup()
    from custodian.retention.services import UnknownCategory, check_categories
    from custodian.retention.services import purge as run

    try:
        check_categories(chosen)
    except UnknownCategory as error:
        _fail(str(error))

    columns = (
        TextColumn("[bold]{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    tasks: dict[str, int] = {}
    with Progress(*columns, console=console, transient=False) as bar:

        def progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=max(total, 1))
            bar.update(tasks[name], completed=done if total else 1, total=max(total, 1))

        try:
            result = run(dry_run=dry_run, categories=chosen, before=day, batch_size=batch_size,
                         progress=progress, reseal=not no_reseal)  # fmt: skip
        except UnknownCategory as error:
            bar.stop()
            _fail(str(error))
    title = f"Retention ({result.profile})" + (" - dry run: nothing changed" if dry_run else "")
    table = Table(title=title)
    table.add_column("category")
    table.add_column("rule")
    table.add_column("would go" if dry_run else "removed or made anonymous", justify="right")
    table.add_column("kept for a legal hold", justify="right")
    for c in result.categories:
        held = ""
        if c.held or c.held_sealed:
            held = f"{c.held + c.held_sealed:,}"
            if c.held_sealed:
                held += f" ({c.held_sealed:,} under a sealed hold)"
        rows = "-" if c.action == "keep" else f"{c.rows:,}"
        if c.blocked:
            rows += f" ({c.blocked:,} cannot be erased yet: items still out)"
        table.add_row(c.name, c.what, rows, held)
    console.print(table)
    if dry_run:
        console.print(f"dry run: {result.total:,} row(s) due; nothing changed")
    else:
        again = "resumed an interrupted run; " if result.resumed else ""
        console.print(
            f"{again}{result.total:,} row(s) changed in {result.batches:,} batch(es), "
            f"one audit entry each; {result.held:,} kept for a legal hold"
        )
        console.print(_reseal_line(result.resealed, skipped=no_reseal))


def _reseal_line(resealed: int | None, *, skipped: bool) -> str:
    if skipped:
        return "statistics: not resealed (--no-reseal); run `custodian stats reseal` daily instead"
    if resealed is None:
        return "statistics: nothing to reseal (SQLite keeps the tally in key order)"
    return f"statistics resealed: {resealed:,} row(s) rewritten in key order"


def register(app: typer.Typer) -> None:
    """Add this app's commands to the `custodian` command."""
    app.command()(purge)
