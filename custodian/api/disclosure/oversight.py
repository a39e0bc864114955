"""The Director's acts and the reports: unsealing, closing, the incident report, reminders, counts."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja import Query

from custodian.api.disclosure._common import (
    CASE_ROLES,
    _case,
    _case_out,
    _on_case,
    _role_guard,
    router,
)
from custodian.api.disclosure.schemas import ERRORS, CaseOut, ReasonIn, ReminderOut
from custodian.disclosure import gateways, selectors, services
from custodian.disclosure.services import DisclosureError


@router.post(
    "/cases/{ref}/unseal",
    response={200: CaseOut, **ERRORS},
    summary="Unseal (the Director only)",
    operation_id="custodian_api_disclosure_unseal",
)
def unseal(request: HttpRequest, ref: UUID, payload: ReasonIn):
    case, _ = _on_case(request, ref, "disclosure.unseal", services.unseal, reason=payload.reason)
    return _case_out(case)


@router.post(
    "/cases/{ref}/close",
    response={200: CaseOut, **ERRORS},
    summary="Close the case",
    operation_id="custodian_api_disclosure_close",
)
def close(request: HttpRequest, ref: UUID, payload: ReasonIn):
    case, _ = _on_case(request, ref, "disclosure.close", services.close_case, note=payload.reason)
    return _case_out(case)


@router.get(
    "/cases/{ref}/incident-report",
    response={200: dict, **ERRORS},
    summary="The incident report (Sonoma III.C.2.h)",
    operation_id="custodian_api_disclosure_incident",
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
    "/reminders",
    response={200: list[ReminderOut], **ERRORS},
    summary="Due and overdue items",
    operation_id="custodian_api_disclosure_reminders",
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


@router.get(
    "/transparency",
    response={200: dict, **ERRORS},
    summary="Counts for the board",
    operation_id="custodian_api_disclosure_transparency",
)
def transparency(request: HttpRequest, year: Query[int]):
    _role_guard(request, ("director", "designee", "auditor"), "disclosure.transparency")
    if not 1900 <= year <= 9999:
        raise DisclosureError("year must be between 1900 and 9999.", "year")
    gateways.audit(user=request.user, action="disclosure.transparency", outcome="allowed")
    return selectors.transparency(year)
