"""`custodian stats`: the library's statistics for a year, small figures suppressed.

custodian stats --year 2026 --by branch,month [--counting checkout] [--csv | --json]
custodian stats reseal          # PostgreSQL: rewrite the tally in key order (daily)
"""

import csv
import json
import sys

import typer

stats_app = typer.Typer(
    help="The library's statistics (counts that name no one; small figures suppressed).",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@stats_app.callback()
def stats(
    ctx: typer.Context,
    year: int = typer.Option(None, "--year", help="Calendar year (default: this year)."),
    by: str = typer.Option(
        "branch,month",
        "--by",
        help="One or two breakdowns, comma-separated: branch, month, collection, item_type, "
        "age_band.",
    ),
    counting: str = typer.Option(
        "checkout",
        "--counting",
        help="What to count: checkout, return, renewal, hold_placed, hold_filled, "
        "hold_cancelled, hold_expired, program_registration, program_attendance, "
        "computer_session, room_booking, ill_request.",
    ),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV (the page's download)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Counts for a year by one or two breakdowns; any figure below the profile's minimum
    cell size is shown as "fewer than N", and others are withheld to protect it."""
    if ctx.invoked_subcommand is not None:
        return
    if as_csv and as_json:
        _fail("choose --csv or --json, not both")
    if year is not None and not 1900 <= year <= 9999:
        _fail("--year must be between 1900 and 9999")
    from custodian import djangoenv

    djangoenv.setup()
    from django.utils import timezone

    from custodian.statistics.selectors import BadChoice, report

    try:
        result = report(year=year or timezone.localdate().year, by=by, act=counting)
    except BadChoice as error:
        _fail(str(error))
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))
        return
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerows(result.csv_rows())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=result.title)
    head, *body, foot = result.csv_rows()
    for k, name in enumerate(head):
        table.add_column(name, justify="left" if k == 0 else "right")
    for line in body:
        table.add_row(*line)
    table.add_section()
    table.add_row(*foot, style="bold")
    # Wide tables (twelve months) stay whole when printed to a file or a pipe.
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    console.print(result.as_json()["note"], style="italic")


@stats_app.command("reseal")
def reseal() -> None:
    """PostgreSQL: rewrite the tally in key order, so no row shows when it was last counted
    (run daily, after `custodian purge`). Does nothing on SQLite, which needs none of it."""
    from custodian import djangoenv

    djangoenv.setup()
    from custodian.statistics.services import reseal as run

    rows = run()
    typer.echo(f"Rewrote {rows:,} statistics rows in key order." if rows else "Nothing to do.")


def register(app: typer.Typer) -> None:
    app.add_typer(stats_app, name="stats")
