"""Signing a patron in with card number and PIN; changing and resetting the PIN.

One answer for every failure: an unknown card, a wrong PIN, a card reported lost or stolen
and a card with no PIN all say the same words and do the same work (an Argon2 verify, against
a dummy hash when there is nothing real to check), so neither the page nor its timing tells
whether a card exists. Failures are counted per typed card number and per address
(`SignInThrottle`, keyed by HMAC, so the table holds neither):

- a card key locks after CARD_LIMIT consecutive failures and stays locked, even against the
  right PIN, until the desk lifts it (`unlock`, or a desk PIN reset); a success resets it;
- an address locks after ADDRESS_LIMIT failures within ADDRESS_WINDOW and unlocks itself
  ADDRESS_COOL_OFF later (a shared library computer must not stay locked for the day).

Counting is done with single UPDATE ... SET failures = failures + 1 statements (and the
lock set by a conditional UPDATE), so concurrent tries are each counted.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from custodian import lockouts
from custodian.audit.services import record_access
from custodian.circulation.services import hash_pin, set_pin, verify_pin
from custodian.door import PatronNotFound
from custodian.portal import notify
from custodian.portal.models import SignInThrottle
from custodian.records.models import Patron
from custodian.records.selectors import patron_by_card

CARD_LIMIT = 10
ADDRESS_LIMIT = 30
ADDRESS_WINDOW = dt.timedelta(minutes=15)
ADDRESS_COOL_OFF = dt.timedelta(minutes=15)
PIN_MAX_LENGTH = 12
# Cards that may sign in. Lost or stolen: whoever holds the card may not be the patron, and
# the PIN may have gone with it. Blocked and expired patrons may: they most need to see what
# they owe and what is kept (the door still refuses borrowing as it does at the desk).
MAY_SIGN_IN = frozenset({"active", "expired", "blocked"})

_KEY_SALT = "custodian.portal.sign-in-throttle"


@dataclass(frozen=True)
class SignInResult:
    outcome: str  # "signed_in" | "refused" | "card_locked" | "address_locked"
    patron_ref: str | None = None


def normalise_card(typed: str) -> str:
    """Card numbers are printed in groups; people type them with or without spaces."""
    return "".join((typed or "").split())


def _hmac(kind: str, value: str) -> str:
    return f"{kind}:" + salted_hmac(_KEY_SALT, value, algorithm="sha256").hexdigest()[:64]


def card_key(card_number: str) -> str:
    return _hmac("card", normalise_card(card_number))


def address_key(address: str) -> str:
    return _hmac("address", address or "")


@cache
def _dummy_hash() -> str:
    """A hash of nothing anyone knows, with the same parameters as real PINs."""
    return hash_pin(secrets.token_hex(16))


def _burn(pin: str) -> None:
    """The work a real verify does, for an answer that is already known to be no."""
    verify_pin(patron=Patron(pin_hash=_dummy_hash()), pin=pin or "0000")


def authenticate(
    *, card_number: str, pin: str, address: str, now=None, record_sign_in: bool = True
) -> SignInResult:
    """Check a card number and PIN, with the card's and the address's locks.

    The portal's sign-in records it (`portal.signed_in`); a SIP2 machine asking for the
    patron at it (`record_sign_in=False`, address "sip:<account>") does not, since the
    message that asked writes its own entry. One lock covers both: ten wrong PINs at a
    kiosk lock the card in the portal too, and the desk's unlock lifts it everywhere."""
    now = now or timezone.now()
    card = card_key(card_number)
    where = address_key(address)
    if _address_locked(where, now):
        return SignInResult("address_locked")
    if _card_locked(card):
        return SignInResult("card_locked")
    typed = normalise_card(card_number)
    patron = patron_by_card(typed, Patron.objects.only("pk", "ref", "pin_hash", "status"))
    if patron is not None and patron.pin_hash and patron.status in MAY_SIGN_IN:
        ok = verify_pin(patron=patron, pin=pin or "")
    else:
        _burn(pin)
        ok = False
    if not ok:
        card_locked = _count_failure(card, now, limit=CARD_LIMIT)
        address_locked = _count_failure(where, now, limit=ADDRESS_LIMIT, window=ADDRESS_WINDOW)
        if card_locked:
            return SignInResult("card_locked")
        if address_locked:
            return SignInResult("address_locked")
        return SignInResult("refused")
    # A lock taken meanwhile by a concurrent try still wins; else success resets the count.
    with transaction.atomic():
        if _card_locked(card):
            return SignInResult("card_locked")
        SignInThrottle.objects.filter(key=card).delete()
        if record_sign_in:
            _audit(actor="patron", role="patron", action="portal.signed_in", patron=patron)
    return SignInResult("signed_in", patron_ref=str(patron.ref))


