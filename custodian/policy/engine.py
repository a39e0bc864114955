"""The engine: a contract request in, a contract decision out, by one Cedar batch.

Nothing in this module knows any library's rules. It turns the request into a Cedar
principal, asks Cedar one `release` question per requested field (fields the rules
cannot tell apart share one) and one `procedure` question for the request as a whole,
all in one call, and assembles what the satisfied rules say.

`Engine(prune=False)` asks the profile's rules as written, every rule every question,
against the whole world of entities: the reference the fast path (compile.py) is
tested against.
"""

import json
import os
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

import cedarpy

from custodian.policy.errors import ProfileError, RequestError
from custodian.policy.explain import explanation
from custodian.policy.memo import Memo, memo_size_from_env
from custodian.policy.profile import PACKAGE_DIR, Profile, load_profile
from custodian.policy.validation import check_request
from custodian.policy.vocabulary import (
    EVIDENCE,
    FIELDS,
    KINDS,
    OBLIGATION_ORDER,
    REQUESTER_GROUPS,
    REVEALS_TITLES,
    field_group,
    groups_of_kind,
)

SHIPPED_PROFILES = PACKAGE_DIR / "profiles"
EXTRA_PROFILES_ENV = "CUSTODIAN_POLICY_PROFILES"
PRINCIPAL = {"type": "Requester", "id": "asking"}
REFERRAL_RANK = {None: 0, "branch_manager": 1, "director": 2}

try:  # The raw batch call skips cedarpy's per-result JSON parsing and object building.
    from cedarpy import _internal

    _raw_batch = _internal.is_authorized_batch
except (ImportError, AttributeError):  # pragma: no cover - older or newer cedarpy
    _raw_batch = None

_ALLOW = '"decision":"Allow"'
_REASON = '"reason":['  # policy ids are "policy<N>" or "r<N>": no quotes, commas or ]


def _authorize(requests: list[dict], policies, entities) -> list[tuple[bool, list[str]]]:
    """(allowed, ids of the determining policies) for each Cedar request, in order.

    `entities` is cedarpy's internal handle (what `Entities.with_added_json_str` wraps).
    """
    if _raw_batch is not None:
        out = []
        for raw in _raw_batch(requests, policies, entities, None, False):
            # '{"decision":"Allow",...,"diagnostics":{"reason":["policy3","policy1"],...'
            start = raw.index(_REASON) + len(_REASON)
            reasons = raw[start : raw.index("]", start)].replace('"', "")
            out.append((_ALLOW in raw, reasons.split(",") if reasons else []))
        return out
    handle = cedarpy.Entities(entities)  # pragma: no cover
    results = cedarpy.is_authorized_batch(requests, policies, handle)  # pragma: no cover
    return [(r.allowed, list(r.diagnostics.reasons)) for r in results]  # pragma: no cover


def _rules_of(compiled, answers, rank: dict):
    """Cedar's answers with each determining policy id read as the profile rules it stands
    for (compiled.rules): the satisfied procedure rules, and (allowed, rules) per class of
    field asked about, or None. A pure function of the answers for these compiled rules,
    so each answer pattern is read once (`Facts.answer_rules`; a cold engine still asks
    Cedar every time, it only skips this reading)."""
    seen = compiled.facts.answer_rules
    hit = seen.get(answers)
    if hit is not None:
        return hit
    procedure, release = answers
    rules = compiled.rules
    # With the rules that hold for every request of the kind, and what they say together.
    satisfied = compiled.static + tuple(rule for pid in procedure for rule in rules[pid])
    satisfied = (satisfied, *_procedure_summary(rank, satisfied))
    if release is None:
        out = satisfied, None
    else:
        out = (
            satisfied,
            tuple((ok, tuple(r for pid in why for r in rules[pid])) for ok, why in release),
        )
    if len(seen) < 4096:  # answer patterns are few; the bound only guards memory
        seen[answers] = out
    return out


