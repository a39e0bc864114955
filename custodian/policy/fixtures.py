"""A profile's own request/decision fixtures: what each rule must allow and must refuse.

A profile folder may hold `fixtures/*.json`, each one situation the library's policy
settles (as Cedar's example repositories pair each policy with allowed and denied
requests):

    {"name": "parent of a child with the card sees the titles",
     "clause": "III.B.2.a",            # the @id of the rule this fixture is about
     "fires": true,                    # true: the rule applies; false: a close case it must not
     "request": {...},                 # a contract request; "profile" is filled in
     "expect": {"outcome": ["release"], "release_includes": ["loans.titles"]}}

`expect` uses the contract examples' words (outcome, release_includes, release_excludes,
refer_to, obligations_include) plus obligations_exclude, needs_proof_include (evidence the
desk must be told to ask for), cites and cites_exclude (clauses that must / must not be
among the citations). A fixture with `"fires": true` must also have its clause cited: a
rule that applied always cites its clause.

No Django here: `custodian policy check` and the tests run this directly.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from custodian.policy import limits
from custodian.policy.errors import ProfileError, RequestError
from custodian.policy.vocabulary import EVIDENCE, FIELDS, OBLIGATIONS

FIXTURES_DIR = "fixtures"
MAX_FIXTURES = 5000  # files in one fixtures/ folder; a policy needs a few hundred at most
_KEYS = frozenset({"name", "clause", "fires", "request", "expect"})
_LIST_KEYS = {  # key -> (allowed values, None: the profile's clauses; what they are)
    "release_includes": (frozenset(FIELDS), "fields"),
    "release_excludes": (frozenset(FIELDS), "fields"),
    "obligations_include": (frozenset(OBLIGATIONS), "obligations"),
    "obligations_exclude": (frozenset(OBLIGATIONS), "obligations"),
    "needs_proof_include": (frozenset(EVIDENCE), "kinds of evidence"),  # what the desk asks for
    "cites": (None, "clauses"),
    "cites_exclude": (None, "clauses"),
}
_OUTCOMES = frozenset({"release", "partial_release", "refer", "deny"})
_EXPECT_KEYS = frozenset({"outcome", "refer_to", *_LIST_KEYS})


@dataclass(frozen=True)
class Fixture:
    name: str
    clause: str
    fires: bool
    request: dict
    expect: dict
    path: Path


@dataclass(frozen=True)
class Failure:
    fixture: Fixture
    problems: tuple[str, ...]  # each says in plain words what differed


@dataclass(frozen=True)
class Coverage:
    rule_clauses: tuple[str, ...]  # every @id of the folder's own *.cedar rules, in order
    never_fires: tuple[str, ...]  # rule clauses with no fixture where the rule applies
    never_refuses: tuple[str, ...]  # ... and with no fixture where it must not
    unknown: tuple[str, ...]  # fixture clauses that name no rule of the folder


def load_fixtures(folder: Path | str, clause_ids: set[str]) -> list[Fixture]:
    """The folder's fixtures, in file-name order; ProfileError names a malformed file."""
    where = Path(folder) / FIXTURES_DIR
    if not where.is_dir():
        return []
    paths = sorted(where.glob("*.json"))
    if len(paths) > MAX_FIXTURES:
        raise ProfileError(f"more than {MAX_FIXTURES} fixture files", path=where)
    fixtures = [_load_one(path, clause_ids) for path in paths]
    seen: dict[str, Path] = {}
    for fixture in fixtures:
        if fixture.name in seen:
            raise ProfileError(
                f"fixture name {fixture.name!r} is also used by {seen[fixture.name].name}",
                path=fixture.path,
            )
        seen[fixture.name] = fixture.path
    return fixtures


def _load_one(path: Path, clause_ids: set[str]) -> Fixture:
    def fail(message: str):
        raise ProfileError(message, path=path)

    try:
        with path.open("rb") as f:
            raw = f.read(limits.MAX_REQUEST_BYTES + 1)
    except OSError as e:
        fail(f"cannot read: {e.strerror}")
    if len(raw) > limits.MAX_REQUEST_BYTES:
        fail(f"too large (more than {limits.MAX_REQUEST_BYTES // 1024} KB)")
    data = limits.load_json(raw, ProfileError, str(path))
    if not isinstance(data, dict) or set(data) != _KEYS:
        fail("a fixture is an object with exactly: " + ", ".join(sorted(_KEYS)))
    if not isinstance(data["name"], str) or not data["name"].strip():
        fail("name must be a non-empty string")
    if not _known(data["clause"], clause_ids):
        fail(f"clause {data['clause']!r} is not a clause in clauses.toml")
    if type(data["fires"]) is not bool:
        fail("fires must be true (the rule applies) or false (a close case where it must not)")
    if not isinstance(data["request"], dict):
        fail("request must be an object (a contract request)")
    expect = data["expect"]
    if not isinstance(expect, dict) or not expect:
        fail("expect must be an object saying what the decision must contain")
    unknown = set(expect) - _EXPECT_KEYS
    if unknown:
        fail(
            f"unknown expect key {sorted(unknown)[0]!r} (known: {', '.join(sorted(_EXPECT_KEYS))})"
        )
    outcome = expect.get("outcome", list(_OUTCOMES))
    if (
        not isinstance(outcome, list)
        or not outcome
        or not all(_known(o, _OUTCOMES) for o in outcome)
    ):
        fail("expect.outcome must list some of: release, partial_release, refer, deny")
    if expect.get("refer_to", None) not in (None, "branch_manager", "director"):
        fail("expect.refer_to must be null, branch_manager or director")
    for key, (vocabulary, words) in _LIST_KEYS.items():
        values = expect.get(key, [])
        allowed = clause_ids if vocabulary is None else vocabulary
        if not isinstance(values, list):
            fail(f"expect.{key} must be a list of {words}")
        for value in values:
            if not _known(value, allowed):
                fail(f"expect.{key}: {value!r} is not one of the known {words}")
    return Fixture(
        name=data["name"],
        clause=data["clause"],
        fires=data["fires"],
        request=data["request"],
        expect=expect,
        path=path,
    )


