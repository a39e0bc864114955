"""Asking the policy engine, then narrowing to what the reader's role needs to know.

The engine answers "may this requester be told this under the library's policy"; for staff
the door then keeps only the fields the role needs for its work (the profile's
`staff_fields(role)`), so a policy that lets staff see everything still shows each clerk no
more than the job needs.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from custodian.door.readers import Reader
from custodian.policy import decide, get_engine

# The contract's field vocabulary (shared/contract/fields.md), in its own order.
FIELDS: tuple[str, ...] = (
    "registration.status",
    "registration.name",
    "registration.address",
    "registration.phone",
    "registration.email",
    "registration.birthdate",
    "registration.card_number",
    "loans.count",
    "loans.due_dates",
    "loans.titles",
    "overdue.status",
    "overdue.count",
    "overdue.titles",
    "lost.titles",
    "charges.amount",
    "charges.details",
    "payments.records",
    "holds.count",
    "holds.titles",
    "history.titles",
    "programs.records",
    "computer.records",
    "rooms.records",
    "reference.records",
    "ill.records",
    "searches.records",
    "video.records",
)
_KNOWN = frozenset(FIELDS)


@dataclass(frozen=True, slots=True)
class Citation:
    clause: str
    text: str


@dataclass(frozen=True, slots=True)
class Ruling:
    """The engine's decision after need-to-know: what this reader gets, and why."""

    requested: tuple[str, ...]
    released: tuple[str, ...]
    outcome: str
    refer_to: str | None = None
    obligations: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    explanation: str = ""
    # Fields the policy allowed but the role has no need to know.
    beyond_need: tuple[str, ...] = field(default=())

    @property
    def withheld(self) -> tuple[str, ...]:
        return tuple(f for f in self.requested if f not in self.released)

    @property
    def clauses(self) -> list[str]:
        return [c.clause for c in self.citations]

    @property
    def complete(self) -> bool:
        return self.released == self.requested


def requested_fields(fields) -> tuple[str, ...]:
    """The requested fields, checked against the contract vocabulary, first mention kept."""
    if isinstance(fields, str):
        raise TypeError("fields is a list of contract field names, not one string")
    chosen = tuple(dict.fromkeys(fields))
    unknown = [f for f in chosen if f not in _KNOWN]
    if unknown:
        raise ValueError(f"unknown patron-record field(s): {', '.join(unknown)}")
    if not chosen:
        raise ValueError("name at least one field")
    return chosen


def staff_need_to_know(role: str) -> frozenset[str]:
    try:
        return frozenset(get_engine().profile(settings.CUSTODIAN_PROFILE).staff_fields(role))
    except KeyError:
        # A role the profile does not list has no need to know anything.
        return frozenset()


def machine_need_to_know(purpose: str) -> frozenset[str]:
    """What a SIP machine of this purpose may show or act on (the profile's `[kiosks]`)."""
    try:
        return get_engine().profile(settings.CUSTODIAN_PROFILE).kiosk_fields(purpose)
    except KeyError:
        return frozenset()


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    before_birthday = (today.month, today.day) < (birth_date.month, birth_date.day)
    return max(0, today.year - birth_date.year - before_birthday)


def engine_request(
    *, reader: Reader, purpose: str | None, fields: tuple[str, ...], age: int | None
) -> dict:
    if reader.kind == "staff":
        request = {
            "profile": settings.CUSTODIAN_PROFILE,
            "requester": {"kind": "staff"},
            "channel": "in_person",
            "evidence": [],
            "purpose": purpose,
            "requested": list(fields),
        }
    else:
        request = {
            "profile": settings.CUSTODIAN_PROFILE,
            "requester": {"kind": "patron"},
            # The physical card read by a terminal is the card in hand; otherwise online.
            "channel": "in_person" if "library_card" in reader.evidence else "online",
            "evidence": list(reader.evidence),
            "purpose": purpose,
            "requested": list(fields),
        }
    if age is not None:
        request["patron"] = {"age": age}
    return request


def refusal(fields: tuple[str, ...], explanation: str) -> Ruling:
    """A ruling the door makes without asking: there is no basis to ask on."""
    return Ruling(requested=fields, released=(), outcome="deny", explanation=explanation)


def ask(*, reader: Reader, purpose: str | None, fields: tuple[str, ...], age: int | None) -> Ruling:
    decision = decide(engine_request(reader=reader, purpose=purpose, fields=fields, age=age))
    allowed = set(decision["release"])
    beyond_need: tuple[str, ...] = ()
    if reader.kind == "staff":
        need = staff_need_to_know(reader.role)
        beyond_need = tuple(f for f in fields if f in allowed and f not in need)
        allowed &= need
    elif reader.machine_purpose is not None:
        need = machine_need_to_know(reader.machine_purpose)
        beyond_need = tuple(f for f in fields if f in allowed and f not in need)
        allowed &= need
    released = tuple(f for f in fields if f in allowed)
    if released == fields:
        outcome = "release"
    elif released:
        outcome = "partial_release"
    elif decision["outcome"] in ("refer", "deny"):
        outcome = decision["outcome"]
    else:
        # The policy would allow it, but the role has no need to know any of it.
        outcome = "deny"
    explanation = decision.get("explanation", "")
    if beyond_need and not released:
        explanation = (
            "This machine has no need to show these parts of a patron's record."
            if reader.machine_purpose is not None
            else "Your role has no need to know these parts of a patron's record."
        )
    return Ruling(
        requested=fields,
        released=released,
        outcome=outcome,
        refer_to=decision.get("refer_to"),
        obligations=tuple(decision.get("obligations", ())),
        citations=tuple(
            Citation(clause=c["clause"], text=c.get("text", ""))
            for c in decision.get("citations", ())
        ),
        explanation=explanation,
        beyond_need=beyond_need,
    )


def from_decision(
    fields: tuple[str, ...], decision: dict, *, passes_on_refer: bool = True
) -> Ruling:
    """The Ruling for `fields` from an engine decision, with no staff need-to-know narrowing
    (a patron's guardian, a notice). Nothing released: the engine's refer/deny, or a plain
    deny where `passes_on_refer` is False (a notice has no one to refer to)."""
    allowed = set(decision["release"])
    released = tuple(f for f in fields if f in allowed)
    if released == fields:
        outcome = "release"
    elif released:
        outcome = "partial_release"
    elif passes_on_refer and decision["outcome"] in ("refer", "deny"):
        outcome = decision["outcome"]
    else:
        outcome = "deny"
    return Ruling(
        requested=fields,
        released=released,
        outcome=outcome,
        refer_to=decision.get("refer_to"),
        obligations=tuple(decision.get("obligations", ())),
        citations=tuple(
            Citation(clause=c["clause"], text=c.get("text", ""))
            for c in decision.get("citations", ())
        ),
        explanation=decision.get("explanation", ""),
    )
