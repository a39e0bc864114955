"""`custodian decide` and `custodian policy list|show|check`.

Bad input never produces a traceback: the command exits with status 2 and one line on
standard error naming the problem (and, with --jsonl, the input line).
"""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from custodian.policy.errors import ProfileError, RequestError

policy_app = typer.Typer(help="The libraries' disclosure policies.", no_args_is_help=True)


def _fail(message: str) -> None:
    sys.stderr.write(" ".join(message.split()) + "\n")
    raise typer.Exit(2)


def _engine():
    from custodian.policy.engine import get_engine

    try:
        return get_engine()
    except ProfileError as e:
        _fail(f"profile error: {e}")


def _json_error(e: json.JSONDecodeError) -> str:
    return f"invalid JSON: {e.msg} at column {e.colno}"


def decide(
    file: str = typer.Argument("-", help="A request as JSON, or - for standard input."),
    jsonl: bool = typer.Option(
        False, "--jsonl", help="Read one request per line from standard input."
    ),
) -> None:
    """Decide a disclosure request (shared/contract) and print the decision as JSON."""
    engine = _engine()
    if jsonl:
        _decide_lines(engine, sys.stdin if file == "-" else _open(file))
        return
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text()
    except (OSError, UnicodeDecodeError) as e:
        _fail(f"cannot read {file}: {getattr(e, 'strerror', None) or e}")
    try:
        request = json.loads(text)
    except json.JSONDecodeError as e:
        _fail(f"{file if file != '-' else 'standard input'}: {_json_error(e)}")
    try:
        decision = engine.decide(request)
    except RequestError as e:
        _fail(f"invalid request: {e}")
    sys.stdout.write(json.dumps(decision, indent=2, ensure_ascii=False) + "\n")


def _open(file: str):
    try:
        return open(file, encoding="utf-8")  # noqa: SIM115 - read to the end below
    except OSError as e:
        _fail(f"cannot read {file}: {e.strerror}")


def _decide_lines(engine, stream) -> None:
    """One decision per input line, in order. Repeated lines are answered from a cache."""
    write = sys.stdout.write
    answered: dict[str, str] = {}
    number = 0
    try:
        for number, line in enumerate(stream, 1):  # noqa: B007 - used in the error
            line = line.strip()
            if not line:
                continue
            out = answered.get(line)
            if out is None:
                request = json.loads(line)
                # The lines are the cache here; the engine's own would only add its key.
                out = json.dumps(engine.decide(request, cached=False), ensure_ascii=False)
                out += "\n"
                if len(answered) < 65536:
                    answered[line] = out
            write(out)
    except json.JSONDecodeError as e:
        sys.stdout.flush()
        _fail(f"line {number}: {_json_error(e)}")
    except RequestError as e:
        sys.stdout.flush()
        _fail(f"line {number}: invalid request: {e}")
    except UnicodeDecodeError as e:
        sys.stdout.flush()
        _fail(f"line {number + 1}: not UTF-8 text ({e.reason})")
    sys.stdout.flush()


@policy_app.command("list")
def list_profiles() -> None:
    """List the library profiles this installation knows."""
    engine = _engine()
    for name, profile in sorted(engine.profiles.items()):
        sys.stdout.write(
            f"{name:<18} {profile.display_name} — {profile.title} "
            f"(version {profile.policy_version})\n"
        )


@policy_app.command("show")
def show(name: str = typer.Argument(..., help="Profile name, e.g. westchester.")) -> None:
    """Print the profile as the plain-language policy page a library publishes."""
    from custodian.policy.render import render_policy

    engine = _engine()
    try:
        profile = engine.profile(name)
    except RequestError as e:
        _fail(str(e))
    sys.stdout.write(render_policy(engine=engine, profile=profile))


@policy_app.command("check")
def check(folder: Annotated[Path, typer.Argument(help="A library's profile folder.")]) -> None:
    """Validate a library's own profile folder (TOML, clauses, Cedar rules, schema)."""
    from custodian.policy.profile import load_profile

    try:
        profile = load_profile(folder)
    except ProfileError as e:
        _fail(str(e))
    rules = len(profile.rules)
    own = [c for c in profile.clauses.values() if c.source != "_contract"]
    encoded = {r.clause for r in profile.rules.values()}
    unencoded = [c.id for c in own if c.kind == "rule" and c.id not in encoded]
    sys.stdout.write(
        f"{profile.name}: ok — {len(own)} clauses, {rules} rules "
        f"(including the contract's), policy version {profile.policy_version}\n"
    )
    if unencoded:
        sys.stdout.write(f"note: rule clauses with no rule yet: {', '.join(unencoded)}\n")


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
    app.command("decide")(decide)
    app.add_typer(policy_app, name="policy")
