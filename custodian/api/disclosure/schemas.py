"""The disclosure API's request and response bodies (their names are the OpenAPI schema names).

Every input body is strict (`StrictIn`): a wrong type is a 422 naming the field, never
coerced (`"yes"` is not a boolean, `"12"` not an age, `0` not a date), unknown keys are
refused, and every free-text field has a length limit (`LIMITS`, shared with the forms).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, Strict

from custodian.disclosure import vocab
from custodian.disclosure.limits import LIMITS, MAX_HOURLY_RATE_CENTS, MAX_STAFF_MINUTES

RequesterKind = Literal[tuple(vocab.REQUESTER_KINDS)]  # type: ignore[valid-type]
Channel = Literal[tuple(vocab.CHANNELS)]  # type: ignore[valid-type]
EvidenceKind = Literal[tuple(vocab.EVIDENCE)]  # type: ignore[valid-type]
Purpose = Literal[tuple(vocab.PURPOSES)]  # type: ignore[valid-type]
InstrumentType = Literal[tuple(vocab.INSTRUMENT_TYPES)]  # type: ignore[valid-type]
Signer = Literal[tuple(vocab.SIGNERS)]  # type: ignore[valid-type]
Court = Literal[tuple(k for k in vocab.COURTS if k)]  # type: ignore[valid-type]
FieldName = Literal[tuple(vocab.FIELDS)]  # type: ignore[valid-type]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value):
    # JSON has no date type: only the written form YYYY-MM-DD is a date here. Lax parsing
    # would read 0 as 1 January 1970 and 1700000000 as a day in 2023: never what was meant.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), Strict(False)]


def Text(name: str, default="", **kw):  # noqa: N802 - reads as a type in the schemas
    """A free-text field with the length limit every input of that name has (LIMITS)."""
    return Field(default, max_length=LIMITS[name], **kw)


class StrictIn(Schema):
    """An input body: no coercion, no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Error(Schema):
    detail: str
    field: str | None = None


class InstrumentIn(StrictIn):
    type: InstrumentType
    signed_by: Signer | None = None
    court: Court | None = None
    scope: list[FieldName] = Field([], max_length=len(vocab.FIELDS))
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    nondisclosure: bool = False
    scan_base64: str | None = Field(
        None, description="The scan (PDF or image, at most 10 MB), base64-encoded."
    )


class OfficerIn(StrictIn):
    name: str = Text("officer_name")
    badge: str = Text("officer_badge")
    agency: str = Text("officer_agency")


class IntakeIn(StrictIn):
    requester_kind: RequesterKind
    requester_name: str = Text("requester_name")
    requester_organisation: str = Text("requester_organisation")
    financially_responsible: bool = False
    officer: OfficerIn | None = None
    stated_purpose: str = Text("stated_purpose")
    response_address: str = Text("response_address")
    channel: Channel
    evidence: list[EvidenceKind] = Field([], max_length=len(vocab.EVIDENCE))
    purpose: Purpose | None = None
    card_number: str = Text(
        "card_number", description="Used once to find the patron; never stored."
    )
    patron_age: int | None = Field(None, ge=0, le=130)
    instrument: InstrumentIn | None = None
    requested: list[FieldName] = Field(..., min_length=1, max_length=len(vocab.FIELDS))
    desk_notes: str = Text("desk_notes")


class ChecklistItemOut(Schema):
    id: int
    code: str
    clause: str
    label: str
    read_aloud: str  # the clause's text (the policy's words); words to say are in `script`
    done: bool
    note: str


class ScriptLineOut(Schema):
    """Words for the desk, from the profile's scripts.toml: `say` is said to the person
    asking (first person); `do` is a duty nobody says aloud, in plain words."""

    key: str  # the outcome's situation (e.g. refer_director) or the obligation
    kind: Literal["say", "do"]
    words: str
    clauses: list[str]  # the clauses it rests on (their text is in decision.citations)


class DecisionScreenOut(Schema):
    request: UUID
    case: UUID | None
    sealed: bool
    custody: bool
    headline: str
    say_now: list[str]
    must_do: list[ChecklistItemOut]
    officer_steps: list[ChecklistItemOut]
    referral: str
    # Evidence that would let more be told (the contract's `needs_proof`), and the
    # question to ask for it in words; empty when the proof given suffices.
    needs_proof: list[str]
    ask_for: str
    # What to say, in order (the outcome's words, then each obligation said aloud), and
    # what to do for the obligations that are not said.
    script: list[ScriptLineOut]
    decision: dict


class ChecklistIn(StrictIn):
    done: bool
    note: str = Text("checklist_note")


class NoteIn(StrictIn):
    note: str = Text("note", ..., min_length=1)


class ReviewIn(StrictIn):
    instrument_valid: bool | None = None
    counsel_consulted: bool = False
    board_consulted: bool = False
    emergency_confirmed: bool = False
    notes: str = Text("review_notes")


class WrittenDecisionIn(StrictIn):
    disclose: bool
    text: str = Text("decision_text", ..., min_length=1)
    basis: str = Text("decision_basis", ..., min_length=1)
    # Empty: what the engine's answer releases. More than that is the Director's override.
    fields: list[FieldName] = Field(default_factory=list, max_length=len(vocab.FIELDS))
    override: bool = False
    override_reason: str = Text("override_reason")
    counsel_name: str = Text("counsel_name")
    counsel_reviewed_on: IsoDate | None = None


class ReleaseIn(StrictIn):
    handed_to: str = Text("handed_to", ..., min_length=1)
    fields: list[FieldName] | None = Field(None, max_length=len(vocab.FIELDS))
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None


class CostIn(StrictIn):
    description: str = Text("cost_description", ..., min_length=1)
    staff_minutes: int = Field(..., gt=0, le=MAX_STAFF_MINUTES)
    hourly_rate_cents: int | None = Field(None, ge=0, le=MAX_HOURLY_RATE_CENTS)


class CounselIn(StrictIn):
    counsel_name: str = Text("counsel_name", ..., min_length=1)
    conclusion: str = Text("counsel_conclusion", ..., min_length=1)


class ReasonIn(StrictIn):
    reason: str = Text("reason", ..., min_length=1)


class CaseSummaryOut(Schema):
    ref: UUID
    request: UUID
    kind: str
    assigned_role: str
    status: str
    sealed: bool
    requester_kind: str
    instrument_type: str
    outcome: str
    opened_at: dt.datetime
    due_on: dt.date | None


class EventOut(Schema):
    at: dt.datetime
    actor: str
    kind: str
    note: str


class ReleaseOut(Schema):
    ref: UUID
    fields: list[str]
    date_from: dt.date | None
    date_to: dt.date | None
    handed_to: str
    handed_at: dt.datetime
    by: str
    emergency: bool
    sha256: str


class CaseOut(CaseSummaryOut):
    decision: dict
    cost_recovery: bool
    desk_notes: str
    events: list[EventOut]
    reviews: list[dict]
    written_decisions: list[dict]
    releases: list[ReleaseOut]
    counsel_review: dict | None
    checklist: list[ChecklistItemOut]


class ReminderOut(Schema):
    kind: str
    case: UUID
    due: str
    overdue: bool
    text: str


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 413: Error, 422: Error}
