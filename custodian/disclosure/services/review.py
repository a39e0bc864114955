"""The legal review and the engine's second decision; the Director's written decision."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways, vocab
from custodian.disclosure.models import Case, ChecklistItem, Review, WrittenDecision
from custodian.disclosure.services._common import (
    CUSTODIAN_ROLES,
    Conflict,
    DisclosureError,
    _event,
    _refuse,
    _require,
    is_custodian,
    refuse_if_closed,
    role_of,
)
from custodian.disclosure.services.engine import _citation_text, _clauses, _decide, contract_request
from custodian.holds.services import release_for_closed_case


def _without_withdrawn_grant(req, review_block: dict) -> dict:
    """The engine's question for a review. A patron's grant found at intake counts only if
    it is still in force now: withdrawn or expired since, its scope and the written
    authorisation it stood for are dropped, so the review releases nothing on it."""
    request = contract_request(req, review=review_block)
    grant = (req.decision or {}).get("authorization")
    if grant and not gateways.grant_still_live(grant_id=grant["id"], patron_ref=req.patron_ref):
        request["requester"].pop("authorization_scope", None)
        request["evidence"] = [e for e in request["evidence"] if e != "written_authorization"]
    return request


def review(
    *,
    user,
    case: Case,
    instrument_valid: bool | None,
    counsel_consulted: bool = False,
    board_consulted: bool = False,
    emergency_confirmed: bool = False,
    notes: str = "",
) -> Review:
    """Record the legal review; the engine decides again with it."""
    _require(
        user,
        case,
        CUSTODIAN_ROLES | {"branch_manager"},
        "disclosure.review",
        "Only the Director, a designee or the assigned branch manager records a review.",
    )
    refuse_if_closed(
        case,
        "This case is closed (declined in writing, released or closed); it takes no further "
        "review. Nothing has changed.",
    )
    if case.status in (Case.Status.RELEASED, Case.Status.CLOSED):
        raise Conflict("This case is already finished; it takes no further review.")
    by_role = "director" if is_custodian(user) else "branch_manager"
    review_block: dict[str, Any] = {
        "by": by_role,
        "counsel_consulted": bool(counsel_consulted),
        "board_consulted": bool(board_consulted),
        "emergency_confirmed": bool(emergency_confirmed),
    }
    if instrument_valid is not None:
        review_block["instrument_valid"] = bool(instrument_valid)
    decision = _decide(_without_withdrawn_grant(case.request, review_block))
    with transaction.atomic():
        rv = Review.objects.create(
            case=case,
            by=user,
            by_role=by_role,
            instrument_valid=instrument_valid,
            counsel_consulted=bool(counsel_consulted),
            board_consulted=bool(board_consulted),
            emergency_confirmed=bool(emergency_confirmed),
            notes=notes.strip(),
            decision=decision,
            outcome=decision["outcome"],
        )
        case.decision = decision
        outcome = decision["outcome"]
        summary = (
            f"Review by the {by_role.replace('_', ' ')}: document proper: "
            f"{'yes' if instrument_valid else 'no' if instrument_valid is False else 'n/a'}; counsel: "
            f"{'yes' if counsel_consulted else 'no'}; board: {'yes' if board_consulted else 'no'}; emergency: "
            f"{'yes' if emergency_confirmed else 'no'}. Policy engine: "
            f"{vocab.OUTCOMES.get(outcome, outcome).lower()}."
        )
        _event(case, user, "review", summary + (f" {notes.strip()}" if notes.strip() else ""))
        if outcome in ("release", "partial_release") and decision.get("release"):
            case.status = Case.Status.APPROVED
        elif outcome == "deny":
            # Declined on this review; the case stays open to a further review (e.g. after
            # the board is consulted) until it is closed or decided in writing.
            case.status = Case.Status.DECLINED
        else:
            case.status = Case.Status.OPEN
            if (
                outcome == "refer"
                and decision.get("refer_to") == "director"
                and case.assigned_role != "director"
            ):
                case.assigned_role = "director"
                _event(case, user, "referred", "Referred on to the Library Director (or designee).")
        for ob in decision.get("obligations", []):
            ChecklistItem.objects.get_or_create(
                request=case.request,
                kind=ChecklistItem.Kind.OBLIGATION,
                code=ob,
                defaults={
                    "label": vocab.OBLIGATIONS.get(ob, ob),
                    "clause": _citation_text(decision, ob)[0],
                    "read_aloud": _citation_text(decision, ob)[1],
                    "position": 100,
                },
            )
        if "requester_bears_costs" in decision.get("obligations", []):
            case.cost_recovery = True
        case.save()
        gateways.audit(
            user=user,
            action="disclosure.review",
            outcome=outcome,
            patron_ref=case.request.patron_ref,
            fields=decision.get("release", []),
            clauses=_clauses(decision),
        )
    return rv


def engine_fields(case: Case) -> list[str]:
    """What the policy engine's answer (the decision governing the case) releases, limited to
    what was asked for and to the document's face."""
    req = case.request
    fields = [f for f in case.decision.get("release", []) if f in req.requested]
    return _within_face(req, fields)


