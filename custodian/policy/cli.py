"""`custodian decide` and `custodian policy list|show|check`.

Bad input never produces a traceback: the command exits with status 2 and one line on
standard error naming the problem (and, with --jsonl, the input line).
"""

import json
import re
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


def _encoder():
    """`json.dumps(value, ensure_ascii=False)`, the same text, with its encoder built once.

    json.dumps builds a new encoder for every call given an option (a third of the cost
    of writing a decision); the C encoder without circular-reference markers holds no
    state between calls, so one serves every line.
    """
    from json import encoder

    if encoder.c_make_encoder is None:  # pragma: no cover - Python built without _json
        return lambda value: json.dumps(value, ensure_ascii=False)
    # markers, default, string encoder, indent, separators, sort_keys, skipkeys, allow_nan
    make = encoder.c_make_encoder(
        None,
        json.JSONEncoder().default,
        encoder.encode_basestring,
        None,
        ": ",
        ", ",
        False,
        False,
        True,
    )
    return lambda value: "".join(make(value, 0))


_encode = _encoder()


def _decide_lines(engine, stream) -> None:
    """One decision per input line, in order. Repeated lines are answered from a cache."""
    # Decisions are written 256 lines at a time (one write instead of 256); the lines
    # decided before a bad one are always written before the error.
    pending: list[str] = []
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
                # A situation the engine remembers comes back already encoded.
                out = engine.decide_json(request, _encode) + "\n"
                if len(answered) < 65536:
                    answered[line] = out
            pending.append(out)
            if len(pending) >= 256:
                sys.stdout.write("".join(pending))
                pending.clear()
    except _BadInput as e:
        _write_all(pending)
        _fail(str(e))
    except RequestError as e:
        _write_all(pending)
        _fail(f"line {number}: invalid request: {e}")
    except OSError as e:
        _write_all(pending)
        _fail(f"line {number + 1}: cannot read: {e.strerror or e}")
    _write_all(pending)


