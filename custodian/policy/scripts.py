"""Words to say at the desk: each profile's `scripts.toml`, beside its clauses.

The clauses are the policy's instructions to staff ("Library staff shall so notify the
Library Director..."); they are not words for the person at the counter. A profile
therefore carries, for every situation its rules can produce, the short first-person words
the clerk says (`say`) or, for a duty nobody says aloud (the director's written decision),
the plain line of what the clerk does (`do`). The desk shows them with the clause they
rest on; a library edits its own words here.

    [outcome.refer_director]            # what to say for this outcome
    say.any = "I can't answer that now. ..."
    say.officers = "I can't give out information about anyone's library use. ..."

    [obligation.record_officer_credentials]
    say = "May I see your badge? I'll write down your name and badge number."

    [obligation.written_decision]
    do = "The Director writes the decision down and sends it."

A value is a string, or a table of words by who is asking: `any` (required), then a
requester kind (`guardian`) or group (`officers`, `legal_process`, `third_parties`); the
kind wins over a group, a group over `any`.

Loading refuses unknown keys and names, an obligation with both or neither of `say` and
`do`, and any outcome or obligation the profile's rules can produce that has no words
(naming the rule that produces it), so no decision reaches the screen without a script.

The same words in Spanish, for a requester who asks for Spanish, live beside it in
`scripts.es.toml` (same tables, same keys). A profile may ship without one; if it has one,
it must give every entry of scripts.toml, with the same `say`/`do` and the same requester
variants, so the Spanish script is never a mix of languages. The clauses themselves stay
in the policy's own language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from custodian.policy.errors import ProfileError
from custodian.policy.vocabulary import KINDS, OBLIGATIONS, REQUESTER_GROUPS, REVIEWERS

FILENAME = "scripts.toml"
SPANISH_FILENAME = "scripts.es.toml"
# The situations of a decision that get words: its outcome, with whom a referral goes to
# and whether a refusal only wants more proof (see `situation`).
SITUATIONS = (
    "release",
    "partial_release",
    *(f"refer_{who}" for who in REVIEWERS),
    "deny",
    "deny_needs_proof",
)
# Words a situation's script may leave to the decision: {proof} is the proof still needed.
PLACEHOLDERS = {"deny_needs_proof": {"proof"}}
_WHO = ("any", *KINDS, *REQUESTER_GROUPS)
# {proof} in scripts.es.toml: each proof a refusal may ask for, as it is asked in Spanish.
SPANISH_PROOFS = {
    "library_card": "la tarjeta de la biblioteca",
    "card_number": "el número completo de la tarjeta",
    "photo_id": "una identificación con foto",
    "pin": "el PIN",
    "written_authorization": "la autorización firmada por el usuario",
    "officer_credentials": "el nombre y el número de placa del agente",
}


def spanish_proof_words(codes) -> str:
    """`["card_number", "pin"]` -> "el número completo de la tarjeta y el PIN"."""
    words = [SPANISH_PROOFS[c] for c in codes]
    return " y ".join(words) if len(words) <= 2 else ", ".join(words[:-1]) + " y " + words[-1]


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Words:
    """One entry of scripts.toml: words said (`spoken`) or a line of what to do."""

    key: str  # a situation or an obligation
    spoken: bool
    by_who: dict  # "any", kinds and groups -> words
    line: int | None

    def for_kind(self, kind: str | None) -> str:
        if kind in self.by_who:
            return self.by_who[kind]
        for group, kinds in REQUESTER_GROUPS.items():
            if kind in kinds and group in self.by_who:
                return self.by_who[group]
        return self.by_who["any"]

    def texts(self) -> list[str]:
        return list(self.by_who.values())


@dataclass(frozen=True)
class Scripts:
    path: Path
    outcomes: dict[str, Words]
    obligations: dict[str, Words]
    # The same words in Spanish (scripts.es.toml), or None when the profile gives none.
    spanish: Scripts | None = None

    def for_outcome(self, decision: dict, kind: str | None, proof: str = "") -> str:
        """The words to say for the decision's outcome, to this kind of requester."""
        words = self.outcomes[situation(decision)].for_kind(kind)
        return words.replace("{proof}", proof) if "{proof}" in words else words

    def for_obligation(self, name: str) -> Words:
        return self.obligations[name]

    def missing(self, decision: dict) -> list[str]:
        """What this decision would show with no words (empty for a loaded profile)."""
        gaps = [] if situation(decision) in self.outcomes else [situation(decision)]
        return gaps + [ob for ob in decision.get("obligations", []) if ob not in self.obligations]

    def all_texts(self) -> list[tuple[str, str]]:
        """(key, words) for every script, to check their wording."""
        return [
            (w.key, text)
            for group in (self.outcomes, self.obligations)
            for w in group.values()
            for text in w.texts()
        ]


