"""`custodian import ...` and `custodian export ...`."""

import typer

from custodian.interchange import catalogue_cli, patrons_cli


def register(app: typer.Typer) -> None:
    importing = typer.Typer(
        help="Bring patrons and the catalogue in from another system (docs/import.md).",
        no_args_is_help=True,
    )
    exporting = typer.Typer(
        help="Write patrons and the catalogue out for another system (docs/import.md).",
        no_args_is_help=True,
    )
    patrons_cli.register(importing, exporting)
    catalogue_cli.register(importing, exporting)
    app.add_typer(importing, name="import")
    app.add_typer(exporting, name="export")
