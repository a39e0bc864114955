"""`custodian patrons unlock-portal CARD`: lift a card's online sign-in lock from the shell.

The same as the desk's "Unlock online sign-in" button (custodian/desk/pin_views.py), for a
library that runs its desk tasks from a terminal. Only after the patron has proved who they
are at the desk. Audited (actor "custodian-cli"); prints no card number and no name (the
terminal's scrollback is a log too).
"""

import json

import typer
from rich.console import Console

from custodian import djangoenv
from custodian.circulation.patrons_cli import patrons_app

console = Console()


def unlock_portal(
    card: str = typer.Argument(..., help="The patron's library card number."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Lift the lock on a card's online sign-in after too many wrong PINs. Audited."""
    djangoenv.setup()
    from custodian.door import PatronNotFound
    from custodian.portal import services_signin

    if not "".join(card.split()):
        console.print("[red]Give the patron's library card number.[/red]")
        raise typer.Exit(2)
    try:
        had_lock = services_signin.unlock(user=None, card_number=card)
    except PatronNotFound:
        console.print("[red]No patron account has that card number. Nothing was changed.[/red]")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps({"unlocked": had_lock}))
    elif had_lock:
        console.print("Online sign-in is unlocked for that card. The unlock is in the audit log.")
    else:
        console.print("Online sign-in was not locked for that card; nothing to unlock.")


def register(app: typer.Typer) -> None:
    """Adds to the `custodian patrons` group (custodian/circulation/patrons_cli.py)."""
    patrons_app.command("unlock-portal")(unlock_portal)
