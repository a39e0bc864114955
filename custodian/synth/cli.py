"""`custodian generate`: fill an empty database with a synthetic library."""

import typer
from rich.console import Console

from custodian import djangoenv
from custodian.synth.context import HISTORY_YEARS, MAX_HISTORY_YEARS, MIN_HISTORY_YEARS

console = Console()


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def generate(
    patrons: int = typer.Option(..., "--patrons", min=3, help="How many patrons to generate."),
    seed: int = typer.Option(
        1, "--seed", help="Random seed; the same seed gives the same library."
    ),
    branches: int | None = typer.Option(
        None,
        "--branches",
        min=1,
        max=200,
        help="Branches (default: one per 10,000 patrons, 3 to 20).",
    ),
    past_loans: int | None = typer.Option(
        None,
        "--past-loans",
        help=(
            "Exactly this many past loans (reading history of the patrons who opted in), "
            "spread over the last --history-years years (default: about one per patron, "
            "from the last two years)."
        ),
    ),
    history_years: int = typer.Option(
        HISTORY_YEARS,
        "--history-years",
        help="How many years back the past loans asked for with --past-loans reach.",
    ),
) -> None:
    """Generate a realistic synthetic library (patrons, loans, holds, charges, services)."""
    if past_loans is not None and past_loans < 0:
        _fail(f"--past-loans must be zero or more, not {past_loans:,}.")
    if not MIN_HISTORY_YEARS <= history_years <= MAX_HISTORY_YEARS:
        _fail(f"--history-years must be {MIN_HISTORY_YEARS} to {MAX_HISTORY_YEARS}.")
    djangoenv.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # Imported here: the record models exist only once Django is set up.
    from custodian.synth import services

    try:
        summary = services.generate_library(
            patrons=patrons,
            seed=seed,
            branches=branches,
            console=console,
            past_loans=past_loans,
            history_years=history_years,
        )
    except services.LibraryExists as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    except ValueError as exc:  # nothing was written: the library is one transaction
        _fail(f"{exc} Nothing was written.")
    services.print_summary(console=console, summary=summary)
    services.print_showcase(console=console)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
    app.command()(generate)
