"""Sealed cases: unsealing is an explicit act of the Director, recorded and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from custodian.disclosure import gateways
from custodian.disclosure.models import Case
from custodian.disclosure.services._common import (
    DisclosureError,
    Forbidden,
    NotFound,
    _event,
    _refuse,
    can_view_case,
    role_of,
)


def unseal(*, user, case: Case, reason: str) -> Case:
    """Unsealing is an explicit act of the Director, recorded and audited."""
    if role_of(user) != "director":
        hidden = not can_view_case(user, case)
        _refuse(
            user,
            "disclosure.unseal",
            "No such case." if hidden else "Only the Director may unseal a case.",
            patron_ref=case.request.patron_ref,
            exc=NotFound if hidden else Forbidden,
        )
    if not case.sealed:
        raise DisclosureError("This case is not sealed.")
    if not reason.strip():
        raise DisclosureError("Record why the case may now be unsealed.", "reason")
    with transaction.atomic():
        case.sealed, case.unsealed_at, case.unsealed_by, case.unseal_reason = (
            False,
            timezone.now(),
            user,
            reason.strip(),
        )
        case.save(update_fields=["sealed", "unsealed_at", "unsealed_by", "unseal_reason"])
        _event(case, user, "unsealed", reason.strip())
        gateways.audit(
            user=user,
            action="disclosure.unseal",
            outcome="unsealed",
            patron_ref=case.request.patron_ref,
        )
    return case
