"""Small helpers shared by the write services: the clock, row locks, standing, money."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import timezone

from custodian.circulation.errors import (
    InvalidAmount,
    PatronBlocked,
    PatronCardExpired,
    PatronCardLost,
    PatronCardStolen,
)
from custodian.records.models import Patron

CENT = Decimal("0.01")
# Charge.amount and Payment.amount are DecimalField(max_digits=8, decimal_places=2).
MAX_AMOUNT = Decimal("999999.99")


def resolve_now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def local_day(moment: dt.datetime) -> dt.date:
    # Due dates and "days late" follow the library's calendar, not UTC's.
    return timezone.localdate(moment)


def lock[M: models.Model](model: type[M], pk) -> M:
    """Re-read a row and hold its lock until the transaction ends.

    On PostgreSQL this is SELECT ... FOR UPDATE, so concurrent desks queue on the row. SQLite
    has no row locks (Django drops FOR UPDATE there) but the settings open every transaction
    with BEGIN IMMEDIATE, which serialises writers for the whole database.
    """
    return model.objects.select_for_update().get(pk=pk)


def ensure_good_standing(patron: Patron, today: dt.date) -> None:
    """Refuse patrons whose card may not be used. Reads the stored status, not a stale copy."""
    status, expires_on = Patron.objects.filter(pk=patron.pk).values_list("status", "expires_on")[0]
    check_standing(status, expires_on, today)


def check_standing(status: str, expires_on: dt.date, today: dt.date) -> None:
    """Refuse a card in this standing: `status` and `expires_on` as read in this transaction."""
    if status == Patron.Status.BLOCKED:
        raise PatronBlocked()
    if status == Patron.Status.CARD_STOLEN:
        raise PatronCardStolen()
    if status == Patron.Status.CARD_LOST:
        raise PatronCardLost()
    if status == Patron.Status.EXPIRED or expires_on < today:
        raise PatronCardExpired()


def to_money(amount) -> Decimal:
    """A positive amount in dollars and cents. Floats are refused: they are not exact."""
    if isinstance(amount, float | bool):
        raise InvalidAmount()
    try:
        value = Decimal(str(amount)) if isinstance(amount, int) else Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidAmount() from None
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT:
        raise InvalidAmount()
    if value != value.quantize(CENT):
        raise InvalidAmount("Amounts are in dollars and cents: at most two decimal places.")
    return value.quantize(CENT)
