"""`custodian generate`: fill an empty database with a synthetic library."""

import typer
from rich.console import Console

from custodian import djangoenv

console = Console()


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
) -> None:
    """Generate a realistic synthetic library (patrons, loans, holds, charges, services)."""
    djangoenv.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # Imported here: the record models exist only once Django is set up.
    from custodian.synth import services

    try:
        summary = services.generate_library(
            patrons=patrons, seed=seed, branches=branches, console=console
        )
    except services.LibraryExists as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    services.print_summary(console=console, summary=summary)
    services.print_showcase(console=console)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
    app.command()(generate)