def _procedure_summary(rank: dict, satisfied) -> tuple:
    """(obligations in the contract's order, {obligation: its clauses in the profile's
    order}, the highest referral) of the procedure rules that hold."""
    sources: dict[str, set[str]] = {}  # obligation -> clauses of the rules adding it
    refer_to = None
    for rule in satisfied:
        for obligation in rule.obligations:
            sources.setdefault(obligation, set()).add(rule.clause)
        if REFERRAL_RANK[rule.refer_to] > REFERRAL_RANK[refer_to]:
            refer_to = rule.refer_to
    obligations = tuple(sorted(sources, key=OBLIGATION_ORDER.__getitem__))
    clauses = {ob: tuple(sorted(sources[ob], key=rank.__getitem__)) for ob in obligations}
    return obligations, clauses, refer_to


def _base_entities() -> cedarpy.Entities:
    """The parts of the world every request shares: kinds, groups, fields, the request."""
    entities = [
        {"uid": {"type": "RequesterGroup", "id": group}, "attrs": {}, "parents": []}
        for group in REQUESTER_GROUPS
    ]
    for kind in KINDS:
        entities.append(
            {
                "uid": {"type": "RequesterKind", "id": kind},
                "attrs": {},
                "parents": [{"type": "RequesterGroup", "id": g} for g in groups_of_kind(kind)],
            }
        )
    for group in ("registration", "circulation", "charges", "use"):
        entities.append({"uid": {"type": "FieldGroup", "id": group}, "attrs": {}, "parents": []})
    for name in FIELDS:
        entities.append(
            {
                "uid": {"type": "Field", "id": name},
                "attrs": {
                    "name": name,
                    "category": name.split(".", 1)[0],
                    "reveals_titles": name in REVEALS_TITLES,
                },
                "parents": [{"type": "FieldGroup", "id": field_group(name)}],
            }
        )
    entities.append({"uid": {"type": "Request", "id": "request"}, "attrs": {}, "parents": []})
    return cedarpy.Entities.from_json_str(json.dumps(entities))


_RELEASE_QUESTIONS = {
    name: {
        "principal": PRINCIPAL,
        "action": {"type": "Action", "id": "release"},
        "resource": {"type": "Field", "id": name},
    }
    for name in FIELDS
}
_PRINCIPAL_UID = json.dumps(PRINCIPAL, separators=(",", ":"))


_PROCEDURE_QUESTION = {
    "principal": PRINCIPAL,
    "action": {"type": "Action", "id": "procedure"},
    "resource": {"type": "Request", "id": "request"},
}


def ask_cedar(compiled, text: str, representatives: list[str]):
    """Cedar's answers for one request's entities: everything the engine asks cedarpy.

    (determining procedure policy ids, [(allowed, determining ids)] per representative
    field or None when the kind has no release rules); what the memo remembers.
    """
    entities = _internal.Entities.from_json_str(text, None)
    procedure = ()
    if compiled.procedure is not None:
        procedure = tuple(_authorize([_PROCEDURE_QUESTION], compiled.procedure, entities)[0][1])
    if compiled.release is None:
        return procedure, None
    questions = [_RELEASE_QUESTIONS[name] for name in representatives]
    release = tuple(
        (ok, tuple(why)) for ok, why in _authorize(questions, compiled.release, entities)
    )
    return procedure, release


