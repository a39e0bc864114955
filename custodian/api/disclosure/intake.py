"""Taking a request over JSON, its decision screen, and ticking its checklist."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest
from ninja.responses import Status

from custodian.api.disclosure._common import (
    CASE_ROLES,
    _decode_scan,
    _item_out,
    _role_guard,
    _screen_out,
    router,
)
from custodian.api.disclosure.schemas import (
    ERRORS,
    ChecklistIn,
    ChecklistItemOut,
    DecisionScreenOut,
    IntakeIn,
    OfficerIn,
)
from custodian.disclosure import services
from custodian.disclosure.services import Intake


@router.post(
    "/requests",
    response={201: DecisionScreenOut, **ERRORS},
    summary="Take a disclosure request",
    operation_id="custodian_api_disclosure_create_request",
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
    "/requests/{ref}",
    response={200: DecisionScreenOut, **ERRORS},
    summary="The decision screen",
    operation_id="custodian_api_disclosure_get_request",
)
def get_request(request: HttpRequest, ref: UUID):
    _role_guard(request, CASE_ROLES, "disclosure.request.view")
    req = services.get_request(request.user, ref)
    return _screen_out(services.desk_screen(user=request.user, req=req))


@router.post(
    "/checklist/{item_id}",
    response={200: ChecklistItemOut, **ERRORS},
    summary="Tick a checklist item",
    operation_id="custodian_api_disclosure_tick",
)
def tick(request: HttpRequest, item_id: int, payload: ChecklistIn):
    _role_guard(request, CASE_ROLES, "disclosure.checklist")
    i = services.set_checklist_item(
        user=request.user, item_id=item_id, done=payload.done, note=payload.note
    )
    return _item_out(i)
