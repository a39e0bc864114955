"""Deciding recorded requests again: under a draft profile (`policy replay`) or under the
version that was in force (`audit check-decisions`). No Django here: the database side
hands over `Item`s and gets back a `Report`.

An item is one decision the system made: a disclosure request (or one of its reviews), or
an audited read of a patron's record. Reads by staff pass the door's need-to-know
narrowing (custodian/door/ruling.py `ask`): the engine's answer, then only the fields the
role needs. Replay runs the same narrowing with the profile it decides under, so the old
and new outcomes are what the door would have ruled, compared like with like.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from custodian.policy.engine import Engine, default_profile_dirs
from custodian.policy.errors import ProfileError
from custodian.policy.profile import load_profile
from custodian.policy.scripts import for_deciding_only

# The files of a profile folder that decide anything (fixtures and notes do not).
DECIDING_PATTERNS = ("profile.toml", "clauses.toml", "*.cedar")

UNCHANGED, LOOSENED, TIGHTENED, OTHER = "unchanged", "loosened", "tightened", "other"
CATEGORIES = (UNCHANGED, LOOSENED, TIGHTENED, OTHER)


def profile_files(folder: Path | str) -> dict[str, str]:
    """The text of the profile folder's deciding files, by file name."""
    folder = Path(folder)
    names = sorted({p.name for pattern in DECIDING_PATTERNS for p in folder.glob(pattern)})
    return {name: (folder / name).read_text(encoding="utf-8") for name in names}


