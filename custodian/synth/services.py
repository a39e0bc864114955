"""The synthetic library's entry points: `generate_library` and the demo set-up.

`prepare_demo` is what `custodian demo` calls. Demo staff passwords are random per
installation and kept, in plain text, only in a file in the data directory that its owner
alone can read, so a reused demo database prints the same logins every time.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from rich.console import Console
from rich.table import Table

from custodian.accounts.models import Role
from custodian.records.models import Branch
from custodian.synth import desk_morning, disclosure_cases
from custodian.synth.context import HISTORY_YEARS
from custodian.synth.generator import (
    DEMO_PATRONS_FILE,
    LibraryExists,
    Summary,
    generate,
    library_exists,
)
from custodian.synth.private_files import read_json, write_private_json

__all__ = [
    "DemoLogin",
    "LibraryExists",
    "Summary",
    "generate_library",
    "prepare_demo",
    "print_summary",
]

LOGINS_FILE = "demo-logins.json"
# The desk's first morning looks up these three; the portal's reader and guardian are left
# to the person trying the demo (their "who has looked" starts empty).
MORNING_LABELS = ("adult", "teen", "child")
# The order the demo prints its patrons in: the four to sign in to the portal as, first.
PRINT_ORDER = ("adult", "reader", "guardian", "teen", "child")

# One demo login per staff role; desk staff and the manager work at the central library.
DEMO_USERS = (
    ("desk", Role.DESK),
    ("manager", Role.BRANCH_MANAGER),
    ("director", Role.DIRECTOR),
    ("designee", Role.DESIGNEE),
    ("itadmin", Role.IT_ADMIN),
    ("auditor", Role.AUDITOR),
)
BRANCH_ROLES = {Role.DESK, Role.BRANCH_MANAGER}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def generate_library(
    *,
    patrons: int,
    seed: int,
    branches: int | None = None,
    console: Console | None = None,
    past_loans: int | None = None,
    history_years: int = HISTORY_YEARS,
) -> Summary:
    """Generate a synthetic library into the (empty) configured database.

    `past_loans`: exactly this many past loans (opted-in reading history), spread over the
    last `history_years` years; None keeps what the circulation plan makes (about one per
    patron, the last two years). Raises ValueError, with nothing written, for a negative
    count or more than the library's opted-in patrons can have.
    """
    return generate(
        patrons=patrons,
        seed=seed,
        branches=branches,
        console=console,
        past_loans=past_loans,
        history_years=history_years,
    )


def prepare_demo(
    *, patrons: int, seed: int, console: Console | None, portal_url: str | None = None
) -> list[DemoLogin]:
    """Create the demo library on an empty database, or reuse the one already there.

    Returns one login per staff role. On a reused database the stored logins come back
    unchanged; if their file is gone, the demo users get new passwords and a new file.
    """
    console = console or Console(quiet=True)
    path = settings.DATA_DIR / LOGINS_FILE
    if library_exists():
        console.print("Reusing the demo library already in the database.")
        logins = _stored_logins()
        if logins is None:
            console.print(f"No stored demo logins; setting new passwords (kept in {path}).")
            logins = _reset_demo_users()
            write_private_json(path, [vars(login) for login in logins])
        else:
            _ensure_users(logins)
    else:
        console.print(f"Generating a demo library of {patrons:,} patrons (seed {seed}).")
        summary = generate(patrons=patrons, seed=seed, console=console)
        print_summary(console=console, summary=summary)
        logins = _reset_demo_users()
        write_private_json(path, [vars(login) for login in logins])
        calls = desk_morning.play(card_numbers=showcase_card_numbers(labels=MORNING_LABELS))
        console.print(
            f"A first morning at the desk: {calls} look-ups and actions through the door."
        )
        played = disclosure_cases.play(
            seed=seed, showcase={s.label: s.card_number for s in summary.showcase}
        )
        console.print(
            f"A week of disclosure requests: {len(played)} taken at the desk, "
            "carried on by the branch manager and the director as the policy decided."
        )
    print_showcase(console=console, portal_url=portal_url)
    return logins


def _stored_logins() -> list[DemoLogin] | None:
    data = read_json(settings.DATA_DIR / LOGINS_FILE)
    if not isinstance(data, list):
        return None
    try:
        logins = [DemoLogin(str(d["username"]), str(d["password"]), str(d["role"])) for d in data]
    except (KeyError, TypeError):
        return None
    return logins or None


def _home_branch() -> Branch | None:
    return Branch.objects.order_by("pk").first()


def _save_user(*, username: str, role: str, password: str, branch: Branch | None) -> None:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first() or user_model(username=username)
    user.role = role
    user.branch = branch if role in BRANCH_ROLES else None
    user.is_active = True
    user.set_password(password)  # Argon2, as configured
    user.save()


@transaction.atomic
def _reset_demo_users() -> list[DemoLogin]:
    branch = _home_branch()
    logins = []
    for username, role in DEMO_USERS:
        password = secrets.token_urlsafe(15)
        _save_user(username=username, role=role, password=password, branch=branch)
        logins.append(DemoLogin(username=username, password=password, role=role.value))
    return logins


@transaction.atomic
def _ensure_users(logins: list[DemoLogin]) -> None:
    """Recreate any stored demo user that has gone missing, with its stored password."""
    existing = set(
        get_user_model()
        .objects.filter(username__in=[x.username for x in logins])
        .values_list("username", flat=True)
    )
    branch = _home_branch()
    for login in logins:
        if login.username not in existing:
            _save_user(
                username=login.username, role=login.role, password=login.password, branch=branch
            )


def print_summary(*, console: Console, summary: Summary) -> None:
    table = Table(title="Synthetic library", show_edge=False)
    table.add_column("records")
    table.add_column("rows", justify="right")
    for name, rows in summary.written.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    console.print(
        f"{summary.patrons:,} patrons, {summary.branches} branches, "
        f"{summary.loan_transactions:,} loan transactions in {summary.seconds:.1f} s."
    )
    slow = sorted(summary.phase_seconds.items(), key=lambda kv: -kv[1])[:4]
    if slow:
        console.print(
            "Longest phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slow),
            highlight=False,
            soft_wrap=True,
        )


def showcase_card_numbers(*, labels: tuple[str, ...] | None = None) -> list[str]:
    """The showcase cards (only those with `labels`, in the stored order, when given)."""
    data = read_json(settings.DATA_DIR / DEMO_PATRONS_FILE)
    if not isinstance(data, dict):
        return []
    return [
        entry["card_number"]
        for entry in data.get("showcase", [])
        if labels is None or entry.get("label") in labels
    ]


def _policy_name() -> str:
    from custodian.policy import RequestError, get_engine

    try:
        return get_engine().profile(settings.CUSTODIAN_PROFILE).display_name
    except (RequestError, KeyError):
        return str(settings.CUSTODIAN_PROFILE)


def print_showcase(*, console: Console, portal_url: str | None = None) -> None:
    """Demo cards and their PINs, for the desk and for signing in to the portal; synthetic,
    so fine to print. No names."""
    path = settings.DATA_DIR / DEMO_PATRONS_FILE
    data = read_json(path)
    if not isinstance(data, dict) or not data.get("showcase"):
        return
    where = portal_url or "/my/ on the demo server"
    console.print(
        f"\n[bold]Demo patrons (sign in at {where})[/bold]", highlight=False, soft_wrap=True
    )
    console.print(f"  The library's policy: {_policy_name()}", highlight=False, soft_wrap=True)
    console.print(f"  {'card number':<15} {'PIN':<5} who", highlight=False, soft_wrap=True)
    order = {label: n for n, label in enumerate(PRINT_ORDER)}
    entries = sorted(data["showcase"], key=lambda e: order.get(e.get("label"), len(order)))
    for entry in entries:
        console.print(
            f"  {entry['card_number']:<15} {entry.get('pin', ''):<5} {entry['description']}",
            highlight=False,
            soft_wrap=True,
        )
    if data.get("alerts"):
        console.print("Cards the desk warns about:", soft_wrap=True)
        for entry in data["alerts"]:
            console.print(
                f"  {entry['card_number']}  {entry['description']}", highlight=False, soft_wrap=True
            )
    console.print(
        f"Every demo card's PIN follows the rule kept in {path}.", highlight=False, soft_wrap=True
    )