def request_attributes(profile: Profile, request: dict) -> dict:
    """The requester and every circumstance of the request, as the principal's attributes.

    Every attribute is always present (no nulls): "none", false and -1 stand for absent,
    so rules never need `has` checks.
    """
    requester = request["requester"]
    kind = requester["kind"]
    age = (request.get("patron") or {}).get("age")
    inst = request.get("instrument")
    review = request.get("review")
    if inst:
        type_ = inst["type"]
        signed_by = inst.get("signed_by") or "none"
        court = inst.get("court") or "none"
        instrument = {
            "type": type_,
            "signed_by": signed_by,
            "court": court,
            "scope": inst.get("scope", []),
            "nondisclosure": inst.get("nondisclosure", False),
            "classes": profile.instrument_classes(type_=type_, signed_by=signed_by, court=court),
        }
    else:
        instrument = {
            "type": "none",
            "signed_by": "none",
            "court": "none",
            "scope": [],
            "nondisclosure": False,
            "classes": [],
        }
    channel = request["channel"]
    evidence = request.get("evidence", [])
    attrs = {
        "kind": kind,
        "channel": channel,
        "evidence": evidence,
        # The profile's proofs of identity this evidence establishes on this channel.
        "proofs": profile.proofs_established(channel, evidence),
        "financially_responsible": requester.get("financially_responsible", False),
        "authorization_scope": requester.get("authorization_scope", []),
        "patron": {
            "age_known": age is not None,
            "age": -1 if age is None else age,
            "age_band": profile.age_band(age),
        },
        "purpose": request.get("purpose") or "none",
        "has_instrument": bool(inst),
        "instrument": instrument,
        "has_review": bool(review),
        "review": {
            "by": review["by"] if review else "none",
            "instrument_valid": bool(review and review.get("instrument_valid")),
            "counsel_consulted": bool(review and review.get("counsel_consulted")),
            "board_consulted": bool(review and review.get("board_consulted")),
            "emergency_confirmed": bool(review and review.get("emergency_confirmed")),
        },
    }
    return attrs


def principal_entity(profile: Profile, request: dict) -> str:
    """The principal as one Cedar entity (JSON), for the rules as written."""
    kind = request["requester"]["kind"]
    return json.dumps(
        [
            {
                "uid": PRINCIPAL,
                "attrs": request_attributes(profile, request),
                "parents": [{"type": "RequesterKind", "id": kind}],
            }
        ]
    )


