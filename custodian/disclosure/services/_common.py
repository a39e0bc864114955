"""What every disclosure service shares: its errors, the roles, the settings, who may see what.

A refused attempt is audited (in its own transaction, so the record survives the refusal)
before the error is raised; a sealed case or request is indistinguishable from a missing one
for those who may not see it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from custodian.disclosure import gateways
from custodian.disclosure.models import Case, CaseEvent, DisclosureRequest

INTAKE_ROLES = {"desk", "branch_manager", "director", "designee"}
CUSTODIAN_ROLES = {"director", "designee"}


class DisclosureError(Exception):
    """A request that cannot be carried out; the message is fit to show at the desk."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(DisclosureError):
    status = 403


class NotFound(DisclosureError):
    status = 404


class Conflict(DisclosureError):
    """The case is past the step asked for (closed, already released): nothing changes."""

    status = 409


# ---------------------------------------------------------------- settings


def max_scan_bytes() -> int:
    return int(getattr(settings, "CUSTODIAN_DISCLOSURE_MAX_SCAN_BYTES", 10 * 1024 * 1024))


def counsel_review_days() -> int:
    return int(getattr(settings, "CUSTODIAN_DISCLOSURE_COUNSEL_REVIEW_DAYS", 3))


def case_due_days() -> int:
    return int(getattr(settings, "CUSTODIAN_DISCLOSURE_CASE_DUE_DAYS", 2))


def hourly_rate_cents() -> int:
    return int(getattr(settings, "CUSTODIAN_DISCLOSURE_HOURLY_RATE_CENTS", 3500))


# ---------------------------------------------------------------- roles


def role_of(user) -> str:
    return getattr(user, "role", "") if user is not None and user.is_authenticated else ""


def is_custodian(user) -> bool:
    return role_of(user) in CUSTODIAN_ROLES


def _refuse(user, action: str, message: str, patron_ref=None, exc=Forbidden):
    """Audit a refused attempt (in its own transaction, so it survives), then raise."""
    with transaction.atomic():
        gateways.audit(user=user, action=action, outcome="refused", patron_ref=patron_ref)
    raise exc(message)


def can_view_case(user, case: Case) -> bool:
    role = role_of(user)
    if case.sealed:
        return role in CUSTODIAN_ROLES
    if role in CUSTODIAN_ROLES or role == "branch_manager":
        return True
    if role == "desk":
        return case.request.created_by_id == user.pk
    return False


def request_is_sealed(req: DisclosureRequest) -> bool:
    case = getattr(req, "case", None) if _has_case(req) else None
    return case.sealed if case is not None else req.sealed


def _has_case(req: DisclosureRequest) -> bool:
    try:
        req.case  # noqa: B018
    except Case.DoesNotExist:
        return False
    return True


def can_view_request(user, req: DisclosureRequest) -> bool:
    if _has_case(req):
        return can_view_case(user, req.case)
    role = role_of(user)
    if req.sealed:
        return role in CUSTODIAN_ROLES
    if role in CUSTODIAN_ROLES or role == "branch_manager":
        return True
    return role == "desk" and req.created_by_id == user.pk


def _require(user, case: Case, roles: set[str], action: str, message: str):
    role = role_of(user)
    ok = role in roles and can_view_case(user, case)
    if role == "branch_manager" and "branch_manager" in roles:
        ok = ok and case.assigned_role == "branch_manager" and not case.sealed
    if not ok:
        _refuse(
            user,
            action,
            "No such case." if case.sealed and not can_view_case(user, case) else message,
            patron_ref=case.request.patron_ref,
            exc=NotFound if case.sealed and not can_view_case(user, case) else Forbidden,
        )


def refuse_if_closed(case: Case, message: str) -> None:
    """A closed case takes no further step (the database would refuse a reopened closed case:
    `case_closed_only_when_done`); say so with 409 before anything is written."""
    if case.closed_at is not None:
        raise Conflict(message)


# ---------------------------------------------------------------- the timeline


def _event(case: Case, user, kind: str, note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=user, kind=kind, note=note)
