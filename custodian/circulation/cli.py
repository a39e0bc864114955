"""`custodian` commands of the circulation domain (patrons); `custodian purge` is in
custodian/retention/cli.py."""

import typer


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
    from custodian.circulation import patrons_cli

    patrons_cli.register(app)
