"""`custodian holds list`: the legal holds in force and released, as counts (for IT and the
Director's reports). No patron, no case and no instrument is printed: the holds page
(/staff/holds/) is where the Director reads them. Closing an account is not a command: it
needs the patron's proof of identity at the desk, and expired cards are erased by
`custodian purge`."""

import json

import typer
from rich.console import Console
from rich.table import Table

from custodian import djangoenv

console = Console()
holds_app = typer.Typer(help="Legal holds on patrons' records.", no_args_is_help=True)


@holds_app.command("list")
def list_holds(as_json: bool = typer.Option(False, "--json", help="Print the counts as JSON.")):
    """How many legal holds are in force (sealed ones counted apart) and how many released."""
    djangoenv.setup()
    from custodian.holds.selectors import hold_counts

    counts = hold_counts()
    if as_json:
        print(json.dumps(counts))
        return
    table = Table(title="Legal holds")
    table.add_column("Holds")
    table.add_column("How many", justify="right")
    table.add_row("In force, placed from a disclosure case", str(counts["in_force_from_a_case"]))
    table.add_row("In force, placed by hand", str(counts["in_force_by_hand"]))
    table.add_row("In force, sealed (counted only)", str(counts["in_force_sealed"]))
    table.add_row("Released", str(counts["released"]))
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(holds_app, name="holds")
