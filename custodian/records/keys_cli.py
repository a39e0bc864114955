"""`custodian keys status`, `custodian keys rotate` (the master key over the data keys) and
`custodian keys rotate-index` (the blind-index key), docs/encryption.md. Never prints a key:
only key ids (the first 8 hex of a key's SHA-256) and counts."""

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from custodian import djangoenv

keys_app = typer.Typer(
    help="The master key that wraps every patron's data key, and the index key that finds a "
    "patron by card or name: status and rotation.",
    no_args_is_help=True,
)
console = Console(highlight=False)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@keys_app.command("status")
def status() -> None:
    """How many data keys each master key wraps, and which index key is in use (ids only,
    never a key)."""
    djangoenv.setup()
    from custodian.records import rotation, sealing

    try:
        found = rotation.status()
    except sealing.SealingError as exc:
        _fail(str(exc))
    table = Table("master key", "data keys", "")
    for mid in found.masters:
        table.add_row(
            mid,
            f"{found.counts.get(mid, 0):,}",
            "current" if mid == found.current else "being retired",
        )
    for mid, n in found.counts.items():
        if mid not in found.masters:
            table.add_row(mid, f"{n:,}", "MISSING from the keyring: these keys cannot be opened")
    console.print(table)
    where = sealing.MASTER_ENV if found.from_env else str(sealing.keyring_file())
    console.print(f"Master keys come from {where}.")
    if len(found.masters) > 1:
        console.print(
            "A master key rotation is under way: run `custodian keys rotate` to finish it."
        )
    _index_status()


def _index_status() -> None:
    from custodian.records import index_rotation, sealing

    try:
        found = index_rotation.status()
    except sealing.SealingError as exc:
        _fail(str(exc))
    console.print(
        f"Index key {found.current} (finds patrons by card and name) comes from {found.where}."
    )
    if found.rotating:
        previous = ", ".join(found.keys[1:])
        console.print(
            f"An index key rotation is under way (previous key {previous}): run "
            "`custodian keys rotate-index` to finish it"
            + (
                f", then remove the previous key from {sealing.INDEX_ENV}."
                if found.source == "environment"
                else "."
            )
        )


def _progress() -> Progress:
    """A bar per pass: what it does, how far, how long."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@keys_app.command("rotate")
def rotate(
    batch_size: int = typer.Option(
        1000, "--batch-size", min=1, help="Data keys rewrapped per transaction."
    ),
) -> None:
    """Put a new master key in the keyring and rewrap every data key under it, in batches,
    while the library keeps working; then remove the old master. Interrupted, run it again:
    it carries on where it stopped."""
    djangoenv.setup()
    from custodian.records import rotation, sealing

    progress = _progress()
    task = progress.add_task("Rewrapping data keys", total=None)
    try:
        with progress:
            result = rotation.rotate(
                batch=batch_size,
                on_start=lambda total: progress.update(task, total=total),
                on_batch=lambda n: progress.advance(task, n),
            )
    except sealing.SealingError as exc:
        _fail(str(exc))
    console.print(f"Rewrapped {result.rewrapped:,} data keys under master key {result.current}.")
    if result.retired:
        console.print(
            f"Removed the old master key(s) {', '.join(result.retired)} from the keyring."
        )
    status = rotation.status()
    if status.from_env and len(status.masters) > 1:
        old = ", ".join(status.masters[1:])
        console.print(
            f"Now remove the old key(s) ({old}) from {sealing.MASTER_ENV}, keeping only the new one."
        )


@keys_app.command("rotate-index")
def rotate_index(
    batch_size: int = typer.Option(
        1000, "--batch-size", min=1, help="Patrons re-indexed per transaction."
    ),
) -> None:
    """Make a new index key current and recompute every patron's card and name index under it,
    in batches, while the library keeps working (lookups match under either key); then remove
    the old key. Interrupted, run it again: it carries on where it stopped."""
    djangoenv.setup()
    from django.db import DatabaseError

    from custodian.records import index_rotation, sealing

    progress = _progress()
    tasks: list = []

    def start(total: int) -> None:
        # The first pass rewrites; the next one checks that nothing was left behind.
        what = "Re-indexing patrons" if not tasks else "Checking every patron"
        tasks.append(progress.add_task(what, total=total))

    try:
        with progress:
            result = index_rotation.rotate(
                batch=batch_size,
                on_start=start,
                on_batch=lambda n: progress.advance(tasks[-1], n),
            )
    except sealing.SealingError as exc:
        _fail(str(exc))
    except DatabaseError as exc:
        # Never the database's own text: it can quote a row's values.
        _fail(
            f"the database refused a write ({type(exc).__name__}; busy with an import?). Every "
            "batch before it is kept: run `custodian keys rotate-index` again to carry on."
        )
    console.print(f"Re-indexed {result.rewritten:,} patrons under index key {result.current}.")
    if result.unreadable:
        console.print(
            f"{result.unreadable:,} patrons' card numbers did not open (their data key is gone): "
            "their index values were left as they were."
        )
    if result.retired:
        console.print(f"Removed the old index key(s) {', '.join(result.retired)} from the keyring.")
    if result.still_in_env:
        console.print(
            f"Now remove the old key(s) ({', '.join(result.still_in_env)}) from "
            f"{sealing.INDEX_ENV}, keeping only the new one, and restart Custodian."
        )


def register(app: typer.Typer) -> None:
    """Add `custodian keys ...` to the `custodian` command."""
    app.add_typer(keys_app, name="keys")
