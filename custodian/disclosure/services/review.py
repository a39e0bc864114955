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
    _require,
    is_custodian,
    refuse_if_closed,
)
from custodian.disclosure.services.engine import _citation_text, _clauses, _decide, contract_request


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
    decision = _decide(contract_request(case.request, review=review_block))
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
            f"{'yes' if emergency_confirmed else 'no'}. Engine: {outcome}."
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


def write_decision(*, user, case: Case, disclose: bool, text: str, basis: str) -> WrittenDecision:
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
    with transaction.atomic():
        wd = WrittenDecision.objects.create(
            case=case, by=user, disclose=bool(disclose), text=text.strip(), basis=basis.strip()
        )
        _event(
            case,
            user,
            "written_decision",
            f"{'Disclose' if disclose else 'Do not disclose'}: {text.strip()}",
        )
        if not disclose and case.status in (Case.Status.OPEN, Case.Status.APPROVED):
            case.status, case.closed_at = Case.Status.DECLINED, timezone.now()
            case.save(update_fields=["status", "closed_at"])
        gateways.audit(
            user=user,
            action="disclosure.written_decision",
            outcome="disclose" if disclose else "withhold",
            patron_ref=case.request.patron_ref,
        )
    return wd


def written_decision_required(case: Case) -> bool:
    obligations = set(case.decision.get("obligations", [])) | set(
        case.request.decision.get("obligations", [])
    )
    return bool(obligations & {"written_decision", "document_decision_basis"})