def _within_face(req, fields: list[str]) -> list[str]:
    if req.instrument_type and req.instrument_scope:
        return [f for f in fields if f in req.instrument_scope]
    if req.instrument_type and req.is_officer:
        return []
    return list(fields)


def fields_within_face(case: Case) -> list[str]:
    """What a written decision could disclose at all: the records asked for, within the
    document's face."""
    return _within_face(case.request, list(case.request.requested))


def override_fields(case: Case) -> list[str]:
    """The fields a recorded Director's override releases beyond the engine's answer."""
    out: list[str] = []
    for wd in case.written_decisions.filter(override=True):
        out += [f for f in wd.fields if f not in out]
    return out


def _words(fields) -> str:
    return ", ".join(vocab.FIELDS.get(f, f) for f in fields)


def _check_fields(case: Case, fields: list[str]) -> None:
    req = case.request
    not_asked = [f for f in fields if f not in req.requested]
    if not_asked:
        raise DisclosureError(f"Not asked for in this request: {_words(not_asked)}.", "fields")
    outside = [f for f in fields if f not in _within_face(req, [f])]
    if outside:
        raise DisclosureError(
            f"Outside what the document names on its face: {_words(outside)}.", "fields"
        )


def _check_override(
    *, user, case: Case, fields, reason: str, counsel_name: str, counsel_reviewed_on, today
):
    if role_of(user) != "director":
        _refuse(
            user,
            "disclosure.override",
            "Only the Library Director may override the policy engine's answer.",
            patron_ref=case.request.patron_ref,
        )
    if not fields:
        raise DisclosureError("Choose the records this decision discloses.", "fields")
    if not reason.strip():
        raise DisclosureError(
            "Say why the decision overrides the policy engine.", "override_reason"
        )
    if not counsel_name.strip():
        raise DisclosureError("Record which counsel reviewed the override.", "counsel_name")
    if counsel_reviewed_on is None:
        raise DisclosureError(
            "Record the day counsel reviewed the override.", "counsel_reviewed_on"
        )
    opened = timezone.localdate(case.opened_at)
    if counsel_reviewed_on > today or counsel_reviewed_on < opened:
        raise DisclosureError(
            "Counsel's review must fall between the day the case was opened and today.",
            "counsel_reviewed_on",
        )


