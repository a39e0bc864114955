"""`custodian sip2 serve` (issue 12)."""

import typer


def register(sip2: typer.Typer) -> None:
    """Add `serve` to the `sip2` command group."""
