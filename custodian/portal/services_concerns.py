"""Tell the Director: a patron's question or complaint about how their records are handled
(Jackson VIII: "the patron may file written comments with the Library Director"), and the
Director's answer.

Writes and reads of concerns live here because `Concern` sits beside the patron's record
(the views may not touch models). Every write and every read of a concern is audited with
the patron's opaque ref and field names only: the message and the answer are the patron's
and the Director's own words, personal data that never goes into the log.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian.audit.services import record_access
from custodian.policy import get_engine
from custodian.portal.models import Concern
from custodian.records.models import Patron

# The Director answers within this many days unless the profile's `[portal]` table says
# otherwise (Jackson VIII asks for "a timely manner" and names no number).
DEFAULT_ANSWER_DAYS = 30
MAX_MESSAGE = 4000
MAX_ANSWER = 4000
# A patron with this many concerns still waiting writes again once one is answered: the
# Director's list stays readable and a script cannot fill it.
MAX_OPEN_PER_PATRON = 10
DIRECTOR_ROLES = ("director", "designee")

# What the patron may write about; the words are what the patron and the Director read.
TOPICS = {
    "kept": _("What the library keeps about me"),
    "told": _("Who was told about me, or who looked"),
    "history": _("My reading history"),
    "policy": _("The library's privacy policy"),
    "other": _("Something else about my records"),
}
STATUS_WORDS = {
    Concern.Status.OPEN: _("Waiting for the Director"),
    Concern.Status.ANSWERED: _("Answered"),
    Concern.Status.CLOSED: _("Closed"),
}

MESSAGE_FIELDS = ["concern.topic", "concern.message"]


class ConcernError(Exception):
    """Input the concern services refuse; the message is fit to show as it is."""


def _portal():
    """The profile's `[portal]` settings (custodian/policy/portal_settings.py)."""
    return get_engine().profile(settings.CUSTODIAN_PROFILE).portal


def answer_days() -> int:
    """Days the Director has to answer: the profile's `concern_answer_days` (default 30)."""
    return getattr(_portal(), "concern_answer_days", DEFAULT_ANSWER_DAYS) or DEFAULT_ANSWER_DAYS


def concern_clauses() -> list[str]:
    """The clause that lets the patron write to the Director, when the profile names one."""
    clause = getattr(_portal(), "concern_clause", None)
    return [clause] if clause else []


def patron_of(reader) -> Patron:
    if getattr(reader, "kind", None) != "patron":
        raise ConcernError(_("Only the patron can write to the Director here."))
    patron = Patron.objects.filter(ref=reader.patron_ref).first()
    if patron is None:
        raise ConcernError(_("Your account could not be found. Please sign in again."))
    return patron


def audit_patron(*, patron: Patron, action: str, fields: list[str], outcome: str) -> None:
    record_access(
        actor="patron",
        role="patron",
        action=action,
        purpose="own_record",
        patron_ref=str(patron.ref),
        fields=fields,
        outcome=outcome,
        clauses=concern_clauses(),
    )


def audit_staff(*, user, action: str, patron_ref, fields: list[str], outcome: str) -> None:
    record_access(
        actor=user.get_username(),
        role=user.role,
        action=action,
        purpose="patron_concern",
        patron_ref=str(patron_ref) if patron_ref else None,
        fields=fields,
        outcome=outcome,
        clauses=concern_clauses(),
    )


def file_concern(*, reader, topic: str, message: str, now: dt.datetime | None = None) -> Concern:
    """Record the patron's concern for the Director, due `answer_days()` from today."""
    if topic not in TOPICS:
        raise ConcernError(_("Please choose what your message is about."))
    message = (message or "").strip()
    if not message:
        raise ConcernError(_("Please write your question or complaint."))
    if len(message) > MAX_MESSAGE:
        raise ConcernError(
            _("Please keep your message under %(count)d characters.") % {"count": MAX_MESSAGE}
        )
    patron = patron_of(reader)
    now = now or timezone.now()
    with transaction.atomic():
        waiting = Concern.objects.filter(patron=patron, status=Concern.Status.OPEN).count()
        if waiting >= MAX_OPEN_PER_PATRON:
            raise ConcernError(
                _(
                    "You have %(count)d messages waiting for the Director. You can write "
                    "again once one has been answered."
                )
                % {"count": waiting}
            )
        concern = Concern.objects.create(
            patron=patron,
            topic=topic,
            message=message,
            created_at=now,
            due_on=timezone.localdate(now) + dt.timedelta(days=answer_days()),
        )
        audit_patron(
            patron=patron, action="concern_file", fields=MESSAGE_FIELDS, outcome="recorded"
        )
    return concern


def _staff_concern(*, user, ref) -> Concern:
    if getattr(user, "role", None) not in DIRECTOR_ROLES:
        raise ConcernError(_("Only the Director or the Director's designee answers concerns."))
    concern = Concern.objects.select_related("patron").filter(ref=ref).first()
    if concern is None:
        raise ConcernError(_("There is no such concern."))
    return concern


def answer_concern(*, user, ref, answer: str, close: bool = False, now=None) -> Concern:
    """The Director's answer, shown to the patron in the portal; `close` also closes it."""
    answer = (answer or "").strip()
    if not answer:
        raise ConcernError(_("Please write the answer the patron will read."))
    if len(answer) > MAX_ANSWER:
        raise ConcernError(
            _("Please keep the answer under %(count)d characters.") % {"count": MAX_ANSWER}
        )
    with transaction.atomic():
        concern = _staff_concern(user=user, ref=ref)
        if concern.status == Concern.Status.CLOSED:
            raise ConcernError(_("This concern is closed; it cannot be answered again."))
        concern.answer = answer
        concern.answered_at = now or timezone.now()
        concern.answered_by = user
        concern.status = Concern.Status.CLOSED if close else Concern.Status.ANSWERED
        concern.save(update_fields=["answer", "answered_at", "answered_by", "status"])
        audit_staff(
            user=user,
            action="concern_answer",
            patron_ref=concern.patron.ref,
            fields=["concern.answer", "concern.status"],
            outcome="closed" if close else "recorded",
        )
    return concern


def close_concern(*, user, ref) -> Concern:
    """Close an answered concern (it leaves the Director's open list; the patron still sees it)."""
    with transaction.atomic():
        concern = _staff_concern(user=user, ref=ref)
        if concern.status != Concern.Status.ANSWERED:
            raise ConcernError(_("Answer the patron before closing the concern."))
        concern.status = Concern.Status.CLOSED
        concern.save(update_fields=["status"])
        audit_staff(
            user=user,
            action="concern_close",
            patron_ref=concern.patron.ref,
            fields=["concern.status"],
            outcome="closed",
        )
    return concern
