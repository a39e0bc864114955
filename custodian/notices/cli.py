"""`custodian notices send`: due-soon, overdue and hold-ready notices (run it daily from cron)."""

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from custodian import djangoenv

console = Console()
notices_app = typer.Typer(help="Notices to patrons: due soon, overdue, ready to collect.")

KIND_WORDS = {
    "due_soon": "due soon",
    "overdue": "overdue",
    "hold_ready": "ready to collect",
}
CHANNEL_WORDS = {"email": "by email", "sms": "by text message", "phone": "by phone message"}


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@notices_app.command()
def send(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count the notices due and send nothing, write nothing."
    ),
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="Only this kind (repeatable): due_soon, overdue, hold_ready. Default: all three.",
        ),
    ] = None,
    as_json: bool = typer.Option(False, "--json", help="One JSON object, for machines."),
) -> None:
    """Send each notice that is due, once, by the patron's chosen channel."""
    kind = kind or []
    unknown = [k for k in kind if k not in KIND_WORDS]
    if unknown:
        _fail(f"unknown notice kind {unknown[0]!r}: choose due_soon, overdue or hold_ready")
    djangoenv.setup()
    from django.core.mail import InvalidMailer, mailers

    from custodian.notices.services import send_notices

    if not dry_run:
        try:
            mailers.default  # noqa: B018 - builds the backend: a bad CUSTODIAN_EMAIL_BACKEND stops here
        except InvalidMailer as error:
            _fail(f"mail is not set up ({error}); see docs/notices.md")

    kinds = tuple(dict.fromkeys(kind)) or tuple(KIND_WORDS)
    if as_json or dry_run:
        summary = send_notices(kinds=kinds, dry_run=dry_run)
    else:
        columns = (TextColumn("sending notices"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("send", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            summary = send_notices(kinds=kinds, dry_run=False, progress=progress)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "dry_run": summary.dry_run,
                    "sent": [
                        {"kind": k, "channel": c, "count": n}
                        for (k, c), n in sorted(summary.sent.items())
                    ],
                    "no_address": summary.no_address,
                    "no_gateway": summary.no_gateway,
                    "chose_no_notices": summary.chose_none,
                    "failed": summary.failed,
                }
            )
        )
    else:
        _print(summary)
    if summary.failed:
        raise typer.Exit(1)


def _print(summary) -> None:
    verb = "would be sent" if summary.dry_run else "sent"
    if not summary.sent:
        console.print(f"No notices {verb}." if summary.dry_run else "No notices were due.")
    order = list(KIND_WORDS)
    for (kind, channel), count in sorted(
        summary.sent.items(), key=lambda kc: order.index(kc[0][0])
    ):
        noun = "notice" if count == 1 else "notices"
        console.print(
            f"{count:,} {KIND_WORDS[kind]} {noun} {verb} {CHANNEL_WORDS.get(channel, channel)}"
        )
    if summary.chose_none:
        console.print(f"{summary.chose_none:,} notice(s) not sent: the patron asked for none.")
    if summary.no_address:
        console.print(
            f"{summary.no_address:,} notice(s) not sent: no email address or phone number on file."
        )
    if summary.no_gateway:
        console.print(
            f"{summary.no_gateway:,} text or phone notice(s) not sent: the library has set no "
            "gateway (CUSTODIAN_SMS_GATEWAY, CUSTODIAN_VOICE_GATEWAY)."
        )
    if summary.failed:
        console.print(
            f"[red]{summary.failed:,} notice(s) could not be sent; they will be tried again "
            "on the next run.[/red]"
        )
    if summary.dry_run:
        console.print("Dry run: nothing was sent and nothing was written.")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
    app.add_typer(notices_app, name="notices")
