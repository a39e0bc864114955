"""`custodian sip2 account create|list|disable` (issue 12)."""

import typer


def register(sip2: typer.Typer) -> None:
    """Add the `account` sub-group to the `sip2` command group."""