def situation(decision: dict) -> str:
    """The key of a decision's outcome in scripts.toml."""
    outcome = decision["outcome"]
    if outcome == "refer":
        return f"refer_{decision.get('refer_to') or 'director'}"
    if outcome == "deny" and decision.get("needs_proof"):
        return "deny_needs_proof"
    return outcome


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return None


def _words(key: str, entry, path: Path, text: str, header: str, *, outcome: bool) -> Words:
    line = _line_of(text, f"[{header}.{key}]") or _line_of(text, key)

    def fail(message: str):
        raise ProfileError(f"[{header}.{key}]: {message}", path=path, line=line)

    if not isinstance(entry, dict):
        fail('must be a table, e.g. say = "..."')
    allowed = {"say"} if outcome else {"say", "do"}
    unknown = set(entry) - allowed
    if unknown:
        fail(f"unknown key {sorted(unknown)[0]!r} (expected {' or '.join(sorted(allowed))})")
    given = [k for k in ("say", "do") if k in entry]
    if len(given) != 1:
        fail("give the words to say (say = ...)" if outcome else "give either say or do, not both")
    value = entry[given[0]]
    by_who = {"any": value} if isinstance(value, str) else value
    if not isinstance(by_who, dict) or "any" not in by_who:
        fail(f'{given[0]} is a string, or a table with "any" and words by who is asking')
    for who, words in by_who.items():
        if who not in _WHO:
            fail(f"unknown requester {who!r} (any, a requester kind or group)")
        if not isinstance(words, str) or not words.strip():
            fail(f"{given[0]}.{who} must be words, not empty")
        for name in _PLACEHOLDER.findall(words):
            if name not in PLACEHOLDERS.get(key, ()):
                allowed_here = ", ".join(sorted(PLACEHOLDERS.get(key, ()))) or "none"
                fail(f"unknown placeholder {{{name}}} (here: {allowed_here})")
    tidy = {who: " ".join(words.split()) for who, words in by_who.items()}
    return Words(key, given[0] == "say", tidy, line)


def load_scripts(folder: Path, rules: dict, *, proofs: bool) -> Scripts:
    """Read and check `folder/scripts.toml` against what the profile's rules can produce.

    `rules`: the profile's rules (profile.Rule, contract rules included); `proofs`: whether
    the profile defines proofs of identity (so a refusal can ask for more).
    """
    path = folder / FILENAME
    if not path.is_file():
        raise ProfileError(
            "no scripts.toml: every profile gives the words staff say for each outcome and "
            "obligation its rules can produce (see docs/policies.md, 'Words to say')",
            path=folder,
        )
    outcomes, obligations = _read_words(path)
    _check_complete(path, outcomes, obligations, rules, proofs)
    english = Scripts(path, outcomes, obligations)
    spanish_path = folder / SPANISH_FILENAME
    if not spanish_path.is_file():
        return english
    es_outcomes, es_obligations = _read_words(spanish_path)
    _check_same_entries(spanish_path, english, es_outcomes, es_obligations)
    return Scripts(
        path, outcomes, obligations, spanish=Scripts(spanish_path, es_outcomes, es_obligations)
    )


