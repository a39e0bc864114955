"""Reading concerns: the patron's own, and the Director's list and case.

Each read is audited (field names and the patron's opaque ref, never the words), and each
returns plain frozen rows, so the screens never hold a model.
"""

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.utils import timezone

from custodian.portal.models import Concern
from custodian.portal.services_concerns import (
    DIRECTOR_ROLES,
    MESSAGE_FIELDS,
    STATUS_WORDS,
    TOPICS,
    ConcernError,
    audit_patron,
    audit_staff,
    patron_of,
)

LIST_FIELDS = ["concern.topic", "concern.due_on", "concern.status"]


@dataclass(frozen=True)
class ConcernRow:
    ref: UUID
    topic: str  # in words
    status: str  # the code: open, answered, closed
    status_words: str
    created_at: dt.datetime
    due_on: dt.date
    overdue: bool
    message: str = ""
    answer: str = ""
    answered_at: dt.datetime | None = None
    patron_ref: UUID | None = None


def _row(concern: Concern, *, today: dt.date, words: bool, patron_ref=None) -> ConcernRow:
    return ConcernRow(
        ref=concern.ref,
        topic=str(TOPICS.get(concern.topic, TOPICS["other"])),
        status=concern.status,
        status_words=str(STATUS_WORDS[concern.status]),
        created_at=concern.created_at,
        due_on=concern.due_on,
        overdue=concern.status == Concern.Status.OPEN and concern.due_on < today,
        message=concern.message if words else "",
        answer=concern.answer if words else "",
        answered_at=concern.answered_at,
        patron_ref=patron_ref,
    )


def my_concerns(*, reader, now: dt.datetime | None = None) -> list[ConcernRow]:
    """The signed-in patron's concerns, newest first, with the Director's answers."""
    patron = patron_of(reader)
    today = timezone.localdate(now or timezone.now())
    concerns = list(Concern.objects.filter(patron=patron).order_by("-created_at", "-pk"))
    if concerns:  # an empty page shows nothing kept, so there is no read to log
        audit_patron(
            patron=patron,
            action="concern_read",
            fields=[*MESSAGE_FIELDS, "concern.answer"],
            outcome="allowed",
        )
    return [_row(c, today=today, words=True) for c in concerns]


def _require_director(user) -> None:
    if getattr(user, "role", None) not in DIRECTOR_ROLES:
        raise ConcernError("Only the Director or the Director's designee reads concerns.")


def concern_list(*, user, closed: bool = False, now=None) -> list[ConcernRow]:
    """Open and answered concerns (or the closed ones), soonest due first; no message text,
    no patron: the list tells the Director what is waiting, not who wrote what."""
    _require_director(user)
    today = timezone.localdate(now or timezone.now())
    if closed:
        query = Concern.objects.filter(status=Concern.Status.CLOSED).order_by("-answered_at")
    else:
        query = Concern.objects.exclude(status=Concern.Status.CLOSED).order_by(
            "status", "due_on", "created_at"
        )
    rows = [_row(c, today=today, words=False) for c in query[:500]]
    audit_staff(
        user=user, action="concern_list", patron_ref=None, fields=LIST_FIELDS, outcome="allowed"
    )
    return rows


def concern_case(*, user, ref, now=None) -> ConcernRow:
    """One concern with the patron's words, for the Director to answer (a read of the
    patron's record, so it shows in their "who has looked")."""
    _require_director(user)
    concern = Concern.objects.select_related("patron").filter(ref=ref).first()
    if concern is None:
        raise ConcernError("There is no such concern.")
    today = timezone.localdate(now or timezone.now())
    audit_staff(
        user=user,
        action="concern_read",
        patron_ref=concern.patron.ref,
        fields=[*MESSAGE_FIELDS, "concern.answer"],
        outcome="allowed",
    )
    return _row(concern, today=today, words=True, patron_ref=concern.patron.ref)


def open_count(*, user) -> int:
    """How many concerns wait for an answer (for the Director's link); not audited: a count."""
    if getattr(user, "role", None) not in DIRECTOR_ROLES:
        return 0
    return Concern.objects.filter(status=Concern.Status.OPEN).count()
