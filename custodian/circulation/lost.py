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

When a lost item is found and checked in (`found`, called by check_in), what is still owed
on its replacement charge is waived, as Koha's default does ("refund lost item fee on
return"): the library has its item back. Money already paid toward it is not handed back
by the system (the library keeps no credit balances); the desk is told to refund it by the
library's own rules. The late return is fined as any other (capped), the item's title
leaves the charge, and the item goes back on the shelf or to a waiting hold.

The door writes the audit entry (custodian.door.lost); this module knows nothing of who.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from custodian.circulation._common import lock, resolve_now
from custodian.circulation.errors import ItemAlreadyLost, ItemNotOnLoan
from custodian.circulation.selectors import charge_outstanding
from custodian.records.models import Charge, Item, Loan, Patron, Payment


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


@dataclass(frozen=True)
class FoundResult:
    # What was still owed on the replacement charge, now waived.
    waived: Decimal
    # What the patron had already paid toward it in money (not staff waivers): the
    # library refunds it by its own rules.
    paid: Decimal


def found(*, item: Item, patron: Patron, since: dt.datetime, now: dt.datetime) -> FoundResult:
    """A lost item is back (inside check_in's transaction, the item and patron locked):
    waive what is left of the replacement charges made for this loan (assessed since it
    began at `since`) and cut their link to the item, whose business is now done."""
    charges = Charge.objects.filter(
        patron=patron, item=item, kind=Charge.Kind.LOST, assessed_at__gte=since
    )
    waived = paid = Decimal("0.00")
    for charge in charges:
        left = charge_outstanding(charge=charge)
        money = charge.payments.exclude(method=Payment.Method.WAIVED)
        paid += sum((p.amount for p in money), Decimal("0.00"))
        if left > 0:
            Payment.objects.create(
                patron=patron,
                charge=charge,
                amount=left,
                method=Payment.Method.WAIVED,
                paid_at=now,
            )
            waived += left
    charges.update(item=None)
    return FoundResult(waived=waived, paid=paid)
