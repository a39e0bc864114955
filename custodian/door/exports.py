"""Exporting every patron's registration for another system (`custodian export patrons`).

An export is a read of each patron's record, so it goes through the door like any other:
the engine is asked for each patron (their age can change the answer), the reader's need to
know narrows it, and one audit entry per patron (action "export") lands in the same
transaction as the read, so the patron's "Who has looked at my record" shows it.

Handing over the whole library is the custodian of records' act: only the director (or the
director's designee) may export, whatever a desk clerk may see of one patron at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from custodian.door import auditing
from custodian.door.errors import DoorError
from custodian.door.readers import Reader
from custodian.door.ruling import FIELDS, age_on, ask, staff_need_to_know
from custodian.door.services import record_denial
from custodian.records.models import Patron

EXPORT_ROLES = ("director", "designee")
PURPOSE = "library_business"
# The registration, as the contract names its parts.
EXPORT_FIELDS = tuple(f for f in FIELDS if f.startswith("registration."))
BATCH = 500


class ExportRefused(DoorError):
    message = "Only the library director (or the director's designee) may export patrons."


@dataclass(frozen=True, slots=True)
class ExportedPatron:
    """What an export may carry of one patron: the released fields, "" or None for the rest."""

    ref: UUID
    card_number: str
    first_name: str
    last_name: str
    address: str
    phone: str
    email: str
    birth_date: dt.date | None
    branch_code: str
    status: str
    registered_on: dt.date
    expires_on: dt.date
    keeps_reading_history: bool
    withheld: tuple[str, ...]


def export_reader(username: str) -> Reader:
    """The staff reader an export runs as: an active account in a role that may export."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ExportRefused("No active staff account has that username.")
    reader = Reader.staff(user)
    if reader.role not in EXPORT_ROLES:
        # Turned away before anything was read, and on the record as such.
        record_denial(reader=reader, attempted="export_patrons")
        raise ExportRefused()
    return reader


def export_patrons(
    *, reader: Reader, today: dt.date | None = None, left_out: list | None = None
) -> Iterator[ExportedPatron]:
    """Every patron with a registration, in the order they were registered, each read through
    the engine and audited. Patrons are read in batches of 500, one transaction per batch.

    A patron whose card number the policy withholds from this reader cannot be carried
    across (the card is what the other system knows them by): left out, their ref appended
    to `left_out` so the command can say how many."""
    if reader.kind != "staff" or reader.role not in EXPORT_ROLES:
        raise ExportRefused()
    if not set(EXPORT_FIELDS) <= staff_need_to_know(reader.role):
        raise ExportRefused("This library's policy does not give that role the whole registration.")
    today = today or timezone.localdate()
    last = 0
    while True:
        with transaction.atomic():
            batch = list(
                Patron.objects.filter(pk__gt=last)
                .select_related("home_branch")
                .order_by("pk")[:BATCH]
            )
            exported = [(patron, _export_one(reader, patron, today)) for patron in batch]
        for patron, row in exported:
            if row is not None:
                yield row
            elif left_out is not None and patron.card_number:
                left_out.append(patron.ref)
        if len(batch) < BATCH:
            return
        last = batch[-1].pk


def _export_one(reader: Reader, patron: Patron, today: dt.date) -> ExportedPatron | None:
    ruling = ask(
        reader=reader,
        purpose=PURPOSE,
        fields=EXPORT_FIELDS,
        age=age_on(patron.birth_date, today),
    )
    auditing.record(
        reader=reader, purpose=PURPOSE, patron_ref=patron.ref, ruling=ruling, action="export"
    )
    released = set(ruling.released)

    def shown(field: str, value):
        return value if field in released else None

    card = shown("registration.card_number", patron.card_number) or ""
    if not card:
        return None  # erased (nothing left to carry across), or the card number withheld
    return ExportedPatron(
        ref=patron.ref,
        card_number=card,
        first_name=shown("registration.name", patron.first_name) or "",
        last_name=shown("registration.name", patron.last_name) or "",
        address=shown("registration.address", patron.address) or "",
        phone=shown("registration.phone", patron.phone) or "",
        email=shown("registration.email", patron.email) or "",
        birth_date=shown("registration.birthdate", patron.birth_date),
        branch_code=patron.home_branch.code,
        status=shown("registration.status", patron.status) or "",
        registered_on=patron.registered_on,
        expires_on=patron.expires_on,
        keeps_reading_history=patron.keeps_reading_history,
        withheld=ruling.withheld,
    )