def _known(value, allowed) -> bool:
    # A list or an object in a fixture is never a name (and cannot be looked up in a set).
    return isinstance(value, str) and value in allowed


def differences(decision: dict, fixture: Fixture) -> list[str]:
    """What in the decision differs from what the fixture expects, in plain words."""
    expect = fixture.expect
    problems = []
    outcome = decision["outcome"]
    if "outcome" in expect and outcome not in expect["outcome"]:
        problems.append(f"outcome was {outcome}, expected {' or '.join(expect['outcome'])}")
    released = set(decision["release"])
    missing = [f for f in expect.get("release_includes", []) if f not in released]
    if missing:
        problems.append(f"not released: {', '.join(missing)}")
    extra = [f for f in expect.get("release_excludes", []) if f in released]
    if extra:
        problems.append(f"released but must not be: {', '.join(extra)}")
    if "refer_to" in expect and decision["refer_to"] != expect["refer_to"]:
        problems.append(
            f"referred to {decision['refer_to'] or 'nobody'}, expected {expect['refer_to'] or 'nobody'}"
        )
    obligations = set(decision["obligations"])
    missing = [o for o in expect.get("obligations_include", []) if o not in obligations]
    if missing:
        problems.append(f"missing obligations: {', '.join(missing)}")
    extra = [o for o in expect.get("obligations_exclude", []) if o in obligations]
    if extra:
        problems.append(f"obligations that must not be there: {', '.join(extra)}")
    asked = set(decision.get("needs_proof") or ())
    missing = [e for e in expect.get("needs_proof_include", []) if e not in asked]
    if missing:
        problems.append(f"the desk is not asked for: {', '.join(missing)}")
    cited = {c["clause"] for c in decision["citations"]}
    must_cite = list(expect.get("cites", []))
    if fixture.fires and fixture.clause not in must_cite:
        must_cite.append(fixture.clause)
    missing = [c for c in must_cite if c not in cited]
    if missing:
        problems.append(f"not cited: {', '.join(missing)}")
    extra = [c for c in expect.get("cites_exclude", []) if c in cited]
    if extra:
        problems.append(f"cited but must not be: {', '.join(extra)}")
    return problems


def run_fixtures(profile, fixtures: list[Fixture], engine=None) -> list[Failure]:
    """Decide every fixture's request under `profile`; the ones whose decision differs.

    `engine` defaults to a fresh engine holding only this profile, so a folder is tested
    on its own rules even when a profile of the same name is installed.
    """
    if engine is None:
        from custodian.policy.engine import Engine

        engine = Engine([], memo_size=0)
        engine.profiles[profile.name] = profile
    failures = []
    for fixture in fixtures:
        # The folder decides which profile: a copied folder keeps working under a new name.
        request = {**fixture.request, "profile": profile.name}
        try:
            decision = engine.decide(request, cached=False)
        except RequestError as e:
            failures.append(Failure(fixture, (f"the request is not valid: {e}",)))
            continue
        problems = differences(decision, fixture)
        if problems:
            failures.append(Failure(fixture, tuple(problems)))
    return failures


def own_rule_clauses(profile) -> list[str]:
    """The @id of every rule in the folder's own *.cedar files (not the shared contract's)."""
    folder = Path(profile.folder).resolve()
    seen = dict.fromkeys(
        rule.clause
        for rule in sorted(profile.rules.values(), key=lambda r: (str(r.path), r.line))
        if Path(rule.path).resolve().parent == folder
    )
    return sorted(seen, key=profile.clause_rank.__getitem__)


def coverage(profile, fixtures: list[Fixture]) -> Coverage:
    """Which of the folder's rules (by @id) lack a fixture they allow or one they refuse."""
    rule_clauses = own_rule_clauses(profile)
    fires = {f.clause for f in fixtures if f.fires}
    refuses = {f.clause for f in fixtures if not f.fires}
    return Coverage(
        rule_clauses=tuple(rule_clauses),
        never_fires=tuple(c for c in rule_clauses if c not in fires),
        never_refuses=tuple(c for c in rule_clauses if c not in refuses),
        unknown=tuple(sorted({f.clause for f in fixtures} - set(rule_clauses))),
    )


def uncited_clauses(profile) -> list[tuple[str, str]]:
    """(clause id, kind) for every clause of the folder's clauses.toml that no rule cites."""
    cited = {rule.clause for rule in profile.rules.values()}
    return [
        (c.id, c.kind)
        for c in profile.clauses.values()
        if c.source != "_contract" and c.id not in cited
    ]


def report_json(profile, fixtures, failures, cover) -> str:
    """The result of `policy check --json`, for machines."""
    return json.dumps(
        {
            "profile": profile.name,
            "fixtures": len(fixtures),
            "failed": [
                {
                    "name": f.fixture.name,
                    "clause": f.fixture.clause,
                    "file": f.fixture.path.name,
                    "problems": list(f.problems),
                }
                for f in failures
            ],
            "rules_without_firing_fixture": list(cover.never_fires),
            "rules_without_refusing_fixture": list(cover.never_refuses),
            "fixture_clauses_without_rule": list(cover.unknown),
            "clauses_no_rule_cites": [
                {"clause": c, "kind": k} for c, k in uncited_clauses(profile)
            ],
        },
        indent=2,
        ensure_ascii=False,
    )
