"""Registration records: patrons, their PINs, responsible parties, authorisations, history opt-in."""

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.db import IntegrityError, transaction

from custodian.circulation._common import local_day, lock, resolve_now
from custodian.circulation.errors import (
    AuthorizationAlreadyRevoked,
    CardNumberTaken,
    InvalidPin,
    InvalidRecord,
)
from custodian.circulation.library_use import ILL_CLOSED
from custodian.records.models import (
    Authorization,
    Branch,
    InterlibraryLoanRequest,
    PastLoan,
    Patron,
    ResponsibleParty,
)
from custodian.records.selectors import card_in_use

REGISTRATION_YEARS = 3
PIN_LENGTH = range(4, 65)

# argon2-cffi's defaults (RFC 9106 low-memory profile). One hasher for the process.
_pins = PasswordHasher()
# Django's Argon2PasswordHasher writes "argon2$argon2id$..."; argon2-cffi reads the rest.
_DJANGO_PREFIX = "argon2$"


def hash_pin(pin: str) -> str:
    """The only form in which a PIN is ever stored."""
    if not isinstance(pin, str) or len(pin) not in PIN_LENGTH:
        raise InvalidPin()
    return _pins.hash(pin)


def register_patron(
    *,
    card_number: str,
    first_name: str,
    last_name: str,
    home_branch: Branch,
    pin: str | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    birth_date: dt.date | None = None,
    registered_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    keeps_reading_history: bool = False,
) -> Patron:
    card_number = card_number.strip()
    if not card_number or not first_name.strip() or not last_name.strip():
        raise InvalidRecord("A card number, a first name and a last name are required.")
    registered_on = registered_on or local_day(resolve_now(None))
    if expires_on is None:
        expires_on = _years_later(registered_on, REGISTRATION_YEARS)
    if expires_on < registered_on:
        raise InvalidRecord("The card cannot expire before it is issued.")
    pin_hash = hash_pin(pin) if pin is not None else ""
    # Asked first, not only after the unique index refuses: while the index key is being
    # rotated, the same card can be stored under the other key, which the index cannot see.
    if card_in_use(card_number):
        raise CardNumberTaken()
    try:
        with transaction.atomic():
            return Patron.objects.create(
                card_number=card_number,
                pin_hash=pin_hash,
                first_name=first_name.strip(),
                last_name=last_name.strip(),
                address=address,
                phone=phone,
                email=email,
                birth_date=birth_date,
                home_branch=home_branch,
                registered_on=registered_on,
                expires_on=expires_on,
                keeps_reading_history=keeps_reading_history,
            )
    except IntegrityError:
        if card_in_use(card_number):
            raise CardNumberTaken() from None
        raise


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def set_pin(*, patron: Patron, pin: str) -> None:
    patron.pin_hash = hash_pin(pin)
    Patron.objects.filter(pk=patron.pk).update(pin_hash=patron.pin_hash)


def verify_pin(*, patron: Patron, pin: str) -> bool:
    """True when the PIN matches. Upgrades the stored hash when the parameters have changed,
    and replaces a bcrypt hash imported from another system (layered under Argon2, see
    custodian/interchange/pin_hashes.py) with an ordinary Argon2 hash on its first success."""
    from custodian.interchange.pin_hashes import check_layered

    stored = patron.pin_hash
    if not stored or not isinstance(pin, str):
        return False
    encoded = stored[len("argon2") :] if stored.startswith(_DJANGO_PREFIX) else stored
    try:
        _pins.verify(encoded, pin)
    except (VerificationError, InvalidHashError):
        if not check_layered(encoded, pin):
            return False
        if len(pin) in PIN_LENGTH:  # a shorter PIN from the source keeps its layered hash
            set_pin(patron=patron, pin=pin)
        return True
    if _pins.check_needs_rehash(encoded):
        set_pin(patron=patron, pin=pin)
    return True


def add_responsible_party(
    *,
    patron: Patron,
    name: str,
    relationship: str,
    financially_responsible: bool = False,
    signed_on: dt.date | None = None,
    phone: str = "",
) -> ResponsibleParty:
    if not name.strip():
        raise InvalidRecord("Enter the responsible party's name.")
    if relationship not in ResponsibleParty.Relationship.values:
        raise InvalidRecord("Choose the relationship to the patron.")
    if financially_responsible and signed_on is None:
        raise InvalidRecord("Financial responsibility needs the date it was signed.")
    return ResponsibleParty.objects.create(
        patron=patron,
        name=name.strip(),
        relationship=relationship,
        financially_responsible=financially_responsible,
        signed_on=signed_on,
        phone=phone,
    )


def record_authorization(
    *,
    patron: Patron,
    agent_name: str,
    fields: list[str],
    signed_on: dt.date,
    expires_on: dt.date | None = None,
) -> Authorization:
    """A patron's signed, written permission for someone to see the named parts of the record."""
    if not agent_name.strip():
        raise InvalidRecord("Enter who the patron authorised.")
    if (
        not isinstance(fields, list | tuple)
        or not fields
        or not all(isinstance(f, str) and f for f in fields)
    ):
        raise InvalidRecord("Name at least one part of the record the authorisation covers.")
    if expires_on is not None and expires_on < signed_on:
        raise InvalidRecord("The authorisation cannot expire before it was signed.")
    return Authorization.objects.create(
        patron=patron,
        agent_name=agent_name.strip(),
        fields=sorted(set(fields)),
        signed_on=signed_on,
        expires_on=expires_on,
    )


def revoke_authorization(
    *, authorization: Authorization, now: dt.datetime | None = None
) -> Authorization:
    now = resolve_now(now)
    with transaction.atomic():
        current = lock(Authorization, authorization.pk)
        if current.revoked_at is not None:
            raise AuthorizationAlreadyRevoked()
        current.revoked_at = now
        current.save(update_fields=["revoked_at"])
    authorization.revoked_at = now
    return current


def set_reading_history(*, patron: Patron, keep: bool, now: dt.datetime | None = None) -> int:
    """Opt in to or out of reading history. Opting out deletes what was kept, at once.

    Returns how many past loans were deleted. The patron row lock makes this exclusive with
    check_in, so a check-in cannot write a PastLoan after the opt-out has run. The moment of
    a change is kept (`reading_history_changed_at`); asking for what is already so is no
    change and keeps the earlier moment.
    """
    now = resolve_now(now)
    with transaction.atomic():
        current = lock(Patron, patron.pk)
        changes = {"keeps_reading_history": keep}
        if current.keeps_reading_history != keep:
            changes["reading_history_changed_at"] = now
            patron.reading_history_changed_at = now
        Patron.objects.filter(pk=patron.pk).update(**changes)
        deleted = 0
        if not keep:
            deleted, _ = PastLoan.objects.filter(patron_id=patron.pk).delete()
            # Closed interlibrary loans were kept for the same promise: they go with it.
            InterlibraryLoanRequest.objects.filter(
                patron_id=patron.pk, status__in=ILL_CLOSED
            ).update(patron=None)
    patron.keeps_reading_history = keep
    return deleted
