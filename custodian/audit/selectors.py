"""Reading the log for people: an auditor's views and, later, a patron's own history.

Entries hold no personal data, so these return them as they are; callers decide who may
see which patron's entries (the door does that for the patron portal).
"""

import datetime as dt

from django.db.models import QuerySet

from custodian.audit import canonical
from custodian.audit.models import AuditEntry


def entries_for_patron(*, patron_ref: str, limit: int | None = None) -> QuerySet[AuditEntry]:
    """Every access to one patron's records, newest first."""
    entries = AuditEntry.objects.filter(patron_ref=str(patron_ref)).order_by("-seq")
    return entries[:limit] if limit else entries


def entries_between(*, start: dt.datetime, end: dt.datetime) -> QuerySet[AuditEntry]:
    """Entries recorded in [start, end), oldest first (compared as canonical UTC text)."""
    return AuditEntry.objects.filter(
        recorded_at__gte=canonical.timestamp(start), recorded_at__lt=canonical.timestamp(end)
    ).order_by("seq")


def latest_entries(*, limit: int = 20) -> list[AuditEntry]:
    """The newest entries, oldest of them first (what `custodian audit tail` prints)."""
    return list(reversed(AuditEntry.objects.order_by("-seq")[:limit]))


def search(
    *,
    actor: str | None = None,
    patron_ref: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    outcomes: tuple[str, ...] = (),
) -> QuerySet[AuditEntry]:
    """The auditor's access log: entries matching every filter given, newest first.
    `start`/`end` bound recorded_at as [start, end); `outcomes`: any of these."""
    entries = AuditEntry.objects.all()
    if actor:
        entries = entries.filter(actor=actor)
    if patron_ref:
        entries = entries.filter(patron_ref=str(patron_ref))
    if start is not None:
        entries = entries.filter(recorded_at__gte=canonical.timestamp(start))
    if end is not None:
        entries = entries.filter(recorded_at__lt=canonical.timestamp(end))
    if outcomes:
        entries = entries.filter(outcome__in=outcomes)
    return entries.order_by("-seq")


def size() -> int:
    """How many entries the log holds (the head row: no count over the table)."""
    from custodian.audit.models import AuditHead

    head = AuditHead.objects.filter(id=1).values_list("seq", flat=True).first()
    return head or 0
