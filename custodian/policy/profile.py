"""Loading one library's profile folder: profile.toml, clauses.toml and its *.cedar rules.

A profile is data. Loading it checks everything a decision will rely on, so that a mistake
in a library's files is reported once, naming the file and the line, and never shows up
as a wrong answer at the desk.
"""

import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import cedarpy

from custodian.policy import limits
from custodian.policy.cedarsource import Chunk, split_policies
from custodian.policy.compile import compile_kind
from custodian.policy.errors import ProfileError
from custodian.policy.kiosks import KioskSettings, load_kiosks
from custodian.policy.portal_settings import PortalSettings, load_portal
from custodian.policy.retention import MIRRORED, RetentionRule, load_schedule
from custodian.policy.scripts import load_scripts
from custodian.policy.vocabulary import (
    CHANNELS,
    COURTS,
    EVIDENCE,
    INSTRUMENT_TYPES,
    KINDS,
    OBLIGATIONS,
    REVIEWERS,
    SIGNERS,
    expand_fields,
)

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = PACKAGE_DIR / "custodian.cedarschema"
CONTRACT_RULES_DIR = PACKAGE_DIR / "profiles" / "_contract"
ANNOTATIONS = frozenset({"id", "obligations", "refer_to", "explain"})
STAFF_ROLES = ("desk", "branch_manager", "director", "designee", "it_admin", "auditor")


@dataclass(frozen=True)
class Clause:
    id: str
    text: str
    kind: str  # "rule": encoded in Cedar; "informational": bears on no disclosure
    note: str = ""
    source: str = ""  # which profile (or "_contract") the clause belongs to


@dataclass(frozen=True)
class Rule:
    """One Cedar policy, with the annotations that turn it into decision parts."""

    policy_id: str  # Cedar's positional id, e.g. "policy12"
    clause: str
    effect: str  # "permit" or "forbid"
    action: str  # "release" or "procedure"
    obligations: tuple[str, ...]
    refer_to: str | None
    explain: str
    path: Path
    line: int
    # Every string literal the rule compares against (e.g. proof names it tests).
    strings: frozenset = frozenset()


@dataclass(frozen=True)
class InstrumentClass:
    name: str
    types: frozenset | None  # None: any
    signed_by: frozenset | None
    courts: frozenset | None

    def matches(self, *, type_: str, signed_by: str, court: str) -> bool:
        return (
            (self.types is None or type_ in self.types)
            and (self.signed_by is None or signed_by in self.signed_by)
            and (self.courts is None or court in self.courts)
        )


@dataclass(frozen=True)
class Proof:
    """What shows who is asking (`[proofs.<name>]`): per channel, the evidence options.

    A request establishes the proof when, on its channel, every item of one option is in
    its evidence. A channel the profile does not list never establishes it.
    """

    name: str
    label: str  # words for staff: "proof that the caller is the patron"
    clause: str | None  # the clause that names this proof; None when the seed is silent
    silent: str  # why the profile chose this when the seed names no proof ("" if cited)
    channels: dict  # channel -> tuple of frozensets of evidence

    def established(self, channel: str, evidence) -> bool:
        return any(option <= evidence for option in self.channels.get(channel, ()))


