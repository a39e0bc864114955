"""`custodian import catalogue` and `custodian export catalogue` (issue 12)."""

import typer


def register(importing: typer.Typer, exporting: typer.Typer) -> None:
    """Add the catalogue commands to the import and export groups."""
