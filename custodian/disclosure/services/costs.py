"""Where the requester bears the costs: staff time recorded against a case, and the invoice."""

from __future__ import annotations

from django.db import transaction

from custodian.disclosure import gateways
from custodian.disclosure.models import Case, CostRecord
from custodian.disclosure.services import _common
from custodian.disclosure.services._common import CUSTODIAN_ROLES, DisclosureError, _event, _require


def add_cost(
    *, user, case: Case, description: str, staff_minutes: int, hourly_rate_cents: int | None = None
):
    _require(
        user,
        case,
        CUSTODIAN_ROLES | {"branch_manager"},
        "disclosure.cost",
        "Only the Director, a designee or the assigned branch manager records costs.",
    )
    # Staff time is billed after the work, so a closed case still takes it (Westchester 5:
    # the invoice follows the release); it changes no status, so it cannot reopen the case.
    if not case.cost_recovery:
        raise DisclosureError(
            "This library's policy does not make the requester bear the costs of this case."
        )
    try:
        minutes = int(staff_minutes)
    except (TypeError, ValueError):
        raise DisclosureError(
            "Staff time must be a whole number of minutes.", "staff_minutes"
        ) from None
    if minutes <= 0:
        raise DisclosureError("Staff time must be more than zero minutes.", "staff_minutes")
    if not description.strip():
        raise DisclosureError("Say what the time was spent on.", "description")
    rate = hourly_rate_cents if hourly_rate_cents is not None else _common.hourly_rate_cents()
    if int(rate) < 0:
        raise DisclosureError("The hourly rate cannot be negative.", "hourly_rate_cents")
    with transaction.atomic():
        cost = CostRecord.objects.create(
            case=case,
            by=user,
            description=description.strip(),
            staff_minutes=minutes,
            hourly_rate_cents=int(rate),
        )
        _event(case, user, "cost", f"{minutes} minutes: {cost.description}")
        gateways.audit(
            user=user,
            action="disclosure.cost",
            outcome="recorded",
            patron_ref=case.request.patron_ref,
        )
    return cost


def invoice(case: Case) -> dict:
    lines = [
        {
            "at": c.at,
            "description": c.description,
            "minutes": c.staff_minutes,
            "rate_cents": c.hourly_rate_cents,
            "amount_cents": c.amount_cents,
        }
        for c in case.costs.all()
    ]
    req = case.request
    return {
        "case": str(case.ref),
        "bill_to": req.officer_agency
        or req.requester_organisation
        or req.requester_name
        or "The requester",
        "attention": req.officer_name or req.requester_name,
        "address": req.response_address,
        "lines": lines,
        "total_minutes": sum(line["minutes"] for line in lines),
        "total_cents": sum(line["amount_cents"] for line in lines),
    }