@dataclass
class Profile:
    name: str
    display_name: str
    title: str
    policy_version: str
    effective: str
    source: str
    folder: Path
    age_bands: list[tuple[str, int | None]]
    referrals: dict
    instruments: list[InstrumentClass]
    staff_roles: dict[str, tuple[str, ...]]
    retention: dict
    statistics: dict
    # Steps staff walk through when an officer asks (e.g. Sonoma III.C.2 a-i): (code, clause, text).
    officer_steps: tuple[tuple[str, str, str], ...]
    # Proof of identity, in the order the profile lists them (`[proofs.<name>]`).
    proofs: dict[str, Proof]
    clauses: dict[str, Clause]
    rules: dict[str, Rule]
    policies: object = field(repr=False)  # cedarpy.PolicySet: every rule
    # kind -> compile.Compiled: the rules as Cedar is asked them for that kind
    compiled: dict = field(default_factory=dict, repr=False)
    clause_rank: dict[str, int] = field(default_factory=dict, repr=False)
    # The words staff say (or do) for each outcome and obligation (scripts.toml, scripts.py).
    scripts: object = field(default=None, repr=False)
    # The patron portal's settings (`[portal]`, custodian/policy/portal_settings.py).
    portal: PortalSettings = field(default_factory=PortalSettings)
    # The retention schedule (`[retention.<category>]`, custodian/policy/retention.py).
    schedule: dict[str, RetentionRule] = field(default_factory=dict)
    # What a SIP machine of each purpose may show (`[kiosks]`, custodian/policy/kiosks.py).
    kiosks: KioskSettings = field(default_factory=KioskSettings)
    # Answers that depend only on the profile, remembered per process (small, bounded by
    # the vocabulary): proofs per (channel, evidence), bands per age, instrument classes.
    _known: dict = field(default_factory=dict, repr=False)

    def staff_fields(self, role: str) -> tuple[str, ...]:
        """The fields a member of staff in this role needs for library business."""
        try:
            return self.staff_roles[role]
        except KeyError:
            raise KeyError(f"{self.name} has no staff role {role!r}") from None

    def kiosk_fields(self, purpose: str) -> frozenset[str]:
        """The fields a SIP machine of this purpose may show or act on."""
        return self.kiosks.fields_for(purpose)

    def proofs_established(self, channel: str, evidence) -> list[str]:
        """The names of the proofs of identity this evidence establishes on this channel."""
        given = evidence if isinstance(evidence, frozenset) else frozenset(evidence)
        key = ("proofs", channel, given)
        found = self._known.get(key)
        if found is None:
            found = [p.name for p in self.proofs.values() if p.established(channel, given)]
            if len(self._known) < 65536:
                self._known[key] = found
        return list(found)

    def age_band(self, age: int | None) -> str:
        if age is None:
            return "unknown"
        for band, below in self.age_bands:
            if below is None or age < below:
                return band
        return self.age_bands[-1][0]

    def instrument_classes(self, *, type_: str, signed_by: str, court: str) -> list[str]:
        return [
            c.name
            for c in self.instruments
            if c.matches(type_=type_, signed_by=signed_by, court=court)
        ]


@cache
def schema_text() -> str:
    return SCHEMA_PATH.read_text()


@cache
def cedar_schema():
    try:
        return cedarpy.Schema.from_str(schema_text())
    except ValueError as e:
        raise ProfileError(str(e), path=SCHEMA_PATH) from None


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def _read_bounded(path: Path, limit: int) -> str:
    """A profile file as text; too large or not UTF-8 fails before anything parses it."""
    try:
        with path.open("rb") as f:
            raw = f.read(limit + 1)
    except OSError as e:
        raise ProfileError(f"cannot read: {e.strerror}", path=path) from None
    if len(raw) > limit:
        raise ProfileError(f"too large (more than {limit // 1024} KB)", path=path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProfileError(
            f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})", path=path
        ) from None


def _read_toml(path: Path) -> tuple[dict, str]:
    text = _read_bounded(path, limits.MAX_TOML_BYTES)
    limits.check_toml_text(text, ProfileError, path)
    try:
        return tomllib.loads(text), text
    except RecursionError:  # a nesting the scan missed: still one line, no traceback
        raise ProfileError("nested too deep", path=path) from None
    except tomllib.TOMLDecodeError as e:
        found = re.search(r"\(at line (\d+)", str(e))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise ProfileError(
            f"TOML: {message}", path=path, line=int(found.group(1)) if found else None
        ) from None


def _need(data: dict, key: str, path: Path, text: str, kind=str):
    if key not in data or not isinstance(data[key], kind):
        raise ProfileError(
            f"missing or malformed {key!r} (expected {kind.__name__})",
            path=path,
            line=_line_of(text, key),
        )
    return data[key]


def load_clauses(path: Path, source: str) -> dict[str, Clause]:
    data, text = _read_toml(path)
    clauses = {}
    for clause_id, entry in data.items():
        line = _line_of(text, f'"{clause_id}"') or _line_of(text, clause_id)
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise ProfileError(f"clause {clause_id!r} needs a text", path=path, line=line)
        kind = entry.get("kind", "rule")
        if kind not in ("rule", "informational"):
            raise ProfileError(
                f"clause {clause_id!r}: kind must be 'rule' or 'informational'",
                path=path,
                line=line,
            )
        clauses[clause_id] = Clause(
            clause_id, " ".join(entry["text"].split()), kind, entry.get("note", ""), source
        )
    return clauses


