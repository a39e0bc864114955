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
