"""`custodian transparency-report`: counts of disclosure requests for the board.

Requests under a secrecy order (FISA / nondisclosure) are left out while sealed, and the
report says that it may omit them.
"""

import json

import typer


def transparency_report(
    year: int = typer.Option(..., "--year", min=1900, max=9999, help="Calendar year to report on."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Counts of requests for patron information by requester, document and outcome."""
    from custodian import djangoenv

    djangoenv.setup()
    from custodian.disclosure.selectors import transparency
    from custodian.words import word_for

    report = transparency(year)
    if as_json:
        typer.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]Requests for patron information, {year}[/bold]: {report['total']} reported; "
        f"disclosure packages produced for {report['releases']}."
    )
    console.print(
        "Decisions where the Director overrode the policy engine's answer to disclose more, "
        f"with counsel's review: {report['overrides']}."
    )
    sections = [
        ("By kind of requester", report["by_requester_kind"], "kind"),
        ("By document", report["by_document_type"], "instrument"),
        ("By outcome at the desk", report["by_outcome"], "outcome"),
    ]
    for title, counts, kind in sections:
        table = Table(title=title, show_header=False)
        table.add_column("what")
        table.add_column("count", justify="right")
        for key, n in counts.items():
            # Codes only under --json; here the labels the board page shows.
            what = "No document" if key == "none" and kind == "instrument" else word_for(key, kind)
            table.add_row(what, str(n))
        if not counts:
            table.add_row("none", "0")
        console.print(table)
    console.print(f"[italic]{report['note']}[/italic]")
    console.print(f"[italic]{report['suppression']}[/italic]")


def register(app: typer.Typer) -> None:
    app.command("transparency-report")(transparency_report)
