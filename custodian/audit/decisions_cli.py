"""`custodian policy replay DRAFT_DIR` and `custodian audit check-decisions`.

Both decide recorded requests again and need the database, so they live here rather than
in the policy package (which stays free of Django); `custodian.audit.cli.register` adds
them to the `policy` and `audit` commands. Standard output carries only the report (with
--json, only JSON); the progress bar goes to standard error, and only to a terminal.
"""

import datetime as dt
import json
import sys
from contextlib import contextmanager
from pathlib import Path

import typer

OUTCOME_WORDS = {
    "release": "released",
    "partial_release": "partly released",
    "deny": "refused",
    "refer": "referred",
    "": "-",
}
CHANNEL_WORDS = {"in_person": "in person", "phone": "on the phone", "written": "in writing"}
CATEGORY_WORDS = {
    "unchanged": "unchanged",
    "loosened": "loosened (more released)",
    "tightened": "tightened (less released)",
    "other": "changed otherwise",
}


def _fail(message: str) -> None:
    sys.stderr.write(" ".join(str(message).split()) + "\n")
    raise typer.Exit(2)


def _since(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        _fail(f"--since: {text!r} is not a date (YYYY-MM-DD)")
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@contextmanager
def _progress(total: int, label: str):
    """advance(n) for a Rich bar on standard error when it is a terminal; else a no-op."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal or total < 1:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _outcome(o: dict) -> str:
    word = OUTCOME_WORDS.get(o["outcome"], o["outcome"])
    if o["outcome"] == "refer" and o.get("refer_to"):
        word += f" to the {o['refer_to'].replace('_', ' ')}"
    return word


def replay(
    draft_dir: str = typer.Argument(..., help="The draft profile folder."),
    since: str | None = typer.Option(
        None, "--since", metavar="DATE", help="Only what was decided on or after this day."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Decide every recorded disclosure request and audited read again under a draft
    profile, and list each one whose decision would change (sealed cases only counted)."""
    from custodian.policy.errors import ProfileError
    from custodian.policy.replay import draft_engine

    start = _since(since)
    folder = Path(draft_dir)
    if not (folder / "profile.toml").is_file():
        _fail(f"{draft_dir}: not a profile folder (no profile.toml)")
    try:
        draft, name = draft_engine(folder)
    except (ProfileError, OSError) as exc:
        _fail(f"{draft_dir}: {exc}")
    from custodian import djangoenv

    djangoenv.setup()
    from custodian.audit.replaying import replay_draft

    result = replay_draft(draft=draft, name=name, since=start, progress=_progress)
    result["draft"]["folder"] = str(folder)
    if as_json:
        typer.echo(json.dumps(result, indent=2, sort_keys=True))
        return
    _print_replay(result)


def _print_replay(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    draft, live = result["draft"], result["live"]
    console.print(
        f"Draft [bold]{draft['profile']}[/bold] {draft['policy_version']} against the policy in"
        f" force ({live['policy_version'] or 'none of that name'})"
        + (f", from {result['since']}" if result["since"] else "")
        + "."
    )
    table = Table("", *CATEGORY_WORDS.values(), "total", title="What the draft would change")
    for label, key in (("disclosure decisions", "disclosure"), ("audited reads", "reads")):
        counts = result["summary"][key]
        table.add_row(label, *(str(counts[c]) for c in CATEGORY_WORDS), str(sum(counts.values())))
    console.print(table)
    sealed = result["sealed"]
    if sealed["counted"]:
        console.print(
            f"Sealed cases: {sealed['counted']} decisions counted above, {sealed['changed']} of"
            " them would change; sealed cases are never listed."
        )
    if result["left_out"]:
        console.print(f"Left out: {result['left_out']} decisions under other profiles.")
    if result["skipped_reads"]:
        console.print(
            f"Not decided by the policy (the door refused before asking): "
            f"{result['skipped_reads']} audited entries."
        )
    for error in result["errors"]:
        console.print(f"[red]Could not decide {error['ref']}:[/red] {error['error']}")
    if not result["changes"]:
        console.print("No decision would change.")
        return
    console.print("[bold]Decisions that would change[/bold]")
    for row in result["changes"]:
        who = (row["role"] or row["requester"]).replace("_", " ")
        console.print(
            f"{row['ref']} ({row['at'][:16].replace('T', ' ')}), {who},"
            f" {CHANNEL_WORDS.get(row['channel'], row['channel'])}:"
            f" asked for {', '.join(row['requested'])}; {CATEGORY_WORDS[row['change']]}"
        )
        console.print(f"    now: {_outcome(row['old'])} ({_clauses(row['old'])})")
        console.print(f"    under the draft: {_outcome(row['new'])} ({_clauses(row['new'])})")
        if row["gained"]:
            console.print(f"    gained: {', '.join(row['gained'])}")
        if row["lost"]:
            console.print(f"    lost: {', '.join(row['lost'])}")


def _clauses(o: dict) -> str:
    return ", ".join(o["clauses"]) or "no clause cited"


def check_decisions(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
) -> None:
    """Decide every audited read and disclosure decision again under the policy version in
    force when it was made; list each the policy would not give (exit 1), else exit 0."""
    from custodian import djangoenv

    djangoenv.setup()
    from custodian.audit.replaying import check_all

    result = check_all(progress=_progress)
    if as_json:
        typer.echo(json.dumps(result, indent=2, sort_keys=True))
    else:
        _print_check(result)
    if result["findings"] or result["sealed_findings"] or result["tampered_versions"]:
        raise typer.Exit(1)


def _print_check(result: dict) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    console.print(
        f"Checked {result['reads_checked']:,} audited reads and {result['disclosures_checked']:,}"
        f" disclosure decisions against {result['versions']} recorded policy versions"
        f" ({result['reads_skipped']:,} entries the door refused without asking the policy)."
    )
    for v in result["tampered_versions"]:
        console.print(
            f"[red]Policy version {v['profile']} {v['policy_version']} ({v['digest'][:12]}):"
            " its stored text no longer matches its digest.[/red]"
        )
    if result["sealed_findings"]:
        console.print(
            f"[red]{result['sealed_findings']} decisions on sealed cases disagree with the"
            " policy (not listed; the Director can review them).[/red]"
        )
    if not result["findings"]:
        if not (result["tampered_versions"] or result["sealed_findings"]):
            console.print("Every decision is one the policy in force at the time gives.")
        return
    console.print("[bold]Disagreements[/bold] (decisions the policy in force then would not give)")
    for f in result["findings"]:
        version = f"{f['profile']} {f['policy_version'] or '(as it is now)'}"
        if f["version_chosen"] == "earliest":
            version += ", the earliest recorded version"
        console.print(f"{f['ref']} ({f['at'][:19].replace('T', ' ')}), under {version}:")
        for problem in f["problems"]:
            console.print(f"    {problem}")