class Engine:
    """Every loaded profile, parsed once; `decide` answers requests against them."""

    def __init__(
        self,
        profile_dirs: list[Path] | None = None,
        *,
        cache_size: int = 4096,
        prune: bool = True,
        memo_size: int | None = None,
    ):
        # prune=False asks every rule every question (slower; tests compare the two).
        self.prune = prune
        # Cedar's answers, keyed on Cedar's input (memo.py); None: CUSTODIAN_DECISION_MEMO_SIZE
        # or the default, 0: off. Only the compiled rules (prune=True) use it.
        self.memo = Memo(memo_size_from_env() if memo_size is None else memo_size)
        # Whole decisions, keyed on the same facts plus the few parts of the request the
        # decision's other parts read (`_decision_key`); the same size, emptied with it.
        self.decisions = Memo(self.memo.size)
        self.profiles: dict[str, Profile] = {}
        self._base = _base_entities()
        self._cache: OrderedDict[str, dict] = OrderedDict()
        self._lock = threading.Lock()
        self.cache_size = cache_size
        for folder in profile_dirs if profile_dirs is not None else default_profile_dirs():
            self.add_profile(folder)

    def add_profile(self, folder: Path | str) -> Profile:
        profile = load_profile(folder)
        if profile.name in self.profiles and self.profiles[profile.name].folder != Path(folder):
            raise ProfileError(f"a profile named {profile.name!r} is already loaded", path=folder)
        self.profiles[profile.name] = profile
        with self._lock:
            self._cache.clear()
        self.memo.clear()  # entries for the old rules could never match again; free them
        self.decisions.clear()
        return profile

    def reload_profile(self, name: str) -> Profile:
        """Read a loaded profile's folder again (after its files changed)."""
        return self.add_profile(self.profile(name).folder)

    def profile(self, name: str) -> Profile:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles))
            raise RequestError(f"unknown profile {name!r} (known: {known})") from None

    def decide(self, request: dict, *, cached: bool = True) -> dict:
        """The decision for one request (see shared/contract); RequestError if malformed.

        cached=False skips the LRU (a caller with its own cache, like `decide --jsonl`).
        """
        key = None
        if self.cache_size and cached:
            try:
                key = json.dumps(request, sort_keys=True, separators=(",", ":"))
            except (TypeError, ValueError):
                key = None  # not JSON at all: check_request names the problem
            if key is not None:
                with self._lock:  # the web server decides on several threads
                    hit = self._cache.get(key)
                    if hit is not None:
                        self._cache.move_to_end(key)
                if hit is not None:
                    return _copy(hit)
        check_request(request)
        decision, remembered = self._decide_entry(self.profile(request["profile"]), request)
        if key is not None:
            with self._lock:
                self._cache[key] = decision
                if len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
            return _copy(decision)
        return _copy(decision) if remembered is not None else decision

    def decide_json(self, request: dict, encode) -> str:
        """`encode(self.decide(request, cached=False))`, the text kept beside a remembered
        decision (for this `encode`), so a situation seen before is neither assembled nor
        encoded again (`custodian decide --jsonl`). `encode` must be a pure function."""
        check_request(request)
        decision, remembered = self._decide_entry(self.profile(request["profile"]), request)
        if remembered is None:
            return encode(decision)
        text = remembered[1]
        if text is None or text[0] is not encode:
            text = remembered[1] = (encode, encode(decision))
        return text[1]

    def _decide_entry(self, profile: Profile, request: dict):
        """(the decision, its memo entry [decision, (encoder, text) or None] or None).

        A remembered decision is shared: callers get copies (`_copy`), never the entry.
        """
        if not (self.prune and self.decisions.size):
            return self._decide(profile, request), None
        compiled = profile.compiled[request["requester"]["kind"]]
        requested = request["requested"]
        asked = compiled.facts.entities(
            request_attributes(profile, request), requested, _PRINCIPAL_UID
        )
        key = _decision_key(compiled.facts, asked[0], request)
        entry = self.decisions.get(key)
        if entry is None:
            entry = [self._decide(profile, request, asked), None]
            self.decisions.put(key, entry)
        return entry[0], entry

    def _ask_whole(self, profile: Profile, request: dict):
        """(allowed, rules cited) per field, and the satisfied procedure rules: as written."""
        entities = self._base._inner.with_added_json_str(principal_entity(profile, request), None)
        questions = [_RELEASE_QUESTIONS[n] for n in request["requested"]] + [_PROCEDURE_QUESTION]
        *answers, (_, procedure) = _authorize(questions, profile.policies, entities)
        rules = profile.rules
        return [(ok, [rules[p] for p in why]) for ok, why in answers], [rules[p] for p in procedure]

    def _ask_compiled(self, profile: Profile, request: dict, asked=None):
        """As `_ask_whole`, on the rules compiled for the requester's kind (compile.py).

        `asked`: the request's `Facts.entities`, when the caller has made them already."""
        compiled = profile.compiled[request["requester"]["kind"]]
        requested = request["requested"]
        facts = compiled.facts
        if asked is None:
            asked = facts.entities(request_attributes(profile, request), requested, _PRINCIPAL_UID)
        text, keys, representatives = asked
        rank = profile.clause_rank  # the profile's own: `_rules_of` keeps its results per kind
        memo = self.memo
        if memo.size:
            # Exactly Cedar's input: the policy sets (by their compiled owner), the
            # entities as cedarpy parses them, the fields asked about (memo.py).
            key = (facts, text, tuple(representatives))
            answers = memo.get(key)
            if answers is None:
                answers = _rules_of(compiled, ask_cedar(compiled, text, representatives), rank)
                memo.put(key, answers)
        else:
            answers = _rules_of(compiled, ask_cedar(compiled, text, representatives), rank)
        satisfied, release = answers
        if release is None:
            return [(False, ())] * len(requested), satisfied
        by_key = dict(zip(dict.fromkeys(keys), release, strict=True))
        return [by_key[key] for key in keys], satisfied

    def _decide(self, profile: Profile, request: dict, asked=None) -> dict:
        requested = request["requested"]
        if self.prune:
            answers, summary = self._ask_compiled(profile, request, asked)
            satisfied, obligations, clauses, refer_to = summary  # made once (_rules_of)
        else:
            answers, satisfied = self._ask_whole(profile, request)
            obligations, clauses, refer_to = _procedure_summary(profile.clause_rank, satisfied)
        release, withhold, cited = [], [], []
        for name, (allowed, cites) in zip(requested, answers, strict=True):
            (release if allowed else withhold).append(name)
            cited.extend(cites)
        cited.extend(satisfied)
        relied = _proofs_relied_on(profile, request, answers) if release else []
        needs_proof: list[str] = []
        would_release: list[str] = []
        if withhold and profile.proofs and _proves_identity(request):
            needs_proof, would_release, would_cite = self._more_proof(profile, request, withhold)
            cited.extend(would_cite)  # the rules that ask for that proof explain the refusal
        if not withhold:
            # Nothing is left for anyone to decide.
            outcome, refer_to = "release", None
        elif release:
            outcome = "partial_release"
        else:
            outcome = "refer" if refer_to else "deny"
        return {
            "profile": profile.name,
            "policy_version": profile.policy_version,
            "outcome": outcome,
            "release": release,
            "withhold": withhold,
            "refer_to": refer_to,
            "obligations": list(obligations),
            # A refusal always names its basis: with no rule to cite, the contract's own.
            "citations": _citations(
                profile, cited, () if cited or outcome != "deny" else (DEFAULT_WITHHOLD,)
            ),
            "needs_proof": needs_proof,
            # Beyond the contract: the profile's proofs of identity the release relied on.
            "proof": relied,
            # Beyond the contract: which cited clauses each obligation comes from.
            "obligation_clauses": {ob: list(found) for ob, found in clauses.items()},
            "explanation": explanation(
                request=request,
                outcome=outcome,
                release=release,
                withhold=withhold,
                refer_to=refer_to,
                needs_proof=needs_proof,
                would_release=would_release,
            ),
        }

    def _more_proof(self, profile: Profile, request: dict, withhold: list[str]):
        """The least evidence that would release the most of what was withheld.

        Each option of each proof the request has not established on its channel is tried
        (through the memo, so a desk day asks Cedar once per situation). Returns (evidence
        to ask for, in the contract's order; the fields it would release; the release
        rules that option satisfies), or ([], [], []) when no proof would change the answer.
        """
        given = set(request.get("evidence", ()))
        channel = request["channel"]
        established = set(profile.proofs_established(channel, given))
        ask = self._ask_compiled if self.prune else self._ask_whole
        best = None  # (rank, items to add, fields gained, rules)
        position = 0
        for proof in profile.proofs.values():
            if proof.name in established:
                continue
            for option in proof.channels.get(channel, ()):
                position += 1
                hypothetical = dict(request, evidence=sorted(given | option), requested=withhold)
                answers, _ = ask(profile, hypothetical)
                gained = [
                    (name, rules) for name, (ok, rules) in zip(withhold, answers, strict=True) if ok
                ]
                if not gained:
                    continue
                missing = option - given
                rank = (-len(gained), len(missing), position)
                if best is None or rank < best[0]:
                    best = (rank, missing, gained)
        if best is None:
            return [], [], []
        _, missing, gained = best
        rules = [rule for _, cites in gained for rule in cites]
        return [e for e in EVIDENCE if e in missing], [name for name, _ in gained], rules


