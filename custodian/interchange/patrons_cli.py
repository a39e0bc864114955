"""`custodian import patrons` and `custodian export patrons` (issue 12)."""

import typer


def register(importing: typer.Typer, exporting: typer.Typer) -> None:
    """Add the patrons commands to the import and export groups."""
