"""`custodian staff ...`: the IT administrator runs the staff accounts from the command line.

Every change is audited (custodian/accounts/services.py) with the person at the keyboard as
actor: the operating-system user, marked "(command line)" so it cannot be mistaken for a
staff username (which has no spaces). Passwords are read without echo and never printed.
"""

import getpass
import json
import sys

import typer
from rich.console import Console
from rich.table import Table

from custodian import djangoenv

staff_app = typer.Typer(
    help="Staff accounts: create, list, change role, unlock.", no_args_is_help=True
)
console = Console()

# The audit entry's role: the command line is the IT administrator's tool.
ACTOR_ROLE = "it_admin"


def actor() -> str:
    try:
        who = getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        who = "it_admin"
    return f"{who} (command line)"


def _fail(message: str) -> None:
    sys.stderr.write("error: " + " ".join(str(message).split()) + "\n")
    raise typer.Exit(2)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            _fail("no password on standard input; nothing changed")
        return password
    first = typer.prompt("Password", hide_input=True, default="", show_default=False)
    if not first:
        _fail("no password given; nothing changed")
    second = typer.prompt("Password again", hide_input=True, default="", show_default=False)
    if first != second:
        _fail("the two passwords differ; nothing changed")
    return first


def _run(call, *args, **kwargs):
    from custodian.accounts.services import StaffError

    try:
        return call(*args, **kwargs)
    except StaffError as e:
        _fail(str(e))


PASSWORD_STDIN = typer.Option(
    False, "--password-stdin", help="Read the password from one line of standard input."
)


@staff_app.command()
def create(
    username: str = typer.Argument(..., help="The new staff member's sign-in name."),
    role: str = typer.Option(
        ..., "--role", help="desk, branch_manager, director, designee, it_admin or auditor."
    ),
    branch: str = typer.Option("", "--branch", help="Their branch: its code or name."),
    password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Create a staff account (asks for the password twice, without showing it)."""
    djangoenv.setup()
    from custodian.accounts import services

    # Refuse a bad role, branch or taken name before asking for a password.
    _run(services.resolve_role, role)
    if branch:
        _run(services.resolve_branch, branch)
    from custodian.accounts.models import StaffUser

    if StaffUser.objects.filter(username=username).exists():
        _fail(f"staff account {username!r} already exists; nothing changed")
    password = _read_password(password_stdin)
    user = _run(
        services.create_staff,
        username=username,
        role=role,
        password=password,
        branch=branch or None,
        actor=actor(),
        actor_role=ACTOR_ROLE,
    )
    where = f" at {user.branch.name}" if user.branch else ""
    console.print(f"Created {user.username}: {user.get_role_display()}{where}.", highlight=False)


def _json_row(row) -> dict:
    signed_in = row.last_sign_in.isoformat() if row.last_sign_in else None
    return {**row.__dict__, "last_sign_in": signed_in}


@staff_app.command("list")
def list_staff(
    as_json: bool = typer.Option(False, "--json", help="One JSON array, for scripts."),
) -> None:
    """Every staff account: username, role, branch, active, locked out. No patron data."""
    djangoenv.setup()
    from custodian.accounts.selectors import staff_rows

    rows = staff_rows()
    if as_json:
        typer.echo(json.dumps([_json_row(row) for row in rows], indent=2))
        return
    if not rows:
        console.print("No staff accounts yet: custodian staff create NAME --role director")
        return
    table = Table(title="Staff accounts")
    for column in ("id", "username", "role", "branch", "active", "locked out"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r.id),
            r.username,
            r.role_label,
            r.branch or "-",
            "yes" if r.active else "no",
            "yes" if r.locked else "no",
        )
    # A console made now, so it takes the terminal's width (COLUMNS) at this run.
    Console().print(table)


@staff_app.command("set-role")
def set_role(
    username: str = typer.Argument(...),
    role: str = typer.Argument(
        ..., help="desk, branch_manager, director, designee, it_admin or auditor."
    ),
) -> None:
    """Give a staff member another role."""
    djangoenv.setup()
    from custodian.accounts import services

    changed = _run(
        services.set_role, username=username, role=role, actor=actor(), actor_role=ACTOR_ROLE
    )
    user = services.get_staff(username)
    if changed:
        console.print(f"{username} is now: {user.get_role_display()}.", highlight=False)
    else:
        console.print(f"{username} already is: {user.get_role_display()}; nothing changed.")


@staff_app.command("set-branch")
def set_branch(
    username: str = typer.Argument(...),
    branch: str = typer.Argument(..., help="The branch's code or name; '-' for none."),
) -> None:
    """Move a staff member to another branch (or to none)."""
    djangoenv.setup()
    from custodian.accounts import services

    target = None if branch.strip() in ("", "-") else branch
    changed = _run(
        services.set_branch,
        username=username,
        branch=target,
        actor=actor(),
        actor_role=ACTOR_ROLE,
    )
    user = services.get_staff(username)
    where = user.branch.name if user.branch else "no branch"
    if changed:
        console.print(f"{username} is now at: {where}.", highlight=False)
    else:
        console.print(f"{username} already is at: {where}; nothing changed.", highlight=False)


@staff_app.command()
def deactivate(username: str = typer.Argument(...)) -> None:
    """Stop a staff member signing in (their open sessions end too)."""
    djangoenv.setup()
    from custodian.accounts import services

    if _run(services.deactivate, username=username, actor=actor(), actor_role=ACTOR_ROLE):
        console.print(f"{username} can no longer sign in.", highlight=False)
    else:
        console.print(f"{username} was already inactive; nothing changed.", highlight=False)


@staff_app.command()
def unlock(username: str = typer.Argument(...)) -> None:
    """Clear the failed sign-ins that paused a staff member's sign-in."""
    djangoenv.setup()
    from custodian.accounts import services

    if _run(services.unlock, username=username, actor=actor(), actor_role=ACTOR_ROLE):
        console.print(f"{username} may sign in again.", highlight=False)
    else:
        console.print(f"{username} has no failed sign-ins; nothing changed.", highlight=False)


@staff_app.command("reset-password")
def reset_password(
    username: str = typer.Argument(...),
    password_stdin: bool = PASSWORD_STDIN,
) -> None:
    """Set a new password for a staff member (asks twice, without showing it)."""
    djangoenv.setup()
    from custodian.accounts import services

    _run(services.get_staff, username)  # an unknown name is refused before the prompt
    password = _read_password(password_stdin)
    _run(
        services.reset_password,
        username=username,
        password=password,
        actor=actor(),
        actor_role=ACTOR_ROLE,
    )
    console.print(f"New password set for {username}.", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(staff_app, name="staff")
