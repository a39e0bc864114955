"""Command-line entry points for this domain (filled in by its own work)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
