"""The disclosure router and what its endpoints share: the role guard, opening a case, the outputs.

The endpoints spell out their operation ids: they are the ids the API had when it was one
module (`custodian.api.disclosure`), and clients generated from the document use them.
"""

from __future__ import annotations

import base64
import binascii

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from ninja import Router

from custodian.disclosure import gateways, services
from custodian.disclosure.services import DisclosureError, Forbidden
from custodian.policy.explain import ask_for_proof

router = Router(tags=["disclosure"])


class ScanTooLarge(DisclosureError):
    status = 413


CASE_ROLES = ("desk", "branch_manager", "director", "designee")


def _role_guard(request: HttpRequest, roles, action: str):
    if services.role_of(request.user) not in roles:
        gateways.audit(user=request.user, action=action, outcome="refused")
        raise Forbidden("Your role may not use this endpoint. The attempt has been recorded.")


def _case(request, ref, action):
    _role_guard(request, CASE_ROLES, action)
    return services.get_case(request.user, ref, action=action)


def _on_case(request, ref, action, act, /, **fields):
    """The shape the case endpoints share: find the case, checking the caller's role (a refusal
    is audited), then `act(user=..., case=..., **fields)` as the caller. Returns the case and
    what `act` returned; a `DisclosureError` on the way becomes its HTTP status (`api.main`).
    """
    case = _case(request, ref, action)
    return case, act(user=request.user, case=case, **fields)


def _case_after(request, ref, action, act, /, **fields) -> dict:
    """`_on_case`, answered with the whole case as it stands afterwards."""
    case, _ = _on_case(request, ref, action, act, **fields)
    case.refresh_from_db()
    return _case_out(case)


def _item_out(i) -> dict:
    """A checklist line (a stored item, or a line of the desk screen)."""
    return {
        "id": i.id,
        "code": i.code,
        "clause": i.clause,
        "label": i.label,
        "read_aloud": i.read_aloud,
        "done": i.done,
        "note": i.note,
    }


def _event_out(e) -> dict:
    return {"at": e.at, "actor": e.actor.get_username(), "kind": e.kind, "note": e.note}


def _screen_out(screen) -> dict:
    return {
        "request": screen.request.ref,
        "case": screen.case.ref if screen.case else None,
        "sealed": screen.sealed,
        "custody": screen.custody,
        "headline": screen.headline,
        "say_now": screen.say_now,
        "must_do": [_item_out(i) for i in screen.must_do],
        "officer_steps": [_item_out(i) for i in screen.officer_steps],
        "referral": screen.referral,
        "needs_proof": list(screen.decision.get("needs_proof") or []),
        "ask_for": ask_for_proof(screen.decision.get("needs_proof")),
        "script": _script_out(screen),
        "decision": screen.decision,
    }


def _script_out(screen) -> list[dict]:
    """The words the desk screen shows: lines to say, then the duties that are done, not said."""
    said = [
        {"key": s.key, "kind": "say", "words": s.words, "clauses": [c for c, _ in s.clauses]}
        for s in screen.script
    ]
    done = [
        {"key": i.code, "kind": "do", "words": i.label, "clauses": [i.clause] if i.clause else []}
        for i in screen.must_do
        if not i.spoken
    ]
    return said + done


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
        "events": [_event_out(e) for e in case.events.select_related("actor")],
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
                "fields": list(w.fields),
                "text": w.text,
                "basis": w.basis,
                "override": w.override,
                "override_reason": w.override_reason,
                "counsel_name": w.counsel_name,
                "counsel_reviewed_on": w.counsel_reviewed_on.isoformat()
                if w.counsel_reviewed_on
                else None,
            }
            for w in case.written_decisions.select_related("by")
        ],
        "releases": [_release_out(r) for r in case.releases.select_related("by")],
        "counsel_review": counsel,
        "checklist": [_item_out(i) for i in case.request.checklist.all()],
    }


def _decode_scan(b64: str | None):
    if not b64:
        return None
    limit = services.max_scan_bytes()
    if len(b64) > (limit * 4) // 3 + 8:
        raise ScanTooLarge(
            f"The document scan is too large: at most {limit // 1048576} MB.", "scan"
        )
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise DisclosureError("The document scan is not valid base64.", "scan") from None
    return SimpleUploadedFile("scan", raw)