def write_decision(
    *,
    user,
    case: Case,
    disclose: bool,
    text: str,
    basis: str,
    fields: list[str] | None = None,
    override: bool = False,
    override_reason: str = "",
    counsel_name: str = "",
    counsel_reviewed_on=None,
    today=None,
) -> WrittenDecision:
    """The Director's written decision. One that gives more than the policy engine's answer
    (more records, or disclosure where the engine denied or referred without releasing)
    is recorded only as the Director's explicit override, with a reason and counsel's review."""
    _require(
        user,
        case,
        CUSTODIAN_ROLES,
        "disclosure.written_decision",
        "Only the Director or a designee issues the written decision.",
    )
    refuse_if_closed(
        case, "This case is closed; a written decision can no longer be added. Nothing has changed."
    )
    if not text.strip():
        raise DisclosureError("Write the decision.", "text")
    if not basis.strip():
        raise DisclosureError(
            "Record what information or circumstances supported the decision.", "basis"
        )
    chosen = list(dict.fromkeys(fields or []))
    engine = engine_fields(case)
    if not disclose and (chosen or override):
        raise DisclosureError(
            "A decision not to disclose names no records and overrides nothing.", "disclose"
        )
    _check_fields(case, chosen)
    beyond = [f for f in chosen if f not in engine]
    exceeds = bool(disclose) and (bool(beyond) or not engine)
    if exceeds and not override:
        answer = vocab.OUTCOMES.get(case.decision.get("outcome"), "no release")
        gives = f"; it releases only: {_words(engine)}" if engine else "; it releases nothing"
        raise DisclosureError(
            f"This decision gives more than the policy engine's answer ({answer}{gives}). "
            "Only the Director's explicit override records it: tick the override, give the "
            "reason and record counsel's review. Nothing has changed.",
            "override",
        )
    if override and not exceeds:
        raise DisclosureError(
            "Nothing to override: the policy engine's answer already gives what this decision "
            "discloses. Untick the override.",
            "override",
        )
    if override:
        _check_override(
            user=user,
            case=case,
            fields=chosen,
            reason=override_reason,
            counsel_name=counsel_name,
            counsel_reviewed_on=counsel_reviewed_on,
            today=today or timezone.localdate(),
        )
    with transaction.atomic():
        wd = WrittenDecision.objects.create(
            case=case,
            by=user,
            by_role=role_of(user),
            disclose=bool(disclose),
            fields=chosen,
            text=text.strip(),
            basis=basis.strip(),
            override=bool(override),
            override_reason=override_reason.strip() if override else "",
            counsel_name=counsel_name.strip() if override else "",
            counsel_reviewed_on=counsel_reviewed_on if override else None,
        )
        said = "Disclose" if disclose else "Do not disclose"
        if disclose and chosen:
            said += f" ({_words(chosen)})"
        _event(case, user, "written_decision", f"{said}: {text.strip()}")
        if override:
            _event(
                case,
                user,
                "override",
                f"The Director overrides the policy engine's answer "
                f"({vocab.OUTCOMES.get(case.decision.get('outcome'), 'no release')}) and "
                f"discloses {_words(beyond or chosen)}. Reason: {wd.override_reason} "
                f"Counsel's review: {wd.counsel_name}, {_day(counsel_reviewed_on)}.",
            )
            if case.status in (Case.Status.OPEN, Case.Status.DECLINED):
                case.status = Case.Status.APPROVED
                case.save(update_fields=["status"])
            # The reason and counsel's name stay on the case: the audit entry holds codes only.
            gateways.audit(
                user=user,
                action="disclosure.override",
                outcome="recorded",
                patron_ref=case.request.patron_ref,
                fields=beyond or chosen,
                clauses=_clauses(case.decision),
            )
        if not disclose and case.status in (Case.Status.OPEN, Case.Status.APPROVED):
            case.status, case.closed_at = Case.Status.DECLINED, timezone.now()
            case.save(update_fields=["status", "closed_at"])
            release_for_closed_case(case=case, user=user, now=case.closed_at)
        gateways.audit(
            user=user,
            action="disclosure.written_decision",
            outcome="disclose" if disclose else "withhold",
            patron_ref=case.request.patron_ref,
        )
    return wd


def _day(d) -> str:
    return f"{d.day} {d:%B %Y}"


def written_decision_required(case: Case) -> bool:
    obligations = set(case.decision.get("obligations", [])) | set(
        case.request.decision.get("obligations", [])
    )
    return bool(obligations & {"written_decision", "document_decision_basis"})
