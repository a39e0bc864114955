"""`custodian patrons ...`: desk tasks on patron records that have no screen yet."""

import datetime as dt
import json

import typer
from rich.console import Console

from custodian import djangoenv

console = Console()
patrons_app = typer.Typer(help="Patron records: linking a guardian's card.", no_args_is_help=True)

RELATIONSHIPS = ("parent", "guardian", "caretaker", "other")


@patrons_app.command("link-guardian")
def link_guardian(
    child_card: str = typer.Argument(..., help="The child's library card number."),
    guardian_card: str = typer.Argument(..., help="The guardian's own library card number."),
    relationship: str = typer.Option(
        "parent", "--relationship", help="parent, guardian, caretaker or other."
    ),
    financially_responsible: bool = typer.Option(
        False, "--financially-responsible", help="They signed to accept financial responsibility."
    ),
    signed_on: str = typer.Option(
        "", "--signed-on", help="The day they signed for financial responsibility (YYYY-MM-DD)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Link a guardian's own card to a child's record, after checking at the desk the
    guardian's photo ID and the relationship. The guardian then sees the child's account in
    the portal as far as the library's policy allows for the child's age. Audited."""
    if relationship not in RELATIONSHIPS:
        console.print(f"[red]Choose the relationship: {', '.join(RELATIONSHIPS)}.[/red]")
        raise typer.Exit(2)
    day = None
    if signed_on:
        try:
            day = dt.date.fromisoformat(signed_on)
        except ValueError:
            console.print("[red]The signing day must be a date like 2026-12-02.[/red]")
            raise typer.Exit(2) from None
    djangoenv.setup()
    from custodian.circulation.errors import CirculationError
    from custodian.circulation.guardians import link_guardian_by_cards

    try:
        party = link_guardian_by_cards(
            child_card=child_card,
            guardian_card=guardian_card,
            relationship=relationship,
            financially_responsible=financially_responsible,
            signed_on=day,
        )
    except CirculationError as error:
        console.print(f"[red]{error.message} Nothing was changed.[/red]")
        raise typer.Exit(2) from None
    # Opaque refs only: the terminal's scrollback is a log too.
    result = {"child": str(party.patron.ref), "guardian": str(party.guardian_patron.ref)}
    if as_json:
        print(json.dumps({**result, "relationship": relationship}))
    else:
        console.print(
            f"Linked: the guardian's card (patron {result['guardian']}) to the child's record "
            f"(patron {result['child']}) as {relationship}. The link is in the audit log."
        )


def register(app: typer.Typer) -> None:
    app.add_typer(patrons_app, name="patrons")