def _age_bands(data: dict, path: Path, text: str) -> list[tuple[str, int | None]]:
    bands = data.get("age_bands")
    if not isinstance(bands, list) or not bands:
        raise ProfileError("needs [[age_bands]]", path=path, line=_line_of(text, "age_bands"))
    out, last = [], -1
    for i, band in enumerate(bands):
        below = band.get("below_age")
        name = band.get("band")
        line = _line_of(text, f'"{name}"') if name else _line_of(text, "age_bands")
        final = i == len(bands) - 1
        if not isinstance(name, str) or (below is None) != final:
            raise ProfileError(
                "each age band needs a name and below_age, except the last (no upper limit)",
                path=path,
                line=line,
            )
        if below is not None and (not isinstance(below, int) or below <= last):
            raise ProfileError("below_age must increase", path=path, line=line)
        last = below if below is not None else last
        out.append((name, below))
    return out


def _instruments(data: dict, path: Path, text: str) -> list[InstrumentClass]:
    allowed = {
        "types": set(INSTRUMENT_TYPES),
        "signed_by": set(SIGNERS),
        "courts": {c or "none" for c in COURTS},
    }
    out = []
    for name, spec in data.get("instruments", {}).items():
        line = _line_of(text, f"instruments.{name}")
        values = {}
        for key, vocabulary in allowed.items():
            given = spec.get(key)
            if given is None:
                values[key] = None
                continue
            unknown = [v for v in given if v not in vocabulary]
            if unknown:
                raise ProfileError(
                    f"instrument class {name!r}: unknown {key} {unknown[0]!r}", path=path, line=line
                )
            values[key] = frozenset(given)
        out.append(InstrumentClass(name, values["types"], values["signed_by"], values["courts"]))
    return out


def _staff_roles(data: dict, path: Path, text: str) -> dict[str, tuple[str, ...]]:
    roles = data.get("staff_roles", {})
    out = {}
    for role in STAFF_ROLES:
        if role not in roles:
            raise ProfileError(
                f"[staff_roles] has no {role!r}", path=path, line=_line_of(text, "staff_roles")
            )
    for role, patterns in roles.items():
        try:
            out[role] = tuple(expand_fields(patterns))
        except KeyError as e:
            raise ProfileError(
                f"[staff_roles] {role}: unknown field {e.args[0]!r}",
                path=path,
                line=_line_of(text, f"{role} ="),
            ) from None
    return out


