"""Reads of patron data. Each call asks the engine, reads only what is released, and
appends exactly one audit entry in the same transaction as the read."""

from functools import cache
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodian.door import auditing
from custodian.door.errors import PatronNotFound, Refused
from custodian.door.fields import render, standing
from custodian.door.patron_view import PatronHandle, PatronView
from custodian.door.readers import Reader
from custodian.door.ruling import age_on, ask, refusal, requested_fields, staff_need_to_know
from custodian.policy import get_engine
from custodian.records.models import Patron
from custodian.records.selectors import patron_by_card

LOOKUP_FIELDS = ("registration.status",)


def _as_ref(patron_ref) -> UUID:
    try:
        return UUID(str(patron_ref))
    except ValueError:
        raise PatronNotFound() from None


def find_patron(*, reader: Reader, card_number: str) -> PatronHandle | None:
    """Find an account by card number. Saying whether a card belongs to a patron at all is
    itself a read of `registration.status`, so it is asked and audited like any other."""
    card_number = (card_number or "").strip()
    purpose = "library_business" if reader.kind == "staff" else None
    today = timezone.localdate()
    with transaction.atomic():
        patron = patron_by_card(card_number, Patron.objects.only("ref", "status", "birth_date"))
        if reader.kind == "patron" and (patron is None or patron.ref != reader.patron_ref):
            ruling = refusal(LOOKUP_FIELDS, "A patron may look up only their own card.")
        else:
            age = age_on(patron.birth_date, today) if patron else None
            ruling = ask(reader=reader, purpose=purpose, fields=LOOKUP_FIELDS, age=age)
        auditing.record(
            reader=reader,
            purpose=purpose,
            patron_ref=patron.ref if patron else None,
            ruling=ruling,
            action="lookup",
        )
    # Raised only after the audit entry is committed: a refusal is recorded, not rolled back.
    if not ruling.released:
        raise Refused(ruling)
    if patron is None:
        return None
    return PatronHandle(
        ref=patron.ref, status=patron.status, status_label=Patron.Status(patron.status).label
    )


def read_patron(*, reader: Reader, patron_ref, purpose: str | None, fields) -> PatronView:
    """Read named fields of one patron's record. A refusal comes back as a view with nothing
    released (and is audited); only an unknown ref raises."""
    fields = requested_fields(fields)
    ref = _as_ref(patron_ref)
    today = timezone.localdate()
    with transaction.atomic():
        patron = Patron.objects.filter(ref=ref).first()
        if patron is None:
            raise PatronNotFound()
        if reader.kind == "patron" and reader.patron_ref != ref:
            ruling = refusal(fields, "A patron may read only their own record.")
        else:
            ruling = ask(
                reader=reader, purpose=purpose, fields=fields, age=age_on(patron.birth_date, today)
            )
        values = render(patron=patron, released=ruling.released, today=today)
        auditing.record(reader=reader, purpose=purpose, patron_ref=ref, ruling=ruling)
    return PatronView.build(
        patron_ref=ref,
        ruling=ruling,
        values=values,
        today=today,
        standing=standing(patron=patron, today=today),
    )


def needed_fields(*, reader: Reader, fields) -> tuple[str, ...]:
    """Of `fields`, those the reader's role has a need to know (the profile's staff roles),
    so a screen asks only for what it could ever show that role. Reads no patron data; the
    policy is still asked, and the read audited, by `read_patron`."""
    fields = requested_fields(fields)
    if reader.kind != "staff":
        return fields
    need = staff_need_to_know(reader.role)
    return tuple(f for f in fields if f in need)


def library_name() -> str:
    """The library's name as its policy profile gives it (shown on every staff page)."""
    return _library_name(settings.CUSTODIAN_PROFILE)


@cache
def _library_name(profile: str) -> str:
    return get_engine().profile(profile).display_name
