"""Holds: place, cancel, expire, and routing a returned item to the next patron in line.

Filling a hold is a check-out (see `loans.fill_hold`): the hold is filled when its patron
borrows the item. A hold that closes (filled, cancelled, expired) loses its patron and item
in the same statement: the database refuses a closed hold that names either.
"""

import datetime as dt

from django.db import IntegrityError, transaction

from custodian.circulation._common import ensure_good_standing, local_day, lock, resolve_now
from custodian.circulation.errors import HoldAlreadyPlaced, HoldNotOpen, HoldRefused
from custodian.circulation.selectors import next_waiting_hold
from custodian.records.models import Branch, Hold, Item, Loan, Patron
from custodian.statistics import services as statistics

HOLD_SHELF_DAYS = 7
OPEN = (Hold.Status.WAITING, Hold.Status.READY)


def route_item(
    *, item: Item, today: dt.date, hold_shelf_days: int = HOLD_SHELF_DAYS
) -> Hold | None:
    """Put a returned or released item on the hold shelf for the next patron, or back on the shelf.

    The caller holds the item's row lock. Returns the hold that became ready, if any.
    """
    hold = next_waiting_hold(item=item)
    if hold is None:
        item.status = Item.Status.AVAILABLE
    else:
        hold.status = Hold.Status.READY
        hold.ready_until = today + dt.timedelta(days=hold_shelf_days)
        hold.save(update_fields=["status", "ready_until"])
        item.status = Item.Status.ON_HOLD_SHELF
    Item.objects.filter(pk=item.pk).update(status=item.status)
    return hold


def place_hold(
    *,
    patron: Patron,
    item: Item,
    pickup_branch: Branch,
    now: dt.datetime | None = None,
    hold_shelf_days: int = HOLD_SHELF_DAYS,
) -> Hold:
    """Queue a patron for an item. An item on the open shelf is pulled for them at once."""
    now = resolve_now(now)
    today = local_day(now)
    with transaction.atomic():
        current = lock(Item, item.pk)
        ensure_good_standing(patron, today)
        if current.status in (Item.Status.LOST, Item.Status.WITHDRAWN):
            raise HoldRefused("This item is no longer in the collection.")
        if Loan.objects.filter(item_id=item.pk, patron_id=patron.pk).exists():
            raise HoldRefused("This patron already has this item checked out.")
        try:
            with transaction.atomic():
                hold = Hold.objects.create(
                    patron=patron, item=current, pickup_branch=pickup_branch, placed_at=now
                )
        except IntegrityError:
            if Hold.objects.filter(item_id=item.pk, patron_id=patron.pk, status__in=OPEN).exists():
                raise HoldAlreadyPlaced() from None
            raise
        statistics.count(
            "hold_placed",
            branch_id=pickup_branch.pk,
            when=now,
            birth_date=patron.birth_date,
            item_id=item.pk,
        )
        if current.status == Item.Status.AVAILABLE:
            ready = route_item(item=current, today=today, hold_shelf_days=hold_shelf_days)
            if ready is not None and ready.pk == hold.pk:
                hold = ready
    item.status = current.status
    return hold


def cancel_hold(*, hold: Hold, now: dt.datetime | None = None) -> Hold:
    """Cancel an open hold; a ready item passes to the next patron in line."""
    now = resolve_now(now)
    today = local_day(now)
    if hold.item_id is None:
        raise HoldNotOpen()  # only a closed hold has no item
    with transaction.atomic():
        current_item = lock(Item, hold.item_id)
        current = lock(Hold, hold.pk)
        if current.status not in OPEN:
            raise HoldNotOpen()
        was_ready = current.status == Hold.Status.READY
        statistics.count(
            "hold_cancelled",
            branch_id=current.pickup_branch_id,
            when=now,
            birth_date=_birth_date(current.patron_id),
            item_id=current.item_id,
        )
        # A closed hold names neither patron nor item (closed_hold_is_anonymous).
        current.status, current.patron, current.item = Hold.Status.CANCELLED, None, None
        current.save(update_fields=["status", "patron", "item"])
        if was_ready and current_item.status == Item.Status.ON_HOLD_SHELF:
            route_item(item=current_item, today=today)
    hold.status, hold.patron, hold.item = current.status, None, None
    return current


def _birth_date(patron_id: int | None) -> dt.date | None:
    """Only for the statistics' age band (the date itself is not kept)."""
    if patron_id is None:
        return None
    return Patron.objects.filter(pk=patron_id).values_list("birth_date", flat=True).first()


def expire_holds(*, now: dt.datetime | None = None, hold_shelf_days: int = HOLD_SHELF_DAYS) -> int:
    """Expire ready holds not picked up by their date; pass each item on. Returns how many."""
    now = resolve_now(now)
    today = local_day(now)
    expired = 0
    overdue_ids = list(
        Hold.objects.filter(status=Hold.Status.READY, ready_until__lt=today).values_list(
            "pk", "item_id", "patron_id", "pickup_branch_id"
        )
    )
    for hold_id, item_id, patron_id, pickup_branch_id in overdue_ids:
        # One transaction per hold: a long sweep must not hold every item's lock at once.
        with transaction.atomic():
            item = lock(Item, item_id)
            updated = Hold.objects.filter(
                pk=hold_id, status=Hold.Status.READY, ready_until__lt=today
            ).update(status=Hold.Status.EXPIRED, patron=None, item=None)
            if updated:
                expired += 1
                statistics.count(
                    "hold_expired",
                    branch_id=pickup_branch_id,
                    when=now,
                    birth_date=_birth_date(patron_id),
                    item_id=item_id,
                )
                if item.status == Item.Status.ON_HOLD_SHELF:
                    route_item(item=item, today=today, hold_shelf_days=hold_shelf_days)
    return expired
