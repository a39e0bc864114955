"""Opening a case or request to look at it, notes on its timeline, closing it, the incident report."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways, vocab
from custodian.disclosure.models import (
    Case,
    CaseEvent,
    ChecklistItem,
    CounselReview,
    DisclosureRequest,
)
from custodian.disclosure.services._common import (
    CUSTODIAN_ROLES,
    DisclosureError,
    Forbidden,
    NotFound,
    _event,
    _refuse,
    _require,
    can_view_case,
    can_view_request,
    refuse_if_closed,
    request_is_sealed,
)
from custodian.disclosure.services.desk import _line
from custodian.holds.services import release_for_closed_case


def get_case(user, case_ref, action: str = "disclosure.case.view") -> Case:
    """The case, if this user may see it; every attempt is audited."""
    try:
        case = Case.objects.select_related("request").get(ref=case_ref)
    except (Case.DoesNotExist, ValueError, ValidationError):
        _refuse(user, action, "No such case.", exc=NotFound)
    if not can_view_case(user, case):
        # A sealed case is indistinguishable from a missing one for those who may not see it.
        _refuse(
            user,
            action,
            "No such case." if case.sealed else "Your role may not open this case.",
            patron_ref=case.request.patron_ref,
            exc=NotFound if case.sealed else Forbidden,
        )
    gateways.audit(user=user, action=action, outcome="allowed", patron_ref=case.request.patron_ref)
    return case


def get_request(user, request_ref, action: str = "disclosure.request.view") -> DisclosureRequest:
    try:
        req = DisclosureRequest.objects.get(ref=request_ref)
    except (DisclosureRequest.DoesNotExist, ValueError, ValidationError):
        _refuse(user, action, "No such request.", exc=NotFound)
    if not can_view_request(user, req):
        sealed = request_is_sealed(req)
        _refuse(
            user,
            action,
            "No such request." if sealed else "Your role may not open this request.",
            patron_ref=req.patron_ref,
            exc=NotFound if sealed else Forbidden,
        )
    gateways.audit(user=user, action=action, outcome="allowed", patron_ref=req.patron_ref)
    return req


def add_note(*, user, case: Case, note: str) -> CaseEvent:
    if not note.strip():
        raise DisclosureError("Write the note first.", "note")
    with transaction.atomic():
        ev = _event(case, user, "note", note.strip())
        gateways.audit(
            user=user,
            action="disclosure.case.note",
            outcome="allowed",
            patron_ref=case.request.patron_ref,
        )
    return ev


def close_case(*, user, case: Case, note: str) -> Case:
    _require(
        user,
        case,
        CUSTODIAN_ROLES | {"branch_manager"},
        "disclosure.close",
        "Only the Director, a designee or the assigned branch manager closes a case.",
    )
    refuse_if_closed(case, "This case is already closed. Nothing has changed.")
    if not note.strip():
        raise DisclosureError("Say why the case is closed.", "note")
    try:
        if case.counsel_review.recorded_at is None:
            raise DisclosureError(
                "Counsel's review of the emergency release must be recorded first."
            )
    except CounselReview.DoesNotExist:
        pass
    with transaction.atomic():
        if case.status not in (Case.Status.RELEASED, Case.Status.DECLINED):
            case.status = Case.Status.CLOSED
        case.closed_at = timezone.now()
        case.save(update_fields=["status", "closed_at"])
        _event(case, user, "closed", note.strip())
        release_for_closed_case(case=case, user=user, now=case.closed_at)
        gateways.audit(
            user=user,
            action="disclosure.close",
            outcome="closed",
            patron_ref=case.request.patron_ref,
        )
    return case


def incident_report(case: Case) -> dict:
    """Sonoma III.C.2.h: what the officer gathered, said and did, for the Director."""
    req = case.request
    steps = [_line(i) for i in req.checklist.filter(kind=ChecklistItem.Kind.OFFICER)]
    return {
        "case": case,
        "request": req,
        "requester_kind": vocab.REQUESTER_KINDS.get(req.requester_kind, req.requester_kind),
        "channel": vocab.CHANNELS.get(req.channel, req.channel),
        "instrument": vocab.INSTRUMENT_TYPES.get(req.instrument_type, "")
        if req.instrument_type
        else "None",
        "signed_by": vocab.SIGNERS.get(req.instrument_signed_by, ""),
        "court": vocab.COURTS.get(req.instrument_court, ""),
        "scope": [vocab.FIELDS.get(f, f) for f in req.instrument_scope],
        "requested": [vocab.FIELDS.get(f, f) for f in req.requested],
        "evidence": [vocab.EVIDENCE.get(e, e) for e in req.evidence],
        "outcome": vocab.OUTCOMES.get(req.outcome, req.outcome),
        "explanation": req.decision.get("explanation", ""),
        "steps": steps,
        "events": list(case.events.select_related("actor")),
        "taken_by": req.created_by.get_username(),
    }
