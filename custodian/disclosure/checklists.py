"""The decision as the screens show it: the words to say, then each duty once, under the
officer step it belongs to, and each clause once, beside the first line resting on it.

Presentation only (the stored checklist and the API list every obligation); kept apart from
the views so that they stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from custodian.disclosure import services


@dataclass
class Cite:
    """A clause a line rests on, and the policy's words. Only its first appearance on a
    page (`first`) is shown, so each clause appears once."""

    clause: str
    text: str
    first: bool = True


class _Page:
    """Hands out each clause's text once per page, in the order the page shows them."""

    def __init__(self):
        self.shown: set[str] = set()

    def cite(self, clause: str, text: str) -> Cite | None:
        if not clause:
            return None
        first = clause not in self.shown
        self.shown.add(clause)
        return Cite(clause, text, first)


@dataclass
class Reading:
    """The duties under an officer step that come from one clause, and that clause."""

    clause: str
    text: str
    # The decision's obligations citing this clause (services.ChecklistLine): each is named
    # in plain words, keeps its anchor, and is ticked with the step.
    obligations: list
    cite: Cite | None = None

    @property
    def duties(self) -> str:
        """The duties as sentences: "Ask …. Copy …." without doubled stops."""
        return " ".join(_sentence(ob.label) for ob in self.obligations)


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".;, ")
    return text[:1].upper() + text[1:] + "."


@dataclass
class Duty(services.ChecklistLine):
    """A checklist line with the clause to show beside it (its text once per page)."""

    cite: Cite | None = None


@dataclass
class OfficerStep(Duty):
    """One step of the profile's officer checklist, with the decision's obligations it covers."""

    readings: list[Reading] = field(default_factory=list)


@dataclass
class ScriptView:
    """A line to say, with its clauses (each text once on the page)."""

    key: str
    words: str
    cites: list[Cite]


def _under(clause: str, step_clause: str) -> bool:
    """Whether `clause` is the step's own clause or one of its parts (III.C.2.d.i ¶2 is
    under III.C.2.d)."""
    return clause == step_clause or clause.startswith((step_clause + ".", step_clause + " "))


def _group(screen) -> tuple[list, list[OfficerStep]]:
    steps = [OfficerStep(**vars(line)) for line in screen.officer_steps]
    by_length = sorted(steps, key=lambda s: len(s.clause), reverse=True)
    remaining = []
    for ob in screen.must_do:
        step = next((s for s in by_length if ob.clause and _under(ob.clause, s.clause)), None)
        if step is None:
            remaining.append(ob)
            continue
        reading = next((r for r in step.readings if r.clause == ob.clause), None)
        if reading is None:
            step.readings.append(reading := Reading(ob.clause, ob.read_aloud, []))
        reading.obligations.append(ob)
    return remaining, steps


def _cite_checklists(page: _Page, remaining: list, steps: list[OfficerStep]) -> list:
    """Give each line its clause (text once); returns the obligations as shown."""
    shown = []
    for ob in remaining:
        line = Duty(**vars(ob))
        line.cite = page.cite(ob.clause, ob.read_aloud)
        shown.append(line)
    for step in steps:
        for reading in step.readings:
            reading.cite = page.cite(reading.clause, reading.text)
    return shown


def checklists(screen) -> tuple[list, list[OfficerStep]]:
    """The obligations to show on their own, and the officer steps with the obligations each
    covers, so that each duty appears once.

    An obligation belongs to the step whose clause cites it, or a part of it (by the clause
    ids the profile gives both); its clause is shown under that step. The rest, such as
    notifying the director under III.C.2 itself, stay on the obligation checklist.
    """
    remaining, steps = _group(screen)
    return _cite_checklists(_Page(), remaining, steps), steps


def decision_page(screen) -> dict:
    """What the desk's decision page shows, in its order: the words to say, the duties now
    (obligations on their own and the officer steps that carry a duty of this decision),
    the rest of the officer procedure, and any cited clause no line rests on. Each clause's
    text appears once, beside the first line that rests on it."""
    page = _Page()
    script = [
        ScriptView(
            line.key, line.words, [c for c in (page.cite(*pair) for pair in line.clauses) if c]
        )
        for line in screen.script
    ]
    remaining, steps = _group(screen)
    now = [s for s in steps if s.readings]
    must_do = _cite_checklists(page, remaining, now) + now
    others = [
        Cite(c["clause"], c.get("text", ""))
        for c in screen.decision.get("citations", [])
        if c.get("clause") not in page.shown
    ]
    return {
        "grant": grant_line(screen.decision),
        "script": script,
        # The same words in Spanish, for a requester who asks for Spanish (no clauses: those
        # stay in the policy's language, beside the English lines above).
        "script_es": [ScriptView(line.key, line.words, []) for line in screen.script_es],
        "must_do": must_do,  # the obligations no step covers, then the steps carrying duties
        # Steps with no duty in this decision (e.g. a custody document's): for reference.
        "steps_later": [s for s in steps if not s.readings],
        "other_clauses": others,
    }


# The parts of a record a grant can cover, as the grant line names them (by field prefix).
_GRANT_PARTS = {
    "loans": "loans",
    "overdue": "loans",
    "lost": "loans",
    "holds": "holds",
    "charges": "charges and payments",
    "payments": "charges and payments",
    "history": "reading history",
    "registration": "contact details",
}


def grant_line(decision: dict) -> str | None:
    """The patron's written authorisation the intake found for this requester, in words:
    "The patron's written authorisation made on 3 December 2026 in their online account,
    valid until 10 December 2026, covers: loans." None when the request was not an
    authorised agent's; a plain refusal line when no live grant names them."""
    if "authorization" not in decision:
        return None
    grant = decision["authorization"]
    if not grant:
        return (
            "No written authorisation from this patron naming this person is on file "
            "(none was made, or it has expired or been revoked)."
        )
    from custodian.words import day

    parts = list(
        dict.fromkeys(
            _GRANT_PARTS.get(f.split(".", 1)[0], "other library use") for f in grant["fields"]
        )
    )
    made = "in their online account" if grant.get("made_in_portal") else "on file at the library"
    until = (
        f"valid until {day(grant['expires_on'])}" if grant.get("expires_on") else "with no end date"
    )
    return (
        f"The patron's written authorisation made on {day(grant['signed_on'])} {made}, "
        f"{until}, covers: {', '.join(parts)}."
    )
