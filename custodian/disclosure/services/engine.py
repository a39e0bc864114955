"""The policy engine's question for a stored request, and how its answer is read."""

from __future__ import annotations

from typing import Any

from custodian.disclosure import gateways
from custodian.disclosure.models import DisclosureRequest
from custodian.disclosure.services._common import DisclosureError


def contract_request(req: DisclosureRequest, review: dict | None = None) -> dict:
    """The engine's question (shared/contract/request.schema.json) for a stored request."""
    requester: dict[str, Any] = {"kind": req.requester_kind}
    if req.financially_responsible:
        requester["financially_responsible"] = True
    # The patron's grant found at intake (kept with the decision, so a review or a replay
    # asks the same question): its fields are the scope of the written authorisation.
    grant = (getattr(req, "decision", None) or {}).get("authorization")
    if req.requester_kind == "authorized_agent" and grant:
        requester["authorization_scope"] = list(grant["fields"])
    instrument = None
    if req.instrument_type:
        instrument = {
            "type": req.instrument_type,
            "court": req.instrument_court or None,
            "scope": list(req.instrument_scope),
            "nondisclosure": bool(req.nondisclosure),
        }
        if req.instrument_signed_by:
            instrument["signed_by"] = req.instrument_signed_by
    return {
        "profile": req.profile,
        "requester": requester,
        "channel": req.channel,
        "evidence": list(req.evidence),
        "patron": {"age": req.patron_age} if req.patron_age is not None else {},
        "purpose": req.purpose or None,
        "instrument": instrument,
        "review": review,
        "requested": list(req.requested),
    }


def _decide(request: dict) -> dict:
    try:
        return gateways.decide(request)
    except gateways.request_error_types() as exc:
        raise DisclosureError(f"The policy engine could not decide this request: {exc}") from exc


def _clauses(decision: dict) -> list[str]:
    return [c.get("clause", "") for c in decision.get("citations", []) if c.get("clause")]


def _citation_text(decision: dict, obligation: str) -> tuple[str, str]:
    """(clause, text) to read aloud for one obligation: the first clause the engine names
    for it in `obligation_clauses` that the decision cites; ("", "") if it names none."""
    texts = {c.get("clause"): c.get("text", "") for c in decision.get("citations", [])}
    for clause in (decision.get("obligation_clauses") or {}).get(obligation) or ():
        if clause in texts:
            return clause, texts[clause]
    return "", ""
