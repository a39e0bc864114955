"""The disclosure API's request and response bodies (their names are the OpenAPI schema names)."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from custodian.disclosure import vocab

RequesterKind = Literal[tuple(vocab.REQUESTER_KINDS)]  # type: ignore[valid-type]
Channel = Literal[tuple(vocab.CHANNELS)]  # type: ignore[valid-type]
EvidenceKind = Literal[tuple(vocab.EVIDENCE)]  # type: ignore[valid-type]
Purpose = Literal[tuple(vocab.PURPOSES)]  # type: ignore[valid-type]
InstrumentType = Literal[tuple(vocab.INSTRUMENT_TYPES)]  # type: ignore[valid-type]
Signer = Literal[tuple(vocab.SIGNERS)]  # type: ignore[valid-type]
Court = Literal[tuple(k for k in vocab.COURTS if k)]  # type: ignore[valid-type]
FieldName = Literal[tuple(vocab.FIELDS)]  # type: ignore[valid-type]


class Error(Schema):
    detail: str
    field: str | None = None


class InstrumentIn(Schema):
    type: InstrumentType
    signed_by: Signer | None = None
    court: Court | None = None
    scope: list[FieldName] = []
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    nondisclosure: bool = False
    scan_base64: str | None = Field(
        None, description="The scan (PDF or image, at most 10 MB), base64-encoded."
    )


class OfficerIn(Schema):
    name: str = Field("", max_length=200)
    badge: str = Field("", max_length=64)
    agency: str = Field("", max_length=200)


class IntakeIn(Schema):
    model_config = {"extra": "forbid"}

    requester_kind: RequesterKind
    requester_name: str = Field("", max_length=200)
    requester_organisation: str = Field("", max_length=200)
    financially_responsible: bool = False
    officer: OfficerIn | None = None
    stated_purpose: str = ""
    response_address: str = ""
    channel: Channel
    evidence: list[EvidenceKind] = []
    purpose: Purpose | None = None
    card_number: str = Field(
        "", max_length=32, description="Used once to find the patron; never stored."
    )
    patron_age: int | None = Field(None, ge=0, le=130)
    instrument: InstrumentIn | None = None
    requested: list[FieldName] = Field(..., min_length=1)
    desk_notes: str = ""


class ChecklistItemOut(Schema):
    id: int
    code: str
    clause: str
    label: str
    read_aloud: str
    done: bool
    note: str


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
    decision: dict


class ChecklistIn(Schema):
    model_config = {"extra": "forbid"}

    done: bool
    note: str = ""


class NoteIn(Schema):
    model_config = {"extra": "forbid"}

    note: str = Field(..., min_length=1)


class ReviewIn(Schema):
    model_config = {"extra": "forbid"}

    instrument_valid: bool | None = None
    counsel_consulted: bool = False
    board_consulted: bool = False
    emergency_confirmed: bool = False
    notes: str = ""


class WrittenDecisionIn(Schema):
    model_config = {"extra": "forbid"}

    disclose: bool
    text: str = Field(..., min_length=1)
    basis: str = Field(..., min_length=1)


class ReleaseIn(Schema):
    model_config = {"extra": "forbid"}

    handed_to: str = Field(..., min_length=1, max_length=300)
    fields: list[FieldName] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class CostIn(Schema):
    model_config = {"extra": "forbid"}

    description: str = Field(..., min_length=1, max_length=300)
    staff_minutes: int = Field(..., gt=0)
    hourly_rate_cents: int | None = Field(None, ge=0)


class CounselIn(Schema):
    model_config = {"extra": "forbid"}

    counsel_name: str = Field(..., min_length=1, max_length=200)
    conclusion: str = Field(..., min_length=1)


class ReasonIn(Schema):
    model_config = {"extra": "forbid"}

    reason: str = Field(..., min_length=1)


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


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