def _decision_key(facts, text: str, request: dict) -> tuple:
    """What a whole decision is a pure function of, for these compiled rules.

    Cedar's input (facts, entity text) fixes the pruned rules' answers, and with the fields
    asked (their order is the decision's) the release, citations, obligations and referral.
    But parts of a decision are worked out beyond those facts: the `needs_proof` search asks
    hypothetical requests, and some answers are asked of the whole policy set, whose input
    carries the requester's, the instrument's and the review's own attributes (a written
    authorisation's or an instrument's scope beyond the fields asked, say). A randomised
    test found memo entries shared across different scopes, so the key holds every fact
    of the request except the patron's age, which reaches a decision only through the
    entity text, or for a guardian through the explanation (so it is kept for them).
    The evidence is a set (its order changes nothing). Facts only, as the memo's key:
    a request carries nothing personal.
    """
    requester = request["requester"]
    age = None
    if requester["kind"] == "guardian":
        age = (request.get("patron") or {}).get("age")
    return (
        facts,
        text,
        tuple(request["requested"]),
        request["channel"],
        frozenset(request.get("evidence", ())),
        _facts_text(requester),
        request.get("purpose"),
        _facts_text(request.get("instrument")),
        _facts_text(request.get("review")),
        age,
    )


def _facts_text(value) -> tuple | None:
    """A requester, instrument or review as a hashable value, equal exactly when the two
    objects are. The schema (checked before any key is made) makes each a flat object whose
    values are strings, booleans, null or lists of field names, so sorting its items compares
    only their (unique) names; a list keeps its order, as the decision's text does. Cheaper
    than canonical JSON by several microseconds a request, which is most of a memo hit."""
    if value is None:
        return None
    items = [(k, tuple(v) if type(v) is list else v) for k, v in value.items()]
    items.sort()
    return tuple(items)


