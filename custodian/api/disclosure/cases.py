"""The cases a user may see, one case with its timeline, and notes on it."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from django.http import HttpRequest
from ninja.responses import Status

from custodian.api.disclosure._common import (
    CASE_ROLES,
    _case_out,
    _event_out,
    _on_case,
    _role_guard,
    _summary,
    router,
)
from custodian.api.disclosure.schemas import ERRORS, CaseOut, CaseSummaryOut, EventOut, NoteIn
from custodian.disclosure import gateways, selectors, services


@router.get(
    "/cases",
    response={200: list[CaseSummaryOut], **ERRORS},
    summary="Cases this user may see",
    operation_id="custodian_api_disclosure_list_cases",
)
def list_cases(
    request: HttpRequest,
    status: Literal["open", "approved", "released", "declined", "closed"] | None = None,
):
    _role_guard(request, CASE_ROLES, "disclosure.case_list")
    gateways.audit(user=request.user, action="disclosure.case_list", outcome="allowed")
    return [_summary(c) for c in selectors.cases_for(request.user, status=status)[:500]]


@router.get(
    "/cases/{ref}",
    response={200: CaseOut, **ERRORS},
    summary="One case, with its timeline",
    operation_id="custodian_api_disclosure_get_case",
)
def get_case(request: HttpRequest, ref: UUID):
    _role_guard(request, CASE_ROLES, "disclosure.case.view")
    return _case_out(services.get_case(request.user, ref))


@router.post(
    "/cases/{ref}/notes",
    response={201: EventOut, **ERRORS},
    summary="Add a note to the timeline",
    operation_id="custodian_api_disclosure_add_note",
)
def add_note(request: HttpRequest, ref: UUID, payload: NoteIn):
    _, e = _on_case(request, ref, "disclosure.case.note", services.add_note, note=payload.note)
    return Status(201, _event_out(e))
