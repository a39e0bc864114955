"""An emergency release awaits counsel's review; recording it lets the case close."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways
from custodian.disclosure.models import Case, CounselReview
from custodian.disclosure.services._common import (
    CUSTODIAN_ROLES,
    DisclosureError,
    _event,
    _require,
    refuse_if_closed,
)
from custodian.holds.services import release_for_closed_case


def record_counsel_review(
    *, user, case: Case, counsel_name: str, conclusion: str, now=None
) -> CounselReview:
    _require(
        user,
        case,
        CUSTODIAN_ROLES,
        "disclosure.counsel_review",
        "Only the Director or a designee records counsel's review.",
    )
    refuse_if_closed(
        case,
        "This case is closed; counsel's review can no longer be recorded. Nothing has changed.",
    )
    try:
        cr = case.counsel_review
    except CounselReview.DoesNotExist:
        raise DisclosureError(
            "This case has no emergency release awaiting counsel's review."
        ) from None
    if cr.recorded_at:
        raise DisclosureError("Counsel's review is already recorded.")
    if not counsel_name.strip():
        raise DisclosureError("Name the counsel who reviewed the release.", "counsel_name")
    if not conclusion.strip():
        raise DisclosureError("Record counsel's conclusion.", "conclusion")
    now = now or timezone.now()
    with transaction.atomic():
        cr.counsel_name, cr.conclusion, cr.recorded_by, cr.recorded_at = (
            counsel_name.strip(),
            conclusion.strip(),
            user,
            now,
        )
        cr.save()
        _event(
            case,
            user,
            "counsel_review",
            f"Counsel ({cr.counsel_name}) reviewed the emergency release: {cr.conclusion}",
        )
        case.closed_at = now
        case.save(update_fields=["closed_at"])
        release_for_closed_case(case=case, user=user, now=now)
        gateways.audit(
            user=user,
            action="disclosure.counsel_review",
            outcome="recorded",
            patron_ref=case.request.patron_ref,
        )
    return cr
