"""Disclosure requests and their reviews as decisions to decide again.

Each request holds the contract request the desk filed (`contract_request`) and the
decision it got; each review of its case holds the decision the engine gave with the
review's findings. Both are decided again: under a draft (`custodian policy replay`) or
under the version in force when they were made (`custodian audit check-decisions`).
Items name a request by its case number ("case 12", or "request 7" when it has no case),
never by a name or a card number. Sealed ones are counted, never listed.
"""

import datetime as dt
from collections.abc import Iterator

from custodian.audit.policy_versions import VersionLog
from custodian.disclosure.models import DisclosureRequest
from custodian.disclosure.services.engine import contract_request
from custodian.policy.replay import Item, Outcome, disagreement, ruled


def _recorded(decision: dict) -> Outcome:
    return Outcome(
        decision.get("outcome", ""),
        tuple(decision.get("release", ())),
        tuple(c.get("clause", "") for c in decision.get("citations", ())),
        decision.get("refer_to"),
    )


def review_block(review) -> dict:
    """The review as custodian/disclosure/services/review.py put it to the engine."""
    block = {
        "by": review.by_role,
        "counsel_consulted": bool(review.counsel_consulted),
        "board_consulted": bool(review.board_consulted),
        "emergency_confirmed": bool(review.emergency_confirmed),
    }
    if review.instrument_valid is not None:
        block["instrument_valid"] = bool(review.instrument_valid)
    return block


def _requests(since: dt.datetime | None):
    requests = DisclosureRequest.objects.select_related("case").order_by("created_at", "id")
    if since is not None:
        requests = requests.filter(created_at__gte=since)
    return requests


def count_decisions(*, since: dt.datetime | None = None) -> int:
    from custodian.disclosure.models import Review

    reviews = Review.objects.all()
    if since is not None:
        reviews = reviews.filter(case__request__created_at__gte=since)
    return _requests(since).count() + reviews.count()


def disclosure_decisions(*, since: dt.datetime | None = None) -> Iterator[tuple[Item, dict]]:
    """(item, facts) for every request's desk decision and every review's decision; facts
    hold when it was decided and the profile and policy_version it was decided under."""
    for req in _requests(since).iterator(chunk_size=500):
        case = getattr(req, "case", None)
        name = f"case {case.pk}" if case is not None else f"request {req.pk}"
        sealed = bool(req.sealed or (case is not None and case.sealed))
        common = dict(kind="disclosure", sealed=sealed)
        yield (
            Item(
                ref=name,
                request=contract_request(req),
                recorded=_recorded(req.decision),
                at=req.created_at.isoformat(),
                **common,
            ),
            {"at": req.created_at, "profile": req.profile, "decision": req.decision},
        )
        if case is None:
            continue
        for number, review in enumerate(case.reviews.order_by("at", "id"), start=1):
            yield (
                Item(
                    ref=f"{name}, review {number}",
                    request=contract_request(req, review=review_block(review)),
                    recorded=_recorded(review.decision),
                    at=review.at.isoformat(),
                    **common,
                ),
                {"at": review.at, "profile": req.profile, "decision": review.decision},
            )


def check_disclosures(log: VersionLog, *, advance=None) -> tuple[int, list[dict], int]:
    """(decisions checked, findings, sealed findings): each decided again under the version
    in force. A sealed case's finding is counted, not listed (as in a replay)."""
    checked, findings, sealed = 0, [], 0
    for item, facts in disclosure_decisions():
        checked += 1
        if advance is not None:
            advance(1)
        decision = facts["decision"]
        choice = log.version_at(
            facts["at"], profile=facts["profile"], label=decision.get("policy_version")
        )
        try:
            decided = ruled(log.engine(choice.version), item)
        except Exception as exc:  # a version that cannot decide it is itself a finding
            problems = [f"cannot be decided: {' '.join(str(exc).split())}"]
        else:
            problems = disagreement(item.recorded, decided, fields_known=True)
        if problems and item.sealed:
            sealed += 1
        elif problems:
            version = choice.version
            findings.append(
                {
                    "ref": item.ref,
                    "at": item.at,
                    "profile": facts["profile"],
                    "policy_version": version.policy_version if version else None,
                    "digest": version.digest if version else None,
                    "version_chosen": choice.how,
                    "problems": problems,
                }
            )
    return checked, findings, sealed
