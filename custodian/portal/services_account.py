"""The patron's own writes from "My account" that are not circulation actions: turning
reading history on or off.

Audited as the patron's own act on their record (actor "patron", the opaque ref, action
`portal.reading_history_on` or `portal.reading_history_off`), with how many titles were
deleted as a count in the entry's fields, never a title.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from custodian.audit.services import record_access
from custodian.circulation import services as circulation
from custodian.door import PatronNotFound, Reader
from custodian.records.models import Patron


@dataclass(frozen=True)
class HistoryChoice:
    kept: bool
    changed_at: dt.datetime | None
    deleted: int


def set_own_reading_history(*, reader: Reader, keep: bool, now=None) -> HistoryChoice:
    """Start keeping reading history from now on, or stop and delete what was kept.

    Turning it on does not bring back past returns: check-in cut their link at the time.
    """
    if reader.kind != "patron" or reader.patron_ref is None:
        raise PatronNotFound()
    with transaction.atomic():
        patron = Patron.objects.filter(ref=reader.patron_ref).first()
        if patron is None:
            raise PatronNotFound()
        deleted = circulation.set_reading_history(patron=patron, keep=bool(keep), now=now)
        record_access(
            actor=reader.actor,
            role=reader.audit_role,
            purpose="own_record",
            patron_ref=str(patron.ref),
            fields=["history.titles", f"history.deleted.{deleted}"],
            outcome="applied",
            clauses=[],
            action="portal.reading_history_on" if keep else "portal.reading_history_off",
        )
    return HistoryChoice(
        kept=bool(keep), changed_at=patron.reading_history_changed_at, deleted=deleted
    )
