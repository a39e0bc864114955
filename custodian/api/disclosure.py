"""Disclosure requests over JSON: the same services, roles and rules as the screens."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Literal
from uuid import UUID

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from custodian.disclosure import gateways, selectors, services, vocab
from custodian.disclosure.services import DisclosureError, Forbidden, Intake

router = Router(tags=["disclosure"])

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


# ---------------------------------------------------------------- helpers


def _role_guard(request: HttpRequest, roles, action: str):
    if services.role_of(request.user) not in roles:
        gateways.audit(user=request.user, action=action, outcome="refused")
        raise Forbidden("Your role may not use this endpoint. The attempt has been recorded.")


CASE_ROLES = ("desk", "branch_manager", "director", "designee")


def _screen_out(screen) -> dict:
    def item(i):
        return {
            "id": i.id,
            "code": i.code,
            "clause": i.clause,
            "label": i.label,
            "read_aloud": i.read_aloud,
            "done": i.done,
            "note": i.note,
        }

    return {
        "request": screen.request.ref,
        "case": screen.case.ref if screen.case else None,
        "sealed": screen.sealed,
        "custody": screen.custody,
        "headline": screen.headline,
        "say_now": screen.say_now,
        "must_do": [item(i) for i in screen.must_do],
        "officer_steps": [item(i) for i in screen.officer_steps],
        "referral": screen.referral,
        "decision": screen.decision,
    }


def _summary(case) -> dict:
    r = case.request
    return {
        "ref": case.ref,
        "request": r.ref,
        "kind": case.kind,
        "assigned_role": case.assigned_role,
        "status": case.status,
        "sealed": case.sealed,
        "requester_kind": r.requester_kind,
        "instrument_type": r.instrument_type,
        "outcome": case.decision.get("outcome", r.outcome),
        "opened_at": case.opened_at,
        "due_on": case.due_on,
    }


def _release_out(rel) -> dict:
    return {
        "ref": rel.ref,
        "fields": rel.fields,
        "date_from": rel.date_from,
        "date_to": rel.date_to,
        "handed_to": rel.handed_to,
        "handed_at": rel.handed_at,
        "by": rel.by.get_username(),
        "emergency": rel.emergency,
        "sha256": rel.sha256,
    }


def _case_out(case) -> dict:
    try:
        cr = case.counsel_review
        counsel = {
            "due_by": cr.due_by.isoformat(),
            "recorded_at": cr.recorded_at.isoformat() if cr.recorded_at else None,
            "counsel_name": cr.counsel_name,
            "conclusion": cr.conclusion,
        }
    except Exception:  # noqa: BLE001 - none on this case
        counsel = None
    return {
        **_summary(case),
        "decision": case.decision,
        "cost_recovery": case.cost_recovery,
        "desk_notes": case.desk_notes,
        "events": [
            {"at": e.at, "actor": e.actor.get_username(), "kind": e.kind, "note": e.note}
            for e in case.events.select_related("actor")
        ],
        "reviews": [
            {
                "at": r.at.isoformat(),
                "by": r.by.get_username(),
                "by_role": r.by_role,
                "instrument_valid": r.instrument_valid,
                "counsel_consulted": r.counsel_consulted,
                "board_consulted": r.board_consulted,
                "emergency_confirmed": r.emergency_confirmed,
                "notes": r.notes,
                "outcome": r.outcome,
            }
            for r in case.reviews.select_related("by")
        ],
        "written_decisions": [
            {
                "at": w.at.isoformat(),
                "by": w.by.get_username(),
                "disclose": w.disclose,
                "text": w.text,
                "basis": w.basis,
            }
            for w in case.written_decisions.select_related("by")
        ],
        "releases": [_release_out(r) for r in case.releases.select_related("by")],
        "counsel_review": counsel,
        "checklist": [
            {
                "id": i.id,
                "code": i.code,
                "clause": i.clause,
                "label": i.label,
                "read_aloud": i.read_aloud,
                "done": i.done,
                "note": i.note,
            }
            for i in case.request.checklist.all()
        ],
    }


def _decode_scan(b64: str | None):
    if not b64:
        return None
    limit = services.max_scan_bytes()
    if len(b64) > (limit * 4) // 3 + 8:
        raise DisclosureError(
            f"The document scan is too large; the limit is {limit // 1048576} MB.", "scan"
        )
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise DisclosureError("The document scan is not valid base64.", "scan") from None
    return SimpleUploadedFile("scan", raw)


# ---------------------------------------------------------------- endpoints


@router.post(
    "/requests", response={201: DecisionScreenOut, **ERRORS}, summary="Take a disclosure request"
)
def create_request(request: HttpRequest, payload: IntakeIn):
    """Record who is asking and what for; the policy engine decides at once."""
    _role_guard(request, services.INTAKE_ROLES, "disclosure.intake")
    inst = payload.instrument
    officer = payload.officer or OfficerIn()
    data = Intake(
        requester_kind=payload.requester_kind,
        channel=payload.channel,
        requested=list(payload.requested),
        requester_name=payload.requester_name,
        requester_organisation=payload.requester_organisation,
        financially_responsible=payload.financially_responsible,
        officer_name=officer.name,
        officer_badge=officer.badge,
        officer_agency=officer.agency,
        stated_purpose=payload.stated_purpose,
        response_address=payload.response_address,
        evidence=list(payload.evidence),
        purpose=payload.purpose or "",
        card_number=payload.card_number,
        patron_age=payload.patron_age,
        instrument_type=inst.type if inst else "",
        instrument_signed_by=(inst.signed_by or "") if inst else "",
        instrument_court=(inst.court or "") if inst else "",
        instrument_scope=list(inst.scope) if inst else [],
        instrument_date_from=inst.date_from if inst else None,
        instrument_date_to=inst.date_to if inst else None,
        nondisclosure=inst.nondisclosure if inst else False,
        desk_notes=payload.desk_notes,
    )
    scan = _decode_scan(inst.scan_base64 if inst else None)
    screen = services.intake(user=request.user, data=data, scan=scan)
    return Status(201, _screen_out(screen))


@router.get(
    "/requests/{ref}", response={200: DecisionScreenOut, **ERRORS}, summary="The decision screen"
)
def get_request(request: HttpRequest, ref: UUID):
    _role_guard(request, CASE_ROLES, "disclosure.request.view")
    req = services.get_request(request.user, ref)
    return _screen_out(services.desk_screen(user=request.user, req=req))


@router.post(
    "/checklist/{item_id}",
    response={200: ChecklistItemOut, **ERRORS},
    summary="Tick a checklist item",
)
def tick(request: HttpRequest, item_id: int, payload: ChecklistIn):
    _role_guard(request, CASE_ROLES, "disclosure.checklist")
    i = services.set_checklist_item(
        user=request.user, item_id=item_id, done=payload.done, note=payload.note
    )
    return {
        "id": i.id,
        "code": i.code,
        "clause": i.clause,
        "label": i.label,
        "read_aloud": i.read_aloud,
        "done": i.done,
        "note": i.note,
    }


@router.get(
    "/cases", response={200: list[CaseSummaryOut], **ERRORS}, summary="Cases this user may see"
)
def list_cases(
    request: HttpRequest,
    status: Literal["open", "approved", "released", "declined", "closed"] | None = None,
):
    _role_guard(request, CASE_ROLES, "disclosure.case_list")
    gateways.audit(user=request.user, action="disclosure.case_list", outcome="allowed")
    return [_summary(c) for c in selectors.cases_for(request.user, status=status)[:500]]


@router.get(
    "/cases/{ref}", response={200: CaseOut, **ERRORS}, summary="One case, with its timeline"
)
def get_case(request: HttpRequest, ref: UUID):
    _role_guard(request, CASE_ROLES, "disclosure.case.view")
    return _case_out(services.get_case(request.user, ref))


def _case(request, ref, action):
    _role_guard(request, CASE_ROLES, action)
    return services.get_case(request.user, ref, action=action)


@router.post(
    "/cases/{ref}/notes", response={201: EventOut, **ERRORS}, summary="Add a note to the timeline"
)
def add_note(request: HttpRequest, ref: UUID, payload: NoteIn):
    case = _case(request, ref, "disclosure.case.note")
    e = services.add_note(user=request.user, case=case, note=payload.note)
    return Status(
        201, {"at": e.at, "actor": e.actor.get_username(), "kind": e.kind, "note": e.note}
    )


@router.post(
    "/cases/{ref}/reviews", response={201: CaseOut, **ERRORS}, summary="Record the legal review"
)
def add_review(request: HttpRequest, ref: UUID, payload: ReviewIn):
    case = _case(request, ref, "disclosure.review")
    services.review(
        user=request.user,
        case=case,
        instrument_valid=payload.instrument_valid,
        counsel_consulted=payload.counsel_consulted,
        board_consulted=payload.board_consulted,
        emergency_confirmed=payload.emergency_confirmed,
        notes=payload.notes,
    )
    case.refresh_from_db()
    return Status(201, _case_out(case))


@router.post(
    "/cases/{ref}/written-decisions",
    response={201: CaseOut, **ERRORS},
    summary="Record the director's written decision",
)
def add_written_decision(request: HttpRequest, ref: UUID, payload: WrittenDecisionIn):
    case = _case(request, ref, "disclosure.written_decision")
    services.write_decision(
        user=request.user,
        case=case,
        disclose=payload.disclose,
        text=payload.text,
        basis=payload.basis,
    )
    case.refresh_from_db()
    return Status(201, _case_out(case))


@router.post(
    "/cases/{ref}/releases",
    response={201: ReleaseOut, **ERRORS},
    summary="Produce the disclosure package",
)
def add_release(request: HttpRequest, ref: UUID, payload: ReleaseIn):
    case = _case(request, ref, "disclosure.release")
    rel = services.release(
        user=request.user,
        case=case,
        handed_to=payload.handed_to,
        fields=list(payload.fields) if payload.fields else None,
        date_from=payload.date_from,
        date_to=payload.date_to,
    )
    return Status(201, _release_out(rel))


@router.get(
    "/cases/{ref}/releases/{release_ref}",
    response={200: dict, **ERRORS},
    summary="The JSON disclosure package",
)
def get_package(request: HttpRequest, ref: UUID, release_ref: UUID):
    case = _case(request, ref, "disclosure.package")
    rel = case.releases.filter(ref=release_ref).first()
    if rel is None:
        raise services.NotFound("No such package.")
    rel.json.open("rb")
    try:
        return json.loads(rel.json.read())
    finally:
        rel.json.close()


@router.post(
    "/cases/{ref}/costs",
    response={201: dict, **ERRORS},
    summary="Record staff time (requester pays)",
)
def add_cost(request: HttpRequest, ref: UUID, payload: CostIn):
    case = _case(request, ref, "disclosure.cost")
    c = services.add_cost(
        user=request.user,
        case=case,
        description=payload.description,
        staff_minutes=payload.staff_minutes,
        hourly_rate_cents=payload.hourly_rate_cents,
    )
    return Status(
        201,
        {
            "description": c.description,
            "staff_minutes": c.staff_minutes,
            "hourly_rate_cents": c.hourly_rate_cents,
            "amount_cents": c.amount_cents,
        },
    )


@router.get(
    "/cases/{ref}/invoice", response={200: dict, **ERRORS}, summary="The invoice for the requester"
)
def get_invoice(request: HttpRequest, ref: UUID):
    case = _case(request, ref, "disclosure.invoice")
    if not case.cost_recovery:
        raise services.NotFound("No invoice: the requester does not bear costs in this case.")
    inv = services.invoice(case)
    inv["lines"] = [{**line, "at": line["at"].isoformat()} for line in inv["lines"]]
    return inv


@router.post(
    "/cases/{ref}/counsel-review",
    response={201: CaseOut, **ERRORS},
    summary="Record counsel's review of an emergency release",
)
def add_counsel_review(request: HttpRequest, ref: UUID, payload: CounselIn):
    case = _case(request, ref, "disclosure.counsel_review")
    services.record_counsel_review(
        user=request.user,
        case=case,
        counsel_name=payload.counsel_name,
        conclusion=payload.conclusion,
    )
    case.refresh_from_db()
    return Status(201, _case_out(case))


@router.post(
    "/cases/{ref}/unseal", response={200: CaseOut, **ERRORS}, summary="Unseal (the Director only)"
)
def unseal(request: HttpRequest, ref: UUID, payload: ReasonIn):
    case = _case(request, ref, "disclosure.unseal")
    services.unseal(user=request.user, case=case, reason=payload.reason)
    return _case_out(case)


@router.post("/cases/{ref}/close", response={200: CaseOut, **ERRORS}, summary="Close the case")
def close(request: HttpRequest, ref: UUID, payload: ReasonIn):
    case = _case(request, ref, "disclosure.close")
    services.close_case(user=request.user, case=case, note=payload.reason)
    return _case_out(case)


@router.get(
    "/cases/{ref}/incident-report",
    response={200: dict, **ERRORS},
    summary="The incident report (Sonoma III.C.2.h)",
)
def incident(request: HttpRequest, ref: UUID):
    case = _case(request, ref, "disclosure.incident_report")
    r = services.incident_report(case)
    req = r["request"]
    return {
        "case": str(case.ref),
        "opened_at": case.opened_at.isoformat(),
        "taken_by": r["taken_by"],
        "requester_kind": r["requester_kind"],
        "officer_name": req.officer_name,
        "officer_badge": req.officer_badge,
        "officer_agency": req.officer_agency,
        "stated_purpose": req.stated_purpose,
        "response_address": req.response_address,
        "channel": r["channel"],
        "evidence": r["evidence"],
        "instrument": r["instrument"],
        "signed_by": r["signed_by"],
        "court": r["court"],
        "scope": r["scope"],
        "requested": r["requested"],
        "outcome": r["outcome"],
        "explanation": r["explanation"],
        "steps": [
            {"clause": s.clause, "label": s.label, "done": s.done, "note": s.note}
            for s in r["steps"]
        ],
        "desk_notes": case.desk_notes,
        "events": [
            {
                "at": e.at.isoformat(),
                "actor": e.actor.get_username(),
                "kind": e.kind,
                "note": e.note,
            }
            for e in r["events"]
        ],
    }


@router.get(
    "/reminders", response={200: list[ReminderOut], **ERRORS}, summary="Due and overdue items"
)
def reminders(request: HttpRequest):
    _role_guard(request, CASE_ROLES, "disclosure.reminders")
    gateways.audit(user=request.user, action="disclosure.reminders", outcome="allowed")
    return [
        {
            "kind": r["kind"],
            "case": r["case"].ref,
            "due": r["due"].isoformat(),
            "overdue": r["overdue"],
            "text": r["text"],
        }
        for r in selectors.reminders(request.user)
    ]


@router.get("/transparency", response={200: dict, **ERRORS}, summary="Counts for the board")
def transparency(request: HttpRequest, year: Query[int]):
    _role_guard(request, ("director", "designee", "auditor"), "disclosure.transparency")
    if not 1900 <= year <= 9999:
        raise DisclosureError("year must be between 1900 and 9999.", "year")
    gateways.audit(user=request.user, action="disclosure.transparency", outcome="allowed")
    return selectors.transparency(year)
