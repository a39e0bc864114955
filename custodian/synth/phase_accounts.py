"""Charges and payments. Every payment is at most what is left of its charge, so no balance
ever goes below zero."""

import datetime as dt
import random
from decimal import Decimal

from custodian.records.models import Charge, Item, Patron, Payment
from custodian.synth.bulk import insert, next_id
from custodian.synth.context import ADULT, Context
from custodian.synth.phase_loans import FINE_PER_DAY
from custodian.synth.phase_patrons import sealed_rows
from custodian.synth.progress import Tracker
from custodian.synth.rand import sub_rng

CENT = Decimal("0.01")
PAID, PARTLY, OPEN = "paid", "partly", "open"


def _plan_charges(ctx: Context, rng: random.Random) -> list[tuple]:
    """(patron, kind, amount, item or None, assessed_at, note, settlement) in a stable order."""
    charges: list[tuple] = []
    adult, teen = ctx.showcase.get("adult"), ctx.showcase.get("teen")
    fines = list(ctx.fines)
    for owes in (adult, teen):
        if owes is not None and not any(fine[0] == owes for fine in fines):
            # The showcase adult and teen owe something, whatever the dice said.
            returned = ctx.now - dt.timedelta(days=rng.randint(5, 30))
            fines.append((owes, rng.randrange(len(ctx.i_status)), returned, 8 * FINE_PER_DAY, 8))
    # Overdue fines are assessed at check-in, as circulation's check_in does; most are paid.
    for patron, item, returned, amount, days_late in fines:
        if patron in (adult, teen):
            settlement = PARTLY
        else:
            settlement = rng.choices((PAID, PARTLY, OPEN), weights=(80, 8, 12))[0]
        # A settled overdue fine no longer names the item (circulation.money does the same).
        kept_item = None if settlement == PAID else item
        note = f"{days_late} day(s) overdue"
        charges.append((patron, Charge.Kind.OVERDUE, amount, kept_item, returned, note, settlement))
    # Lost items are billed at replacement cost to whoever had them; blocked patrons owe most.
    lost = [i for i, status in enumerate(ctx.i_status) if status == Item.Status.LOST]
    rng.shuffle(lost)
    blocked = [i for i, s in enumerate(ctx.p_status) if s == Patron.Status.BLOCKED]
    adults = [i for i, g in enumerate(ctx.p_group) if g == ADULT]
    for number, item in enumerate(lost):
        if number < len(blocked):
            patron, settlement = blocked[number], OPEN
        elif adults:
            patron = adults[rng.randrange(len(adults))]
            settlement = rng.choices((PAID, PARTLY, OPEN), weights=(45, 15, 40))[0]
        else:
            break
        assessed = ctx.now - dt.timedelta(days=rng.randint(5, 400))
        charges.append((patron, Charge.Kind.LOST, ctx.i_cost[item], item, assessed, "", settlement))
    for patron in blocked[len(lost) :]:
        amount = Decimal(rng.randint(15, 60))
        assessed = ctx.now - dt.timedelta(days=rng.randint(30, 300))
        charges.append((patron, Charge.Kind.OTHER, amount, None, assessed, "Unpaid balance", OPEN))
    for patron, status in enumerate(ctx.p_status):
        if status in (Patron.Status.CARD_LOST, Patron.Status.CARD_STOLEN):
            assessed = ctx.now - dt.timedelta(days=rng.randint(0, 20))
            settlement = rng.choice((PAID, OPEN))
            charges.append(
                (patron, Charge.Kind.CARD, Decimal("2.00"), None, assessed, "", settlement)
            )
        elif rng.random() < 0.003:
            assessed = ctx.now - dt.timedelta(days=rng.randint(1, 300))
            amount = Decimal(rng.randint(5, 30))
            note = rng.choice(("Water damage", "Torn pages", "Broken case"))
            charges.append(
                (
                    patron,
                    Charge.Kind.DAMAGED,
                    amount,
                    None,
                    assessed,
                    note,
                    rng.choice((PAID, OPEN)),
                )
            )
    return charges


def write_charges_and_payments(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="charges")
    charges = _plan_charges(ctx, rng)
    first = next_id(Charge)
    rows = (
        (
            ctx.patron_id(patron),
            first + number,
            kind,
            amount,
            ctx.item_id(item) if item is not None else None,
            assessed,
            note,
        )
        for number, (patron, kind, amount, item, assessed, note, _s) in enumerate(charges)
    )
    # A note is sealed under its patron's key, as Charge.note's field would seal it.
    insert(
        Charge,
        ("patron_id", "id", "kind", "amount", "item_id", "assessed_at", "note"),
        sealed_rows(rows, labels={6: "records.charge.note"}),
        tracker=tracker,
        written=ctx.written,
    )

    def payments():
        for number, (patron, _kind, amount, _item, assessed, _note, settlement) in enumerate(
            charges
        ):
            if settlement == OPEN or (settlement == PARTLY and amount < Decimal("0.02")):
                continue
            if settlement == PAID:
                paid = amount
                method = rng.choices(Payment.Method.values, weights=(45, 45, 10))[0]
            else:
                # Strictly less than the charge, at least a cent: something is still owed.
                cents = int(amount / CENT)
                paid = Decimal(rng.randint(1, cents - 1)) * CENT
                method = rng.choice((Payment.Method.CASH, Payment.Method.CARD))
            paid_at = min(
                assessed + dt.timedelta(days=rng.randint(0, 45), minutes=rng.randrange(600)),
                ctx.now,
            )
            yield (ctx.patron_id(patron), first + number, paid, method, paid_at)

    columns = ("patron_id", "charge_id", "amount", "method", "paid_at")
    insert(Payment, columns, payments(), tracker=tracker, written=ctx.written)
