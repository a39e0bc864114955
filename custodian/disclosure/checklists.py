"""The checklists as the screens show them: each duty once, under the officer step it belongs to.

Presentation only (the stored checklist and the API list every obligation); kept apart from
the views so that they stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from custodian.disclosure import services


@dataclass
class Reading:
    """A clause to read aloud under an officer step, and the obligations it stands for."""

    clause: str
    text: str
    # The decision's obligations citing this clause (services.ChecklistLine): each is named
    # in plain words, keeps its anchor, and is ticked with the step.
    obligations: list

    @property
    def duties(self) -> str:
        """The obligations' labels as one sentence: "Ask …; copy … ." without doubled stops."""
        return "; ".join(ob.label.rstrip(". ") for ob in self.obligations) + "."


@dataclass
class OfficerStep(services.ChecklistLine):
    """One step of the profile's officer checklist, with the decision's obligations it covers."""

    readings: list[Reading] = field(default_factory=list)


def _under(clause: str, step_clause: str) -> bool:
    """Whether `clause` is the step's own clause or one of its parts (III.C.2.d.i ¶2 is
    under III.C.2.d)."""
    return clause == step_clause or clause.startswith((step_clause + ".", step_clause + " "))


def checklists(screen) -> tuple[list, list[OfficerStep]]:
    """The obligations to show on their own, and the officer steps with the obligations each
    covers, so that each duty appears once.

    An obligation belongs to the step whose clause cites it, or a part of it (by the clause
    ids the profile gives both); its clause text is read aloud under that step. The rest,
    such as notifying the director under III.C.2 itself, stay on the obligation checklist.
    """
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
