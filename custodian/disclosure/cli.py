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
    from custodian.disclosure import vocab
    from custodian.disclosure.selectors import transparency

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
    sections = [
        ("By kind of requester", report["by_requester_kind"], vocab.REQUESTER_KINDS),
        ("By document", report["by_document_type"], vocab.INSTRUMENT_TYPES),
        ("By outcome at the desk", report["by_outcome"], vocab.OUTCOMES),
    ]
    for title, counts, labels in sections:
        table = Table(title=title, show_header=False)
        table.add_column("what")
        table.add_column("count", justify="right")
        for key, n in counts.items():
            table.add_row(labels.get(key, key), str(n))
        if not counts:
            table.add_row("none", "0")
        console.print(table)
    console.print(f"[italic]{report['note']}[/italic]")


def register(app: typer.Typer) -> None:
    app.command("transparency-report")(transparency_report)
