"""`custodian purge`: apply the policy profile's retention periods (run it daily from cron)."""

import typer
from rich.console import Console
from rich.table import Table

from custodian import djangoenv

console = Console()


def purge(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what is due and change nothing (no audit entry either)."
    ),
    category: str = typer.Option(
        "",
        "--category",
        help="Only these categories, comma-separated: ill, fines, computer_sessions, "
        "searches, room_bookings, video, circulation_counts.",
    ),
) -> None:
    """Cut patron links (or delete rows) whose business is over and whose period has passed."""
    djangoenv.setup()
    from custodian.circulation.retention import UnknownCategory
    from custodian.circulation.retention import purge as run

    try:
        chosen = [c.strip() for c in category.split(",") if c.strip()] or None
        result = run(dry_run=dry_run, categories=chosen)
    except UnknownCategory as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    table = Table(title=f"Retention ({result.profile}){' - dry run' if dry_run else ''}")
    for column in ("category", "period (days)", "rows", "what happens"):
        table.add_column(column)
    for c in result.categories:
        table.add_row(c.name, "" if c.days is None else str(c.days), f"{c.rows:,}", c.what)
    console.print(table)
    if dry_run:
        console.print(f"dry run: {result.total:,} row(s) due; nothing changed")
    else:
        console.print(f"{result.total:,} row(s) changed; audit entry {result.audit_seq}")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
    from custodian.circulation import patrons_cli

    app.command()(purge)
    patrons_cli.register(app)