def _write_all(pending: list[str]) -> None:
    sys.stdout.write("".join(pending))
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
def check(
    folder: Annotated[Path, typer.Argument(help="A library's profile folder.")],
    strict: bool = typer.Option(
        False, "--strict", help="Also fail when a rule lacks an allowed or a refused fixture."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Validate a profile folder (TOML, clauses, Cedar against the schema) and run its fixtures.

    Exit 0 when every fixture passes, 1 when any fails (or, with --strict, when a rule
    has no fixture it allows or none it refuses), 2 when the folder cannot be loaded.
    """
    from custodian.policy.fixtures import (
        coverage,
        load_fixtures,
        report_json,
        run_fixtures,
        uncited_clauses,
    )
    from custodian.policy.profile import load_profile

    try:
        profile = load_profile(folder)
        fixtures = load_fixtures(folder, set(profile.clauses))
    except ProfileError as e:
        _fail(str(e))
    failures = run_fixtures(profile, fixtures)
    cover = coverage(profile, fixtures)
    gaps = bool(cover.never_fires or cover.never_refuses or not fixtures)
    if as_json:
        sys.stdout.write(report_json(profile, fixtures, failures, cover) + "\n")
    else:
        _print_check(profile, fixtures, failures, cover, uncited_clauses(profile))
    if failures or (strict and gaps):
        raise typer.Exit(1)


def _print_check(profile, fixtures, failures, cover, uncited) -> None:
    write = sys.stdout.write
    own = [c for c in profile.clauses.values() if c.source != "_contract"]
    write(
        f"{profile.name}: loaded — {len(own)} clauses, {len(profile.rules)} rules "
        f"(including the contract's), policy version {profile.policy_version}; "
        "the Cedar rules are valid against the schema\n"
    )
    if not fixtures:
        write(
            "no fixtures: this folder has no fixtures/*.json, so nothing shows what its "
            "rules allow and refuse\n"
        )
    else:
        passed = len(fixtures) - len(failures)
        write(f"fixtures: {passed} of {len(fixtures)} passed\n")
    for failure in failures:
        fixture = failure.fixture
        write(
            f"FAILED {fixture.name!r} (clause {fixture.clause}, {fixture.path.name}): "
            f"{'; '.join(failure.problems)}\n"
        )
    if fixtures and cover.never_fires:
        write(f"rules with no fixture they allow: {', '.join(cover.never_fires)}\n")
    if fixtures and cover.never_refuses:
        write(f"rules with no fixture they refuse: {', '.join(cover.never_refuses)}\n")
    if cover.unknown:
        write(f"fixtures about clauses no rule encodes: {', '.join(cover.unknown)}\n")
    rules = [c for c, kind in uncited if kind == "rule"]
    informational = [c for c, kind in uncited if kind != "rule"]
    if rules:
        write(f"clauses marked rule that no rule cites: {', '.join(rules)}\n")
    if informational:
        write(f"informational clauses (no rule cites them): {', '.join(informational)}\n")
    if not failures:
        write("ok\n" if fixtures else "ok (but untested)\n")


_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_PLACEHOLDER = "EDIT ME: your library's name"


@policy_app.command("new")
def new(
    name: Annotated[str, typer.Argument(help="The new profile's name, e.g. riverbend.")],
    source: Annotated[
        str, typer.Option("--from", help="The shipped profile to start from, e.g. jensen-memorial.")
    ],
    to: Annotated[
        Path | None, typer.Option("--to", help="Where to create it (default: ./NAME).")
    ] = None,
) -> None:
    """Start a library's own profile as a copy of a known one, fixtures included."""
    if not _NAME.match(name):
        _fail(
            f"{name!r} is not a valid profile name: use lower-case letters, digits and "
            "hyphens (e.g. riverbend-free)"
        )
    engine = _engine()
    if source not in engine.profiles:
        _fail(f"unknown profile {source!r} (known: {', '.join(sorted(engine.profiles))})")
    if name in engine.profiles:
        _fail(f"a profile named {name!r} already exists; choose another name")
    target = to if to is not None else Path(name)
    if target.exists():
        _fail(f"{target} already exists; choose another folder with --to")
    try:
        _copy_profile(engine.profiles[source].folder, target, name)
    except OSError as e:
        _fail(f"cannot create {target}: {e.strerror or e}")
    origin = engine.profiles[source].display_name
    sys.stdout.write(
        f"Created {target}/ from {origin} ({source}), as the profile {name!r}.\n"
        "Next steps:\n"
        f"  1. In {target}/profile.toml, put your library's name in display_name, and your "
        "policy's title, version and effective date.\n"
        f"  2. In {target}/clauses.toml, put your policy's clauses, word for word.\n"
        f"  3. In {target}/release.cedar and procedure.cedar, make each rule say what your "
        "policy says, citing its clause with @id(...); in scripts.toml, put the words your "
        "staff say for each outcome and duty.\n"
        f"  4. In {target}/fixtures/, keep for each rule one request it allows and one it "
        "refuses (a close case).\n"
        f"  5. Run: custodian policy check {target}\n"
        f"  6. Use it: CUSTODIAN_POLICY_PROFILES={target.resolve()} CUSTODIAN_PROFILE={name} "
        "custodian serve\n"
        "The chapter 'Writing your library's policy' in docs/policies.md walks through it.\n"
    )


def _copy_profile(origin: Path, target: Path, name: str) -> None:
    """Copy the folder to a temporary sibling, rename the profile, then move it in place,
    so a failure part-way leaves nothing behind."""
    import shutil
    import tempfile

    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".custodian-new-", dir=parent))
    try:
        copy = staging / "profile"
        shutil.copytree(origin, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
        toml = copy / "profile.toml"
        text = toml.read_text(encoding="utf-8")
        text = re.sub(r'(?m)^name\s*=\s*"[^"]*"', f'name = "{name}"', text, count=1)
        text = re.sub(
            r'(?m)^display_name\s*=\s*"[^"]*"', f'display_name = "{_PLACEHOLDER}"', text, count=1
        )
        toml.write_text(text, encoding="utf-8")
        copy.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the `custodian` command."""
    app.command("decide")(decide)
    app.add_typer(policy_app, name="policy")
