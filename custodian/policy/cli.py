"""`custodian decide` and `custodian policy list|show|check`.

Bad input never produces a traceback: the command exits with status 2 and one line on
standard error naming the problem (and, with --jsonl, the input line).
"""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from custodian.policy import limits
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


class _BadInput(ValueError):
    """One request that cannot be read: too large, not UTF-8, not JSON, nested too deep."""


def _read_limited(stream, where: str) -> bytes:
    # Read one byte past the limit so an oversized request is refused without reading it all.
    raw = stream.read(limits.MAX_REQUEST_BYTES + 1)
    if len(raw) > limits.MAX_REQUEST_BYTES:
        raise _BadInput(f"{where}: too large (more than {limits.MAX_REQUEST_BYTES // 1024} KB)")
    return raw


def decide(
    file: str = typer.Argument("-", help="A request as JSON, or - for standard input."),
    jsonl: bool = typer.Option(
        False, "--jsonl", help="Read one request per line from standard input."
    ),
) -> None:
    """Decide a disclosure request (shared/contract) and print the decision as JSON."""
    engine = _engine()
    if jsonl:
        _decide_lines(engine, sys.stdin.buffer if file == "-" else _open(file))
        return
    where = file if file != "-" else "standard input"
    try:
        if file == "-":
            raw = _read_limited(sys.stdin.buffer, where)
        else:
            with open(file, "rb") as f:
                raw = _read_limited(f, where)
        request = limits.load_json(raw, _BadInput, where)
    except OSError as e:
        _fail(f"cannot read {file}: {e.strerror or e}")
    except _BadInput as e:
        _fail(str(e))
    try:
        decision = engine.decide(request)
    except RequestError as e:
        _fail(f"invalid request: {e}")
    sys.stdout.write(json.dumps(decision, indent=2, ensure_ascii=False) + "\n")


def _open(file: str):
    try:
        return open(file, "rb")  # noqa: SIM115 - read to the end below
    except OSError as e:
        _fail(f"cannot read {file}: {e.strerror}")


def _lines(stream):
    """The input's lines as bytes, numbered; a line over the limit is refused unread."""
    number = 0
    while True:
        line = stream.readline(limits.MAX_REQUEST_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > limits.MAX_REQUEST_BYTES and not line.endswith(b"\n"):
            raise _BadInput(
                f"line {number}: too large (more than {limits.MAX_REQUEST_BYTES // 1024} KB)"
            )
        yield number, line


def _decide_lines(engine, stream) -> None:
    """One decision per input line, in order. Repeated lines are answered from a cache."""
    write = sys.stdout.write
    answered: dict[bytes, str] = {}
    number = 0
    try:
        for number, line in _lines(stream):  # noqa: B007 - used in the error
            line = line.strip()
            if not line:
                continue
            out = answered.get(line)
            if out is None:
                request = limits.load_json(line, _BadInput, f"line {number}")
                # The lines are the cache here; the engine's own would only add its key.
                out = json.dumps(engine.decide(request, cached=False), ensure_ascii=False)
                out += "\n"
                if len(answered) < 65536:
                    answered[line] = out
            write(out)
    except _BadInput as e:
        sys.stdout.flush()
        _fail(str(e))
    except RequestError as e:
        sys.stdout.flush()
        _fail(f"line {number}: invalid request: {e}")
    except OSError as e:
        sys.stdout.flush()
        _fail(f"line {number + 1}: cannot read: {e.strerror or e}")
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