def _read_words(path: Path) -> tuple[dict[str, Words], dict[str, Words]]:
    """The [outcome.*] and [obligation.*] tables of one scripts file, checked one by one."""
    from custodian.policy.profile import _read_toml  # one TOML reader, with its limits

    data, text = _read_toml(path)
    unknown = set(data) - {"outcome", "obligation"}
    if unknown:
        name = sorted(unknown)[0]
        raise ProfileError(
            f"unknown table {name!r} (expected [outcome.<situation>] and [obligation.<name>])",
            path=path,
            line=_line_of(text, name),
        )
    outcomes, obligations = {}, {}
    for key, entry in data.get("outcome", {}).items():
        if key not in SITUATIONS:
            raise ProfileError(
                f"unknown outcome {key!r} (known: {', '.join(SITUATIONS)})",
                path=path,
                line=_line_of(text, f"outcome.{key}"),
            )
        outcomes[key] = _words(key, entry, path, text, "outcome", outcome=True)
    for key, entry in data.get("obligation", {}).items():
        if key not in OBLIGATIONS:
            raise ProfileError(
                f"unknown obligation {key!r} (the contract's obligations are in "
                "custodian/policy/vocabulary.py)",
                path=path,
                line=_line_of(text, f"obligation.{key}"),
            )
        obligations[key] = _words(key, entry, path, text, "obligation", outcome=False)
    return outcomes, obligations


def _check_same_entries(path: Path, english: Scripts, outcomes: dict, obligations: dict) -> None:
    """The Spanish file gives exactly the English file's entries, said or done alike."""
    for table, theirs, ours in (
        ("outcome", english.outcomes, outcomes),
        ("obligation", english.obligations, obligations),
    ):
        for key, words in theirs.items():
            mine = ours.get(key)
            if mine is None:
                raise ProfileError(
                    f"no Spanish words for {table} {key!r}: add [{table}.{key}] (every entry of "
                    f"{FILENAME} needs its Spanish)",
                    path=path,
                )
            where = f"[{table}.{key}]"
            if mine.spoken != words.spoken:
                kind = "say" if words.spoken else "do"
                raise ProfileError(
                    f"{where}: use {kind}, as {FILENAME} does", path=path, line=mine.line
                )
            if set(mine.by_who) != set(words.by_who):
                raise ProfileError(
                    f"{where}: give words for the same requesters as {FILENAME} "
                    f"({', '.join(sorted(words.by_who))})",
                    path=path,
                    line=mine.line,
                )
        for key, mine in ours.items():
            if key not in theirs:
                raise ProfileError(
                    f"[{table}.{key}] is not in {FILENAME}: the Spanish file translates it",
                    path=path,
                    line=mine.line,
                )


def _check_complete(path, outcomes, obligations, rules: dict, proofs: bool) -> None:
    needed = {"release": None, "partial_release": None, "deny": None}
    if proofs:
        needed["deny_needs_proof"] = None
    for rule in rules.values():
        if rule.refer_to:
            needed.setdefault(f"refer_{rule.refer_to}", rule)
        for ob in rule.obligations:
            needed.setdefault(ob, rule)
    for key, rule in needed.items():
        table = "outcome" if key in SITUATIONS else "obligation"
        if key in (outcomes if table == "outcome" else obligations):
            continue
        source = (
            f", which {rule.path.name}:{rule.line} (clause {rule.clause}) can produce"
            if rule
            else ""
        )
        hint = 'say = "..."' if table == "outcome" else 'say = "..." or do = "..."'
        raise ProfileError(
            f"no words for {table} {key!r}{source}: add [{table}.{key}] with {hint}", path=path
        )


def for_deciding_only() -> str:
    """A scripts.toml with neutral words for every situation and obligation.

    Stored policy versions keep only the files that decide (replay.DECIDING_PATTERNS); a
    version written back to a folder to decide old requests again (`audit check-decisions`,
    `policy replay`) gets this, since nothing there is said at a desk.
    """
    words = "Words to say are not kept with past policy versions."
    lines = ["# Written for deciding only: this policy version is not used at a desk."]
    lines += [f'[outcome.{key}]\nsay = "{words}"' for key in SITUATIONS]
    lines += [f'[obligation.{name}]\ndo = "{words}"' for name in OBLIGATIONS]
    return "\n".join(lines) + "\n"