def load_profile(folder: Path | str) -> Profile:
    """Load and check one profile folder; raise ProfileError naming file and line."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProfileError("not a profile folder", path=folder)
    path = folder / "profile.toml"
    data, text = _read_toml(path)
    name = _need(data, "name", path, text)
    clauses = dict(load_clauses(folder / "clauses.toml", name))
    contract_clauses = load_clauses(CONTRACT_RULES_DIR / "clauses.toml", "_contract")
    for clause_id, clause in contract_clauses.items():
        clauses.setdefault(clause_id, clause)
    cedar_files = sorted(folder.glob("*.cedar"))
    if not cedar_files:
        raise ProfileError("no *.cedar rule files", path=folder)
    policies, rules, compiled = load_rules(
        [CONTRACT_RULES_DIR / "contract.cedar", *cedar_files], set(clauses)
    )
    profile = Profile(
        name=name,
        display_name=_need(data, "display_name", path, text),
        title=_need(data, "policy_title", path, text),
        policy_version=str(_need(data, "policy_version", path, text, object)),
        effective=str(_need(data, "effective", path, text, object)),
        source=data.get("source", ""),
        folder=folder,
        age_bands=_age_bands(data, path, text),
        referrals=data.get("referrals", {}),
        instruments=_instruments(data, path, text),
        staff_roles=_staff_roles(data, path, text),
        retention=data.get("retention", {}),
        statistics=data.get("statistics", {}),
        officer_steps=_officer_steps(data, path, text, clauses),
        proofs=_proofs(data, path, text, clauses),
        clauses=clauses,
        portal=load_portal(data, path, text, clauses),
        kiosks=load_kiosks(data, path, text, clauses),
        rules=rules,
        policies=policies,
        compiled=compiled,
    )
    profile.clause_rank = {clause_id: i for i, clause_id in enumerate(clauses)}
    profile.schedule = load_schedule(data, profile=name, path=path, text=text, clauses=clauses)
    # The flat periods older screens read (`video_days`, ...) mirror the schedule's days.
    profile.retention = dict(profile.retention)
    for key, category in MIRRORED.items():
        profile.retention.setdefault(key, profile.schedule[category].days)
    _check_proof_names(cedar_files, profile.proofs)
    profile.scripts = load_scripts(folder, rules, proofs=bool(profile.proofs))
    return profile


_PROOF_TEST = re.compile(r'proofs\s*\.\s*contains\(\s*"([^"]*)"')


def _check_proof_names(cedar_files: list[Path], proofs: dict) -> None:
    """A rule testing a proof the profile never defines could never hold: say so."""
    for path in cedar_files:
        text = path.read_text(encoding="utf-8")
        for found in _PROOF_TEST.finditer(text):
            if found.group(1) not in proofs:
                known = ", ".join(proofs) or "none"
                raise ProfileError(
                    f"rule tests proof {found.group(1)!r}, which profile.toml does not define "
                    f"(its [proofs.<name>] tables: {known})",
                    path=path,
                    line=text.count("\n", 0, found.start()) + 1,
                )


def _proofs(data: dict, path: Path, text: str, clauses: dict) -> dict[str, Proof]:
    """The `[proofs.<name>]` tables: each cites its clause or says the seed is silent."""
    proofs = data.get("proofs", {})
    line = _line_of(text, "[proofs")
    if not isinstance(proofs, dict):
        raise ProfileError("[proofs] must be tables [proofs.<name>]", path=path, line=line)
    out = {}
    for name, spec in proofs.items():
        line = _line_of(text, f"proofs.{name}")

        def fail(message: str, name=name, line=line):
            raise ProfileError(f"proof {name!r}: {message}", path=path, line=line)

        if not isinstance(spec, dict) or not isinstance(spec.get("label"), str):
            fail("needs a label (words for staff)")
        clause, silent = spec.get("clause"), spec.get("silent", "")
        if clause is not None and clause not in clauses:
            fail(f"cites unknown clause {clause!r}")
        if not isinstance(silent, str) or (clause is None) == (not silent):
            fail('needs either clause = "<clause>" or silent = "<why this default>"')
        unknown = set(spec) - {"label", "clause", "silent", *CHANNELS}
        if unknown:
            fail(f"unknown key {sorted(unknown)[0]!r} (channels: {', '.join(CHANNELS)})")
        channels = {}
        for channel in CHANNELS:
            options = spec.get(channel, [])
            if not isinstance(options, list) or not all(
                isinstance(o, list) and o and all(isinstance(e, str) for e in o) for o in options
            ):
                fail(f'{channel} must be a list of evidence lists, e.g. [["card_number", "pin"]]')
            for option in options:
                for item in option:
                    if item not in EVIDENCE:
                        fail(f"unknown evidence {item!r} (known: {', '.join(EVIDENCE)})")
            if options:
                channels[channel] = tuple(frozenset(o) for o in options)
        out[name] = Proof(name, " ".join(spec["label"].split()), clause, silent, channels)
    return out


def _officer_steps(data: dict, path: Path, text: str, clauses: dict) -> tuple:
    """The `[[officer_steps]]` checklist: each step cites a clause of this profile."""
    steps = []
    for step in data.get("officer_steps", []):
        if not isinstance(step, dict) or not all(
            isinstance(step.get(k), str) and step.get(k) for k in ("code", "clause", "text")
        ):
            raise ProfileError(
                "each [[officer_steps]] needs code, clause and text",
                path=path,
                line=_line_of(text, "[[officer_steps]]"),
            )
        if step["clause"] not in clauses:
            raise ProfileError(
                f"officer step {step['code']!r} cites unknown clause {step['clause']!r}",
                path=path,
                line=_line_of(text, step["clause"]),
            )
        steps.append((step["code"], step["clause"], step["text"]))
    return tuple(steps)


def load_rules(paths: list[Path], clause_ids: set[str]):
    """Parse, validate and annotate the rule files.

    Returns the whole PolicySet, the rules by policy id, and per requester kind the
    rewritten rules the engine asks (see compile.py).
    """
    chunks: list[Chunk] = []
    texts = []
    for path in paths:
        text = _read_bounded(path, limits.MAX_CEDAR_BYTES)
        file_chunks = split_policies(text, path)
        _parse_or_locate(text, file_chunks, path)
        chunks.extend(file_chunks)
        texts.append(text)
    combined = "\n".join(texts)
    parsed = json.loads(cedarpy.policies_to_json_str(combined))["staticPolicies"]
    if len(parsed) != len(chunks):  # pragma: no cover - the splitter and Cedar disagree
        raise ProfileError("could not match policies to lines", path=paths[-1])
    by_id = {f"policy{i}": chunk for i, chunk in enumerate(chunks)}
    result = cedarpy.validate_policies(combined, cedar_schema())
    if not result.validation_passed:
        error = result.errors[0]
        chunk = by_id.get(error.policy_id)
        message = re.sub(r"for policy `policy\d+`, ", "", error.error)
        raise ProfileError(
            f"schema: {message}",
            path=chunk.path if chunk else paths[-1],
            line=chunk.line if chunk else None,
        )
    rules = {pid: _rule(pid, parsed[pid], by_id[pid], clause_ids) for pid in parsed}
    compiled = {kind: compile_kind(kind, parsed, rules) for kind in KINDS}
    return cedarpy.PolicySet.from_str(combined), rules, compiled


def _parse_or_locate(text: str, chunks: list[Chunk], path: Path) -> None:
    try:
        cedarpy.policies_to_json_str(text)
        return
    except ValueError as e:
        whole = str(e)
    for chunk in chunks:
        try:
            cedarpy.policies_to_json_str(chunk.text)
        except ValueError as e:
            raise ProfileError(f"Cedar: {e}", path=path, line=chunk.line) from None
    raise ProfileError(f"Cedar: {whole}", path=path)


def _rule(pid: str, est: dict, chunk: Chunk, clause_ids: set[str]) -> Rule:
    def fail(message: str):
        raise ProfileError(message, path=chunk.path, line=chunk.line)

    notes = est.get("annotations", {})
    unknown = set(notes) - ANNOTATIONS
    if unknown:
        fail(f"unknown annotation @{sorted(unknown)[0]}")
    clause = notes.get("id")
    if not clause:
        fail('every rule needs @id("<clause>") naming its clause')
    if clause not in clause_ids:
        fail(f"@id({clause!r}) is not a clause in clauses.toml")
    action = est.get("action", {})
    if action.get("op") != "==" or action.get("entity", {}).get("type") != "Action":
        fail('every rule names one action: action == Action::"release" or "procedure"')
    action_name = action["entity"]["id"]
    obligations = tuple((notes.get("obligations") or "").split())
    for name in obligations:
        if name not in OBLIGATIONS:
            fail(f"unknown obligation {name!r}")
    refer_to = notes.get("refer_to") or None
    if refer_to is not None and refer_to not in REVIEWERS:
        fail(f"@refer_to must be one of {', '.join(REVIEWERS)}")
    if action_name == "release" and (obligations or refer_to):
        fail("@obligations and @refer_to belong on procedure rules, not release rules")
    if action_name == "procedure" and est["effect"] == "forbid":
        fail("procedure rules are permits: a forbid would silence every other duty")
    return Rule(
        policy_id=pid,
        clause=clause,
        effect=est["effect"],
        action=action_name,
        obligations=obligations,
        refer_to=refer_to,
        explain=notes.get("explain", ""),
        path=chunk.path,
        line=chunk.line,
        strings=frozenset(_string_literals(est.get("conditions", []))),
    )


def _string_literals(expr):
    if isinstance(expr, dict):
        value = expr.get("Value")
        if isinstance(value, str):
            yield value
        for item in expr.values():
            yield from _string_literals(item)
    elif isinstance(expr, list):
        for item in expr:
            yield from _string_literals(item)
