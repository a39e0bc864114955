"""`custodian` sub-commands of the retention app (filled in by its issue-11 work)."""

import typer


def register(app: typer.Typer) -> None:
    del app
