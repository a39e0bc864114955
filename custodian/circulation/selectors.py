"""Reads the write services need. The door has its own selectors for what staff see."""

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from custodian.circulation._common import CENT
from custodian.records.models import Charge, Hold, Item, Loan, Patron, Payment

_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))


def _total(queryset: QuerySet, field: str = "amount") -> Decimal:
    total = queryset.aggregate(total=Coalesce(Sum(field), _ZERO))["total"]
    return Decimal(total).quantize(CENT)


def balance(*, patron: Patron) -> Decimal:
    """What the patron owes: every charge minus every payment (waivers count as payments)."""
    charged = _total(Charge.objects.filter(patron_id=patron.pk))
    paid = _total(Payment.objects.filter(patron_id=patron.pk))
    return (charged - paid).quantize(CENT)


def charge_outstanding(*, charge: Charge) -> Decimal:
    """What is left to pay on one charge, counting only payments made against it."""
    paid = _total(Payment.objects.filter(charge_id=charge.pk))
    return (Decimal(charge.amount) - paid).quantize(CENT)


def open_charges(*, patron: Patron) -> QuerySet[Charge]:
    """Charges with something left to pay, oldest first (the order payments settle them)."""
    return (
        Charge.objects.filter(patron_id=patron.pk)
        .annotate(paid=Coalesce(Sum("payments__amount"), _ZERO))
        .filter(amount__gt=F("paid"))
        .order_by("assessed_at", "pk")
    )


def current_loans(*, patron: Patron) -> list[Loan]:
    """A patron's loans in the order every account screen lists them: those still out by
    due date, then those marked lost. Lost loans last lets a screen that is told only how
    many are lost (`lost.titles`) flag the right lines, and the desk's "line N" means the
    same loan on the page and in the act."""
    rows = Loan.objects.filter(patron=patron).select_related("item").order_by("due_on", "id")
    return sorted(rows, key=lambda loan: loan.item.status == Item.Status.LOST)  # stable


def next_waiting_hold(*, item: Item) -> Hold | None:
    """The hold first in line for an item: first come, first served."""
    return (
        Hold.objects.filter(item_id=item.pk, status=Hold.Status.WAITING)
        .order_by("placed_at", "pk")
        .first()
    )


def item_is_wanted(*, item: Item) -> bool:
    return Hold.objects.filter(
        item_id=item.pk, status__in=[Hold.Status.WAITING, Hold.Status.READY]
    ).exists()


def effective_status(*, status: str, expires_on: dt.date, today: dt.date) -> str:
    """The standing the desk acts on: an active card past its expiry day counts as expired,
    as `check_standing` refuses it. Lost, stolen and blocked say more than "expired"."""
    if status == Patron.Status.ACTIVE and expires_on < today:
        return Patron.Status.EXPIRED
    return status