def files_digest(files: dict[str, str]) -> str:
    """SHA-256 over the files' names and texts: one version of a profile, by content."""
    canonical = json.dumps(sorted(files.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def write_profile(files: dict[str, str], folder: Path) -> Path:
    """Write a stored version's files into `folder` (created), ready for `load_profile`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if "/" in name or "\\" in name or name.startswith("."):
            raise ProfileError(f"stored file name {name!r} is not a plain file name")
        (folder / name).write_text(text, encoding="utf-8")
    if "scripts.toml" not in files:  # words to say do not decide, so versions omit them
        (folder / "scripts.toml").write_text(for_deciding_only(), encoding="utf-8")
    return folder


def draft_engine(draft_dir: Path | str, *, memo_size: int | None = None) -> tuple[Engine, str]:
    """An engine with every profile as it is now, except that the draft replaces the profile
    of the same name (or joins them). ProfileError, naming file and line, if it is broken."""
    draft_dir = Path(draft_dir)
    name = load_profile(draft_dir).name
    engine = Engine(profile_dirs=[], memo_size=memo_size)
    for folder in default_profile_dirs():
        profile = load_profile(folder)
        if profile.name != name:
            engine.profiles[profile.name] = profile
    engine.add_profile(draft_dir)
    return engine, name


class Outcome(NamedTuple):
    """What was (or would be) ruled: the outcome, the fields released, the clauses cited.
    (A NamedTuple: a replay makes two per entry, and a frozen dataclass costs more.)"""

    outcome: str
    released: tuple[str, ...]
    clauses: tuple[str, ...] = ()
    refer_to: str | None = None

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "released": list(self.released),
            "clauses": list(self.clauses),
            "refer_to": self.refer_to,
        }


@dataclass(frozen=True, slots=True)
class Item:
    """One recorded decision to decide again.

    `ref` is opaque ("case 12", "audit entry 4031"): never a name or a card number.
    `need_role`: a staff role whose need to know narrows the engine's answer (reads by
    staff), or None (the engine's answer as it stands). `all_or_nothing`: a disclosure
    package is seen whole or not at all (custodian/door/packages.py).
    """

    ref: str
    kind: str  # "read" or "disclosure"
    request: dict
    need_role: str | None = None
    all_or_nothing: bool = False
    sealed: bool = False
    recorded: Outcome | None = None
    # Only the outcome was recorded (audit entries keep no released fields of their own).
    recorded_fields_known: bool = True
    at: str = ""
    # The situation, when it determines the whole engine question (an audited read: the
    # profile, role, purpose, fields, package or not): items with the same key are decided
    # once per run. None: decide this item on its own.
    key: tuple | None = None


_NEEDS: dict[tuple[int, str], tuple[object, frozenset[str]]] = {}


def _need(profile, role: str) -> frozenset[str]:
    """The fields a staff role needs to know under this profile (none for a role the
    profile does not list), worked out once per loaded profile and role."""
    found = _NEEDS.get((id(profile), role))
    if found is None or found[0] is not profile:
        try:
            need = frozenset(profile.staff_fields(role))
        except KeyError:
            need = frozenset()
        found = _NEEDS[(id(profile), role)] = (profile, need)
    return found[1]


def ruled(engine: Engine, item: Item, profile_name: str | None = None) -> Outcome:
    """The item decided by `engine` (under `profile_name` if given), narrowed as the door
    narrows it. Mirrors custodian/door/ruling.py `ask` (+ packages.py's all-or-nothing)."""
    request = item.request
    if profile_name is not None and request.get("profile") != profile_name:
        request = dict(request, profile=profile_name)
    decision = engine.decide(request)
    clauses = tuple(c["clause"] for c in decision["citations"])
    refer_to = decision.get("refer_to")
    if item.need_role is None:
        return Outcome(decision["outcome"], tuple(decision["release"]), clauses, refer_to)
    fields = request["requested"]
    need = _need(engine.profile(request["profile"]), item.need_role)
    allowed = need.intersection(decision["release"])
    released = tuple(f for f in fields if f in allowed)
    if item.all_or_nothing and len(released) != len(fields):
        return Outcome("deny", (), clauses, refer_to)
    if len(released) == len(fields):
        outcome = "release"
    elif released:
        outcome = "partial_release"
    elif decision["outcome"] in ("refer", "deny"):
        outcome = decision["outcome"]
    else:
        outcome = "deny"  # allowed by the policy, but beyond the role's need to know
    return Outcome(outcome, released, clauses, refer_to)


def category(old: Outcome, new: Outcome) -> str:
    """unchanged; loosened (fields gained, none lost); tightened (lost, none gained); other
    (fields both gained and lost, or the same fields with another outcome or clauses)."""
    gained = set(new.released) - set(old.released)
    lost = set(old.released) - set(new.released)
    if gained and not lost:
        return LOOSENED
    if lost and not gained:
        return TIGHTENED
    if gained or lost:
        return OTHER
    if (old.outcome, old.clauses, old.refer_to) == (new.outcome, new.clauses, new.refer_to):
        return UNCHANGED
    return OTHER


@dataclass
class Report:
    """Counts per category (sealed items counted, never listed) and the listed changes."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    sealed: int = 0
    sealed_changed: int = 0
    changes: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "counts": dict(self.counts),
            "sealed": {"counted": self.sealed, "changed": self.sealed_changed},
            "changes": self.changes,
            "errors": self.errors,
        }


def change_row(item: Item, old: Outcome, new: Outcome, kind: str) -> dict:
    request = item.request
    return {
        "ref": item.ref,
        "kind": item.kind,
        "at": item.at,
        "change": kind,
        "requester": request["requester"]["kind"],
        "role": item.need_role,
        "channel": request.get("channel"),
        "purpose": request.get("purpose"),
        "requested": list(request["requested"]),
        "old": old.as_dict(),
        "new": new.as_dict(),
        "gained": [f for f in new.released if f not in old.released],
        "lost": [f for f in old.released if f not in new.released],
    }


def replay(
    items: Iterable[Item],
    *,
    old: Callable[[Item], Outcome],
    new: Callable[[Item], Outcome],
    advance: Callable[[int], None] | None = None,
) -> Report:
    """Decide each item under `old` and `new`; count every one, list each that changed
    (sealed ones only counted). An item the engine cannot decide is listed as an error."""
    report = Report()
    situations: dict[tuple, tuple[Outcome, Outcome]] = {}
    for item in items:
        try:
            pair = situations.get(item.key) if item.key is not None else None
            if pair is None:
                pair = (old(item), new(item))
                if item.key is not None:
                    situations[item.key] = pair
            before, after = pair
        except Exception as exc:  # one bad record must not hide the rest of the replay
            report.errors.append({"ref": item.ref, "error": " ".join(str(exc).split())})
        else:
            kind = category(before, after)
            report.counts[kind] += 1
            if item.sealed:
                report.sealed += 1
                report.sealed_changed += kind != UNCHANGED
            elif kind != UNCHANGED:
                report.changes.append(change_row(item, before, after, kind))
        if advance is not None:
            advance(1)
    return report


def disagreement(recorded: Outcome, decided: Outcome, *, fields_known: bool) -> list[str]:
    """How a recorded decision differs from what the policy gives (empty: they agree).
    Clauses are compared too: a recorded citation the rules would not make is a finding."""
    problems = []
    if recorded.outcome != decided.outcome:
        problems.append(f"outcome recorded {recorded.outcome}, policy gives {decided.outcome}")
    if fields_known and set(recorded.released) != set(decided.released):
        extra = sorted(set(recorded.released) - set(decided.released))
        missing = sorted(set(decided.released) - set(recorded.released))
        if extra:
            problems.append(f"released beyond the policy: {', '.join(extra)}")
        if missing:
            problems.append(f"policy releases, not recorded: {', '.join(missing)}")
    if set(recorded.clauses) != set(decided.clauses):
        problems.append(
            f"clauses recorded {', '.join(recorded.clauses) or 'none'};"
            f" policy cites {', '.join(decided.clauses) or 'none'}"
        )
    return problems
