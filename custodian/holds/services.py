"""Placing and releasing legal holds: from a disclosure case, or by the director by hand.

Each act checks the actor's role, writes the audit log (opaque refs and category names only,
never a name, a card number or the reason's text) and, for a case's hold, the case timeline.
A hold placed from a sealed case is sealed: only the director sees it on the holds page.
A hold ends when the director releases it (with a reason) or when its case closes
(`release_for_closed_case`, called by every service that closes a case).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from custodian.audit.services import record_access
from custodian.holds.models import LegalHold
from custodian.policy.retention import CATEGORIES
from custodian.records.models import Patron

# Who places and releases holds: the director, and the director's designee (every profile
# gives the designee the director's reach). Sealed holds are the director's alone.
HOLD_ROLES = frozenset({"director", "designee"})
SEALED_ROLES = frozenset({"director"})
CASE_CLOSED = "The case closed"

# The categories in the library's words (the holds form's checkboxes, the list, the case).
CATEGORY_WORDS = {
    "registration": "Registration (the card and the patron's details)",
    "reading_history": "Reading history (past loans kept by choice)",
    "holds": "Holds on items",
    "charges": "Fines, fees and payments",
    "programs": "Program registrations",
    "computer_sessions": "Public-computer sessions",
    "room_bookings": "Room bookings",
    "reference_interviews": "Reference questions",
    "ill": "Interlibrary loans",
    "searches": "Catalogue and database searches",
    "video": "Camera footage",
    "cases": "Disclosure cases and their documents",
    "audit": "Audit log entries",
}
assert set(CATEGORY_WORDS) == set(CATEGORIES)


class HoldError(Exception):
    """A hold that cannot be placed or released; the message is fit to show on screen."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class HoldForbidden(HoldError):
    status = 403


class HoldNotFound(HoldError):
    status = 404


def role_of(user) -> str:
    return getattr(user, "role", "") if user is not None and user.is_authenticated else ""


def may_manage(user) -> bool:
    return role_of(user) in HOLD_ROLES


def may_see(user, hold: LegalHold) -> bool:
    return role_of(user) in (SEALED_ROLES if hold.sealed else HOLD_ROLES)


def categories_in_words(categories) -> str:
    if not categories:
        return "All of the patron's records"
    return "; ".join(CATEGORY_WORDS.get(c, c) for c in categories)


def _day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def range_in_words(hold_or_from, until: dt.date | None = None) -> str:
    if isinstance(hold_or_from, LegalHold):
        low, high = hold_or_from.records_from, hold_or_from.records_until
    else:
        low, high = hold_or_from, until
    if low and high:
        return f"records dated {_day(low)} to {_day(high)}"
    if low:
        return f"records dated from {_day(low)}"
    if high:
        return f"records dated up to {_day(high)}"
    return "records of any date"


def _audit(*, user, hold: LegalHold, action: str, outcome: str, patron_ref) -> None:
    record_access(
        actor=user.username,
        role=role_of(user) or "system",
        purpose="legal_hold",
        patron_ref=str(patron_ref) if patron_ref else None,
        fields=[f"legal_hold.{c}" for c in (hold.categories or ["all"])],
        outcome=outcome,
        clauses=[],
        action=action,
    )


def _refuse(user, action: str, message: str, patron_ref=None, exc=HoldForbidden):
    with transaction.atomic():
        record_access(
            actor=getattr(user, "username", "") or "anonymous",
            role=role_of(user) or "none",
            purpose="legal_hold",
            patron_ref=str(patron_ref) if patron_ref else None,
            fields=[],
            outcome="refused",
            clauses=[],
            action=action,
        )
    raise exc(message)


def _case_event(case, user, kind: str, note: str) -> None:
    from custodian.disclosure.models import CaseEvent

    CaseEvent.objects.create(case=case, actor=user, kind=kind, note=note)