# Requesters who say who they are (the patron, a guardian, someone authorised in
# writing, the person financially responsible): what they proved decides what they hear.
_CLAIMS_IDENTITY = frozenset({"patron", "guardian", "authorized_agent"})


def _proves_identity(request: dict) -> bool:
    requester = request["requester"]
    return requester["kind"] in _CLAIMS_IDENTITY or bool(requester.get("financially_responsible"))


def _proofs_relied_on(profile: Profile, request: dict, answers) -> list[str]:
    """The established proofs that a rule releasing some field tests."""
    if not profile.proofs:
        return []
    established = profile.proofs_established(request["channel"], request.get("evidence", ()))
    if not established:
        return []
    tested = {name for ok, rules in answers if ok for rule in rules for name in rule.strings}
    return [name for name in established if name in tested]


# (id of the profile, clauses cited) -> (weak reference to the profile, ((clause, text), ...)
# in the profile's order): the ordering and look-ups done once per set of clauses.
_CITED: dict = {}


DEFAULT_WITHHOLD = "contract.default_withhold"


def _citations(profile: Profile, rules: list, extra: tuple = ()) -> list[dict]:
    clauses = frozenset([*(rule.clause for rule in rules), *extra])
    found = _CITED.get((id(profile), clauses))
    if found is None or found[0]() is not profile:  # new, or an id reused by another profile
        ordered = sorted(clauses, key=profile.clause_rank.__getitem__)
        found = (weakref.ref(profile), tuple((c, profile.clauses[c].text) for c in ordered))
        if len(_CITED) >= 4096:
            _CITED.clear()
        _CITED[id(profile), clauses] = found
    return [{"clause": c, "text": text} for c, text in found[1]]


def _copy(decision: dict) -> dict:
    # Callers may change what they get back; the cached decision must not change with it.
    copy = dict(decision)
    for key in ("release", "withhold", "obligations", "needs_proof", "proof"):
        copy[key] = list(decision[key])
    copy["citations"] = [dict(c) for c in decision["citations"]]
    copy["obligation_clauses"] = {ob: list(c) for ob, c in decision["obligation_clauses"].items()}
    return copy


def default_profile_dirs() -> list[Path]:
    dirs = sorted(
        p for p in SHIPPED_PROFILES.iterdir() if p.is_dir() and not p.name.startswith("_")
    )
    for extra in filter(None, os.environ.get(EXTRA_PROFILES_ENV, "").split(os.pathsep)):
        folder = Path(extra)
        if (folder / "profile.toml").is_file():
            dirs.append(folder)
        else:
            dirs.extend(sorted(p for p in folder.iterdir() if (p / "profile.toml").is_file()))
    return dirs


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process-wide engine, with every profile parsed once."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine


def decide(request: dict) -> dict:
    return get_engine().decide(request)
