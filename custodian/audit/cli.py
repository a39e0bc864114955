"""`custodian audit ...`: verify the log, sign a checkpoint, show the newest entries.

Django is set up inside each command, so the rest of `custodian` never pays for it.
"""

import json

import typer

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command()
def verify(
    chunk_size: int = typer.Option(2048, help="Entries fetched per database round trip."),
    workers: int = typer.Option(
        0,
        "--workers",
        "-j",
        min=0,
        help="Processes that hash the log (0: one per core, up to 4, for logs of "
        "200,000 entries or more; 1: this process only).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    all_signatures: bool = typer.Option(
        True,
        "--all-signatures",
        hidden=True,
        help="Kept for old scripts: every checkpoint's signature is always checked now.",
    ),
    all_roots: bool = typer.Option(
        False,
        "--all-roots",
        help="Also rebuild every checkpoint's Merkle root from the entries (slower; "
        "implied by --against).",
    ),
    against: str | None = typer.Option(
        None,
        "--against",
        metavar="FILE",
        help="A heads file written by `export-head`: the log must match every head in it.",
    ),
) -> None:
    """Check every entry, link, checkpoint (present, signed, Merkle root) and the head, and
    with --against every exported head; name the first bad entry."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from custodian import djangoenv

    djangoenv.setup()
    from custodian.audit import heads
    from custodian.audit.services import verify_log

    del all_signatures  # always on since issue 7; the option stays so old cron lines work
    console = Console(highlight=False)
    exported = None
    if against is not None:
        try:
            exported = heads.load(against)
        except heads.HeadsFileError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
    options = dict(chunk_size=chunk_size, workers=workers, against=exported, all_roots=all_roots)
    if quiet:
        result = verify_log(**options)
    else:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("verifying", total=None)
            result = verify_log(
                **options,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    console.print(f"entries: {result.count:,}")
    console.print(f"rate: {result.rate:,.0f} entries/s ({result.seconds:.2f} s)")
    if result.workers > 1:
        console.print(f"hashed by {result.workers} processes in parallel")
    if result.checkpoint:
        console.print(f"latest signed checkpoint: tree size {result.checkpoint:,}")
    if exported is not None and result.ok:
        newest = f" (newest: tree size {result.witnessed:,})" if result.witnessed else ""
        console.print(f"matches all {len(exported):,} exported heads{newest}")
    if result.ok:
        console.print("[green]chain intact[/green]")
        return
    console.print(f"[red]first bad entry: {result.first_bad}[/red]")
    console.print(f"[red]{result.reason}[/red]")
    raise typer.Exit(1)


@audit_app.command()
def checkpoint() -> None:
    """Sign the log as it stands (run it from cron, and keep the output somewhere else)."""
    from custodian import djangoenv

    djangoenv.setup()
    from custodian.audit import services

    cp = services.checkpoint()
    if cp is None:
        typer.echo("the log is empty; nothing to sign")
        return
    typer.echo(f"tree_size {cp.tree_size}")
    typer.echo(f"root_hash {cp.root_hash}")
    typer.echo(f"head_hash {cp.head_hash}")
    typer.echo(f"signed_at {cp.signed_at}")
    typer.echo(f"public_key {cp.public_key}")
    typer.echo(f"signature {cp.signature}")


@audit_app.command("export-head")
def export_head(
    file: str = typer.Argument(
        ..., help="The heads file (append-only, on another disk or machine)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Write even inside the data folder or beside the database."
    ),
) -> None:
    """Sign the log and append its head to FILE, outside the database (run it from cron).
    `verify --against FILE` then catches any later rewrite of what that head covers."""
    from custodian import djangoenv

    djangoenv.setup()
    from custodian.audit import heads, services

    try:
        head, added = services.export_head(path=file, force=force)
    except heads.HeadsFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if added:
        typer.echo(f"exported the head of {head.tree_size} entries to {file}")
    else:
        typer.echo(f"the head of {head.tree_size} entries is already in {file}")


@audit_app.command()
def tail(
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=10000),
    as_json: bool = typer.Option(False, "--json", help="The entries' codes, as JSON lines."),
) -> None:
    """The newest entries: when, who (staff username or 'patron'), role, what, why, the
    outcome, in words (codes only under --json). Patrons appear only as opaque references."""
    from rich.console import Console
    from rich.table import Table

    from custodian import djangoenv

    djangoenv.setup()
    from custodian.audit import wording
    from custodian.audit.selectors import latest_entries
    from custodian.words import when

    entries = latest_entries(limit=limit)
    if as_json:
        for e in entries:
            row = {
                "seq": e.seq,
                "recorded_at": e.recorded_at.isoformat(),
                "actor": e.actor,
                "role": e.role,
                "action": e.action,
                "purpose": e.purpose,
                "patron_ref": e.patron_ref,
                "fields": list(e.fields),
                "outcome": e.outcome,
            }
            typer.echo(json.dumps(row, sort_keys=True, default=str))
        return
    table = Table("no.", "when", "who", "role", "what", "why", "patron ref", "fields", "outcome")
    for e in entries:
        table.add_row(
            str(e.seq),
            when(e.recorded_at),
            e.actor,
            wording.role(e.role) if e.role else "-",
            wording.action(e.action),
            wording.purpose(e.purpose),
            e.patron_ref or "-",
            "; ".join(wording.field(f) for f in e.fields),
            wording.outcome(e.outcome),
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
    from custodian.audit import decisions_cli
    from custodian.policy.cli import policy_app

    audit_app.command("check-decisions")(decisions_cli.check_decisions)
    # `policy replay` reads the database, which the policy package may not import.
    policy_app.command("replay")(decisions_cli.replay)
    app.add_typer(audit_app, name="audit")