def _card_locked(key: str) -> bool:
    return SignInThrottle.objects.filter(key=key, locked_at__isnull=False).exists()


def _address_locked(key: str, now) -> bool:
    return SignInThrottle.objects.filter(
        key=key, locked_at__isnull=False, locked_at__gt=now - ADDRESS_COOL_OFF
    ).exists()


def _count_failure(key: str, now, *, limit: int, window: dt.timedelta | None = None) -> bool:
    """Count one failure under `key`; True when the key is (now) locked (custodian.lockouts)."""
    return lockouts.count_failure(
        SignInThrottle, key, now, limit=limit, window=window, cool_off=ADDRESS_COOL_OFF
    )


def card_is_locked(*, patron_ref) -> bool:
    patron = Patron.objects.only("card_number").get(ref=patron_ref)
    return _card_locked(card_key(patron.card_number))


# PINs ----------------------------------------------------------------------------------


class PinRefused(Exception):
    """A PIN change or reset that cannot be made; `message` says why, in words for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def pin_problem(pin: str) -> str | None:
    """Why a new PIN is not acceptable, or None. Words for the patron (translated)."""
    least = int(getattr(settings, "CUSTODIAN_PIN_MIN_LENGTH", 4))
    if not pin or not pin.isascii() or not pin.isdigit():
        return _("Use digits only (0 to 9).")
    if len(pin) < least:
        return _("Use at least %(n)d digits.") % {"n": least}
    if len(pin) > PIN_MAX_LENGTH:
        return _("Use at most %(n)d digits.") % {"n": PIN_MAX_LENGTH}
    if is_trivial(pin):
        return _(
            "That PIN is too easy to guess (the same digit repeated, or digits in a row "
            "such as 1234). Choose another."
        )
    return None


def is_trivial(pin: str) -> bool:
    """One digit repeated, or a run up or down (1234, 9876, 7890): the first PINs guessed."""
    if len(set(pin)) == 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {9})


def change_pin(*, patron_ref, old_pin: str, new_pin: str, now=None) -> None:
    """The patron's own change: the old PIN must match (a wrong one counts as a failed
    sign-in, so a session left open is no way to guess the PIN)."""
    now = now or timezone.now()
    patron = Patron.objects.get(ref=patron_ref)
    key = card_key(patron.card_number)
    if _card_locked(key):
        raise PinRefused(locked_card_message())
    if not verify_pin(patron=patron, pin=old_pin or ""):
        if _count_failure(key, now, limit=CARD_LIMIT):
            raise PinRefused(locked_card_message())
        raise PinRefused(_("Your current PIN was not right. Try again."))
    problem = pin_problem(new_pin)
    if problem:
        raise PinRefused(problem)
    if new_pin == old_pin:
        raise PinRefused(_("The new PIN is the same as the old one. Choose another."))
    with transaction.atomic():
        set_pin(patron=patron, pin=new_pin)
        SignInThrottle.objects.filter(key=key).delete()
        _audit(actor="patron", role="patron", action="portal.pin_changed", patron=patron)
    notify.pin_changed(patron=patron, at=now, by_desk=False)


@dataclass(frozen=True)
class DeskReset:
    pin_shown: str | None  # a PIN the library made up, to show once; None when the clerk typed it
    told: str  # how the patron was told (notify.Told value)


def random_pin() -> str:
    length = max(int(getattr(settings, "CUSTODIAN_PIN_MIN_LENGTH", 4)), 4)
    while True:
        pin = "".join(secrets.choice("0123456789") for _digit in range(length))
        if not is_trivial(pin):
            return pin


def desk_reset_pin(
    *, user, patron_ref, evidence, new_pin: str | None, proof_clauses=(), now=None
) -> DeskReset:
    """Set a new PIN for a patron who showed the desk proof of identity (checked by the
    caller against the profile); lifts an online sign-in lock; audited; the patron is told."""
    now = now or timezone.now()
    pin = new_pin if new_pin else random_pin()
    problem = pin_problem(pin)
    if problem:
        raise PinRefused(problem)
    patron = Patron.objects.get(ref=patron_ref)
    with transaction.atomic():
        set_pin(patron=patron, pin=pin)
        SignInThrottle.objects.filter(key=card_key(patron.card_number)).delete()
        _audit(
            actor=user.get_username(),
            role=str(user.role),
            action="portal.pin_reset",
            patron=patron,
            purpose="library_business",
            clauses=list(proof_clauses),
        )
    told = notify.pin_changed(patron=patron, at=now, by_desk=True)
    return DeskReset(pin_shown=None if new_pin else pin, told=told)


def record_reset_refused(*, user, patron_ref, proof_clauses=()) -> None:
    """A desk reset refused for want of proof is an attempt on the account: audited too."""
    patron = Patron.objects.only("pk", "ref").get(ref=patron_ref)
    _audit(
        actor=user.get_username(),
        role=str(user.role),
        action="portal.pin_reset",
        patron=patron,
        purpose="library_business",
        outcome="refused",
        clauses=list(proof_clauses),
    )


CLI_ACTOR = "custodian-cli"


def unlock(*, user, patron_ref=None, card_number: str | None = None) -> bool:
    """Lift the online sign-in lock on this patron's card (by ref, or by card number for the
    command line; `user` None means the command line). True when there was a lock."""
    found = Patron.objects.only("pk", "ref", "card_number")
    if card_number is not None:
        patron = patron_by_card(normalise_card(card_number), found)
    else:
        patron = found.filter(ref=patron_ref).first()
    if patron is None:
        raise PatronNotFound()
    with transaction.atomic():
        deleted, _kinds = SignInThrottle.objects.filter(key=card_key(patron.card_number)).delete()
        _audit(
            actor=user.get_username() if user else CLI_ACTOR,
            role=str(user.role) if user else "system",
            action="portal.unlocked",
            patron=patron,
            purpose="library_business",
            outcome="allowed" if deleted else "not_locked",
        )
    return bool(deleted)


def _audit(
    *, actor, role, action, patron, purpose="own_record", outcome="allowed", clauses=()
) -> None:
    # No field of the record is read or shown: the entry says what was done, to whom (ref).
    record_access(
        actor=actor,
        role=role,
        action=action,
        purpose=purpose,
        patron_ref=str(patron.ref),
        fields=[],
        outcome=outcome,
        clauses=list(clauses),
    )


def locked_card_message() -> str:
    return _(
        "Too many tries. For your security, online sign-in is paused for this card. "
        "Please ask at the library desk (bring your library card or photo ID) and we will "
        "unlock it."
    )


def locked_address_message() -> str:
    return _(
        "Too many tries from this computer. Please wait %(minutes)d minutes and try again, "
        "or ask at the library desk."
    ) % {"minutes": int(ADDRESS_COOL_OFF.total_seconds() // 60)}
