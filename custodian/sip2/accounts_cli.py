"""`custodian sip2 account create|list|disable|enable` (issue 12, docs/sip2.md).

One account per machine. A password made up here is printed once and kept nowhere but
as an Argon2 hash; `--password-stdin` reads one (the machine's own configuration may
already hold it) so it never sits in the shell's history.
"""

import json
import sys

import typer
from rich.console import Console
from rich.table import Table

from custodian import djangoenv

console = Console()
err = Console(stderr=True)


def _fail(message: str) -> None:
    err.print(f"[red]{message}[/red] Nothing was changed.", highlight=False)
    raise typer.Exit(2)


def create(
    name: str = typer.Argument(..., help="The machine's login name (SIP2 CN), e.g. kiosk-main-1."),
    branch: str = typer.Option(..., "--branch", help="The branch code (the SIP institution id)."),
    purpose: str = typer.Option(
        ..., "--purpose", help="self-check, pc-booking or return: what the machine is for."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input (one line)."
    ),
) -> None:
    """Create a SIP account for one machine."""
    djangoenv.setup()
    from custodian.sip2 import services

    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("No password came on standard input.")
    try:
        made = services.create_account(
            name=name, branch_code=branch, purpose=purpose, password=password
        )
    except services.AccountRefused as refused:
        _fail(refused.message)
    a = made.account
    console.print(
        f"Created SIP account {a.name} ({a.purpose.replace('_', '-')}) at {a.branch_name} "
        f"(institution id {a.branch_code}).",
        highlight=False,
    )
    if made.password is not None:
        console.print(f"Password (shown once, keep it in the machine's settings): {made.password}")


def list_accounts(
    as_json: bool = typer.Option(False, "--json", help="Print the accounts as JSON."),
) -> None:
    """List the SIP accounts (never a password)."""
    djangoenv.setup()
    from custodian.sip2.selectors import list_accounts as accounts

    rows = accounts()
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "name": a.name,
                        "branch": a.branch_code,
                        "purpose": a.purpose,
                        "active": a.active,
                        "created_at": a.created_at.isoformat(),
                        "last_login_at": a.last_login_at.isoformat() if a.last_login_at else None,
                    }
                    for a in rows
                ],
                indent=2,
            )
        )
        return
    if not rows:
        console.print("No SIP accounts yet. Create one with: custodian sip2 account create")
        return
    table = Table(title="SIP accounts")
    for heading in ("Name", "Branch", "Purpose", "Active", "Created", "Last signed in"):
        table.add_column(heading)
    for a in rows:
        table.add_row(
            a.name,
            a.branch_code,
            a.purpose.replace("_", "-"),
            "yes" if a.active else "no",
            f"{a.created_at:%Y-%m-%d %H:%M}",
            f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else "never",
        )
    console.print(table)


def disable(name: str = typer.Argument(..., help="The account to turn off.")) -> None:
    """Turn a machine's account off: it cannot sign in, and is refused at its next message."""
    djangoenv.setup()
    from custodian.sip2 import services

    try:
        changed = services.disable_account(name=name)
    except services.AccountRefused as refused:
        _fail(refused.message)
    console.print(
        f"SIP account {name} is turned off." if changed else f"SIP account {name} was already off.",
        highlight=False,
    )


def enable(name: str = typer.Argument(..., help="The account to turn back on.")) -> None:
    """Turn a machine's account back on (also lifts a lock after too many wrong logins)."""
    djangoenv.setup()
    from custodian.sip2 import services

    try:
        services.enable_account(name=name)
    except services.AccountRefused as refused:
        _fail(refused.message)
    console.print(f"SIP account {name} may sign in.", highlight=False)


def register(sip2: typer.Typer) -> None:
    """Add the `account` sub-group to the `sip2` command group."""
    account = typer.Typer(help="The accounts SIP2 machines sign in with.", no_args_is_help=True)
    account.command("create")(create)
    account.command("list")(list_accounts)
    account.command("disable")(disable)
    account.command("enable")(enable)
    sip2.add_typer(account, name="account")
