"""Marking an item lost: the item is gone, the loan stays on the account as lost.

What happens, in one transaction:
- the item's status becomes "lost" (it cannot go out again or be held);
- a "Lost item" charge for the item's replacement cost, if it has one (no profile names a
  replacement figure; an item with a cost of 0 is charged nothing). The charge names the
  item while it is unpaid, as an overdue fine does, so it can be reversed if the item
  turns up;
- the loan stays, marked lost by its item, as the rest of the system reads lost items
  (`lost.titles`, the account page, closing an account): its business is not done while
  the item is missing. It ends as any return does when the item is found and checked in
  (the reading history, the circulation count and the statistics' return are made then),
  or when the account is closed (custodian.holds.erasure deletes lost loans).

The door writes the audit entry (custodian.door.lost); this module knows nothing of who.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from custodian.circulation._common import lock, resolve_now
from custodian.circulation.errors import ItemAlreadyLost, ItemNotOnLoan
from custodian.records.models import Charge, Item, Loan, Patron


@dataclass(frozen=True)
class LostResult:
    item: Item
    # The replacement charge assessed, if the item has a replacement cost.
    charge: Charge | None


def replacement_charge(*, item: Item) -> Decimal | None:
    """What marking this item lost charges: its replacement cost, or None when it has none."""
    cost = item.replacement_cost
    return Decimal(cost).quantize(Decimal("0.01")) if cost and cost > 0 else None


def mark_lost(*, loan: Loan, now: dt.datetime | None = None) -> LostResult:
    """Mark `loan`'s item lost (see the module). Raises ItemNotOnLoan if the loan has ended,
    ItemAlreadyLost if its item is already marked lost."""
    now = resolve_now(now)
    with transaction.atomic():
        item = lock(Item, loan.item_id)
        current = Loan.objects.filter(pk=loan.pk, item_id=item.pk).first()
        if current is None:
            raise ItemNotOnLoan()
        if item.status == Item.Status.LOST:
            raise ItemAlreadyLost()
        patron = lock(Patron, current.patron_id)

        amount = replacement_charge(item=item)
        charge = None
        if amount is not None:
            charge = Charge.objects.create(
                patron=patron,
                kind=Charge.Kind.LOST,
                amount=amount,
                item=item,
                assessed_at=now,
                note="Replacement cost",
            )
        item.status = Item.Status.LOST
        item.save(update_fields=["status"])
    return LostResult(item=item, charge=charge)