def place_hold(
    *,
    user,
    patron_ref,
    categories: list[str] | tuple[str, ...] = (),
    records_from: dt.date | None = None,
    records_until: dt.date | None = None,
    reason: str,
    case=None,
    now: dt.datetime | None = None,
) -> LegalHold:
    """Place a hold on a patron's records. `case`: the disclosure case asking for it (its
    patron is the one held; a sealed case's hold is sealed); None: the director by hand."""
    action = "legal_hold_place"
    sealed = bool(case is not None and case.sealed)
    if role_of(user) not in (SEALED_ROLES if sealed else HOLD_ROLES):
        _refuse(user, action, "Only the Director (or a designee) places a legal hold.", patron_ref)
    if set(categories or ()) - set(CATEGORIES):
        raise HoldError("Choose the kinds of records from the list.", "categories")
    categories = [c for c in CATEGORIES if c in set(categories or ())]
    reason = (reason or "").strip()
    if not reason:
        raise HoldError(
            "Say what asks for the hold (a subpoena, a preservation letter, a court order).",
            "reason",
        )
    if records_from and records_until and records_until < records_from:
        raise HoldError("The end of the date range comes before its start.", "records_until")
    if case is not None and case.closed_at is not None:
        raise HoldError("This case is closed: a closed case places no hold. Nothing has changed.")
    patron = Patron.objects.filter(ref=patron_ref).only("pk", "ref").first()
    if patron is None:
        raise HoldNotFound("No patron has that record (it may have been erased).")
    with transaction.atomic():
        hold = LegalHold.objects.create(
            patron=patron,
            categories=categories,
            records_from=records_from,
            records_until=records_until,
            case=case,
            reason=reason,
            sealed=sealed,
            placed_by=user,
            placed_at=now or timezone.now(),
        )
        if case is not None:
            _case_event(
                case,
                user,
                "legal_hold_placed",
                f"Legal hold placed on the patron's records: {categories_in_words(categories)}; "
                f"{range_in_words(hold)}. Asked for by: {reason}",
            )
        _audit(user=user, hold=hold, action=action, outcome="placed", patron_ref=patron.ref)
    return hold


def get_hold(user, hold_ref) -> LegalHold:
    """The hold, if this user may see it (a sealed hold is missing for anyone else)."""
    try:
        hold = LegalHold.objects.select_related("case", "patron").get(ref=hold_ref)
    except (LegalHold.DoesNotExist, ValueError, TypeError):
        _refuse(user, "legal_hold_view", "No such hold.", exc=HoldNotFound)
    if not may_see(user, hold):
        if hold.sealed and may_manage(user):
            _refuse(user, "legal_hold_view", "No such hold.", exc=HoldNotFound)
        _refuse(user, "legal_hold_view", "Only the Director (or a designee) sees legal holds.")
    return hold


def release_hold(*, user, hold: LegalHold, reason: str, now: dt.datetime | None = None):
    """The director releases a hold, saying why."""
    action = "legal_hold_release"
    patron_ref = hold.patron.ref if hold.patron_id else None
    if not may_see(user, hold):
        _refuse(
            user, action, "Only the Director (or a designee) releases a legal hold.", patron_ref
        )
    reason = (reason or "").strip()
    if not reason:
        raise HoldError("Say why the hold is released.", "reason")
    with transaction.atomic():
        current = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if current.released_at is not None:
            raise HoldError("This hold was already released. Nothing has changed.")
        _release(current, user=user, reason=reason, now=now or timezone.now())
    hold.refresh_from_db()
    return hold


def _release(hold: LegalHold, *, user, reason: str, now: dt.datetime) -> None:
    hold.released_at, hold.released_by, hold.release_reason = now, user, reason
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    if hold.case_id is not None:
        _case_event(hold.case, user, "legal_hold_released", f"Legal hold released: {reason}")
    patron_ref = Patron.objects.filter(pk=hold.patron_id).values_list("ref", flat=True).first()
    _audit(
        user=user, hold=hold, action="legal_hold_release", outcome="released", patron_ref=patron_ref
    )


def release_for_closed_case(*, case, user, now: dt.datetime | None = None) -> int:
    """Release every active hold the case placed, with the reason "The case closed".

    Called inside the closing service's transaction, so the case never closes with its holds
    still on (and a failure here leaves the case open)."""
    now = now or timezone.now()
    held = list(LegalHold.objects.select_for_update().filter(case=case, released_at__isnull=True))
    for hold in held:
        hold.case = case
        _release(hold, user=user, reason=CASE_CLOSED, now=max(now, hold.placed_at))
    return len(held)


def holds_for(user) -> tuple[list[LegalHold], list[LegalHold]]:
    """The active and the released holds this user may see (the holds page)."""
    if not may_manage(user):
        _refuse(user, "legal_hold_list", "Only the Director (or a designee) sees legal holds.")
    rows = LegalHold.objects.select_related("case", "placed_by", "released_by", "patron")
    if role_of(user) not in SEALED_ROLES:
        rows = rows.filter(sealed=False)
    rows = list(rows.order_by("-placed_at"))
    return [h for h in rows if h.active], [h for h in rows if not h.active]


def case_holds(case) -> list[LegalHold]:
    """The holds a disclosure case placed, newest first (the case page)."""
    return list(LegalHold.objects.filter(case=case).select_related("released_by", "placed_by"))
