"""The circulation plan: loan transactions, holds and fines, then the rows that keep them.

A "loan" here is a loan transaction. The ones still out are `Loan` rows, each on its own
item. Returned ones keep what check-in keeps: an anonymous `CirculationCount` for the item,
branch and day, plus a `PastLoan` only for a patron who opted in to reading history.
"""

import datetime as dt
import random
from decimal import Decimal

from custodian.records.models import CirculationCount, Hold, Item, Loan, PastLoan, Patron
from custodian.synth.bulk import insert
from custodian.synth.context import (
    ADULT,
    CHILD,
    CURRENT_SHARE,
    HISTORY_DAYS,
    LOAN_DAYS,
    LOANS_PER_PATRON,
    TEEN,
    Context,
)
from custodian.synth.progress import Tracker
from custodian.synth.rand import at, opening_minutes, sub_rng

ACTIVE = Patron.Status.ACTIVE
# Loan transactions at least, and loans still out at least (the first one overdue).
SHOWCASE_LOANS = {"adult": 12, "teen": 4, "reader": 60}
SHOWCASE_OUT = {"adult": 3, "teen": 1}
# Patrons whose cards still let them have items out (an expired card cannot borrow).
CAN_HAVE_LOANS = {
    ACTIVE,
    Patron.Status.BLOCKED,
    Patron.Status.CARD_LOST,
    Patron.Status.CARD_STOLEN,
}
# Which collection a patron borrows from: mostly their own, adults also for their children.
TASTE = {
    CHILD: ((CHILD, TEEN, ADULT), (88, 7, 5)),
    TEEN: ((TEEN, ADULT, CHILD), (60, 35, 5)),
    ADULT: ((ADULT, CHILD, TEEN), (84, 12, 4)),
}
# The same tastes as cumulative thresholds, for the million-iteration loop.
TASTE_THRESHOLDS = {
    group: [(sum(weights[: n + 1]) / sum(weights), choices[n]) for n in range(len(choices))]
    for group, (choices, weights) in TASTE.items()
}
FINE_PER_DAY = Decimal("0.25")
# Redraws of a returned loan's item when the one drawn went out before the patron joined.
ITEM_TRIES = 8
FINE_CAP = Decimal("10.00")


class _Pools:
    """Items free to go out, per audience, drawn without replacement."""

    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.free: dict[str, list[int]] = {CHILD: [], TEEN: [], ADULT: []}
        self.all: dict[str, list[int]] = {CHILD: [], TEEN: [], ADULT: []}
        for index, audience in enumerate(ctx.i_audience):
            if ctx.i_status[index] == Item.Status.AVAILABLE:
                self.free[audience].append(index)
                self.all[audience].append(index)
        for pool in self.free.values():
            rng.shuffle(pool)

    def take(self, audiences: tuple[str, ...]) -> int | None:
        for audience in audiences:
            if self.free[audience]:
                return self.free[audience].pop()
        return None


def _taste(rng: random.Random, group: str) -> tuple[str, ...]:
    """The collection to try first, then the others as fall-backs."""
    choices, weights = TASTE[group]
    first = rng.choices(choices, weights=weights)[0]
    return (first, *[c for c in choices if c != first])


def plan_circulation(*, ctx: Context, tracker: Tracker) -> None:
    rng = sub_rng(seed=ctx.seed, phase="circulation")
    pools = _Pools(ctx, rng)
    out_since: dict[int, tuple[int, dt.datetime]] = {}  # item -> (days ago, checked out at)
    # The showcase patrons have what the demo says they have, whatever the dice said: the
    # adult and the teen an overdue loan, the opted-in reader a long reading history.
    at_least = {ctx.showcase.get(k): n for k, n in SHOWCASE_LOANS.items()}
    out_now = {ctx.showcase.get(k): n for k, n in SHOWCASE_OUT.items()}
    at_least.pop(None, None)
    out_now.pop(None, None)
    per_patron = []
    for index in range(ctx.patrons):
        transactions = round(rng.expovariate(1 / LOANS_PER_PATRON))
        if index in at_least:
            transactions = max(transactions, at_least[index])
        per_patron.append(transactions)

    # First the loans still out, so returned loans can be dated around them.
    returned_per_patron = []
    for index, transactions in enumerate(per_patron):
        can_borrow = ctx.p_status[index] in CAN_HAVE_LOANS
        current = (
            sum(1 for _ in range(transactions) if rng.random() < CURRENT_SHARE) if can_borrow else 0
        )
        if index in out_now:
            current = max(current, out_now[index])
        returned_per_patron.append(transactions - current)
        for number in range(current):
            item = pools.take(_taste(rng, ctx.p_group[index]))
            if item is None:  # the collection is all out: the transaction is a returned one
                returned_per_patron[index] += 1
                continue
            overdue_share = 0.6 if ctx.p_status[index] == Patron.Status.BLOCKED else 0.15
            overdue = rng.random() < overdue_share or (index in out_now and number == 0)
            renewals = rng.choice((0, 0, 0, 1, 2))
            if overdue:
                due = ctx.today - dt.timedelta(days=rng.randint(1, 60))
            else:
                due = ctx.today + dt.timedelta(days=rng.randint(0, LOAN_DAYS - 1))
            out_day = due - dt.timedelta(days=LOAN_DAYS * (1 + renewals))
            checked_out = at(out_day, opening_minutes(rng), ctx.tz)
            branch = ctx.p_branch[index] if rng.random() < 0.85 else rng.randrange(ctx.branches)
            ctx.loans.append((index, item, branch, checked_out, due, renewals))
            ctx.i_status[item] = Item.Status.ON_LOAN
            out_since[item] = ((ctx.today - out_day).days, checked_out)
        tracker.advance(1)

    for index, returned in enumerate(returned_per_patron):
        _plan_returned(
            ctx=ctx, rng=rng, pools=pools, out_since=out_since, index=index, count=returned
        )
        ctx.transactions += returned
    ctx.transactions += len(ctx.loans)
    _plan_holds(ctx=ctx, rng=rng, pools=pools)


def _first_choice(rnd, group: str) -> str:
    """The collection a patron's loan comes from (the first of `_taste`, without its list)."""
    roll = rnd()
    for threshold, audience in TASTE_THRESHOLDS[group]:
        if roll < threshold:
            return audience
    return TASTE_THRESHOLDS[group][-1][1]


def _plan_returned(*, ctx, rng, pools, out_since, index: int, count: int) -> None:
    """Returned loans of one patron: a PastLoan for those who opted in, and an anonymous
    count for every return, as check-in does. About nine loans in ten take this path, so it
    builds datetimes only where a row keeps one (history, fines)."""
    reach = min(HISTORY_DAYS, (ctx.today - ctx.p_registered[index]).days)
    if reach < 2:
        return
    rnd = rng.random
    keeps = ctx.p_history[index]
    home = ctx.p_branch[index]
    group = ctx.p_group[index]
    counts = ctx.counts
    for _ in range(count):
        candidates = pools.all[_first_choice(rnd, group)]
        if not candidates:
            continue
        days_ago = 2 + int(rnd() * (reach - 1))
        kept = min(days_ago, 3 + int(rnd() * 33))  # back by today at the latest
        for _ in range(ITEM_TRIES):
            item = candidates[int(rnd() * len(candidates))]
            # An item out now came back from its previous borrower before it went out
            # again, and this patron borrowed it after registering.
            current = out_since.get(item)
            if current is None or days_ago - kept > current[0]:
                break
            if current[0] + 1 + kept <= reach:
                days_ago = current[0] + 1 + kept
                break
        else:
            # Out now since before this patron joined, whichever item the dice drew: the
            # return is counted, but it left no history or fine that would predate the card.
            key = ctx.pack_count_key(item=item, branch=home, days_ago=days_ago)
            counts[key] = counts.get(key, 0) + 1
            continue
        fined = kept > LOAN_DAYS + 2 and rnd() < 0.08
        if keeps or fined:
            checked_out = at(
                ctx.today - dt.timedelta(days=days_ago), 540 + int(rnd() * 660), ctx.tz
            )
            returned = min(checked_out + dt.timedelta(days=kept), ctx.now)
            if current is not None:
                returned = min(returned, current[1] - dt.timedelta(hours=1))
            if fined:
                late = Decimal(kept - LOAN_DAYS) * FINE_PER_DAY
                ctx.fines.append((index, item, returned, min(late, FINE_CAP), kept - LOAN_DAYS))
            if keeps:
                ctx.past.append((index, item, checked_out, returned))
        # Check-in counts every return anonymously, kept history or not.
        branch = home if rnd() < 0.85 else int(rnd() * ctx.branches)
        key = ctx.pack_count_key(item=item, branch=branch, days_ago=days_ago)
        counts[key] = counts.get(key, 0) + 1


def _plan_holds(*, ctx: Context, rng: random.Random, pools: _Pools) -> None:
    borrower = {loan[1]: loan[0] for loan in ctx.loans}
    out_items = [loan[1] for loan in ctx.loans]
    adult = ctx.showcase.get("adult")
    for index in range(ctx.patrons):
        if ctx.p_status[index] != ACTIVE:
            continue
        if index == adult:
            kinds = [Hold.Status.WAITING, Hold.Status.READY]
        elif rng.random() < 0.12:
            kinds = rng.choices(
                (
                    Hold.Status.WAITING,
                    Hold.Status.READY,
                    Hold.Status.CANCELLED,
                    Hold.Status.EXPIRED,
                ),
                weights=(60, 30, 6, 4),
                k=rng.randint(1, 3),
            )
        else:
            continue
        taken: set[int] = set()
        pickup = ctx.p_branch[index]
        for kind in kinds:
            placed = ctx.now - dt.timedelta(days=rng.randint(2, 40), minutes=rng.randrange(600))
            ready_until = None
            if kind == Hold.Status.READY:
                # A ready hold sits on the hold shelf: an item nobody has out.
                item = pools.take(_taste(rng, ctx.p_group[index]))
                if item is None:
                    continue
                ctx.i_status[item] = Item.Status.ON_HOLD_SHELF
                ready_until = ctx.today + dt.timedelta(days=rng.randint(0, 6))
            elif kind == Hold.Status.WAITING:
                if not out_items:
                    continue
                item = out_items[rng.randrange(len(out_items))]
                if borrower[item] == index or item in taken:
                    continue
            else:
                audience = _taste(rng, ctx.p_group[index])[0]
                if not pools.all[audience]:
                    continue
                item = rng.choice(pools.all[audience])
            taken.add(item)
            ctx.holds.append((index, item, pickup, placed, kind, ready_until))


def write_circulation(*, ctx: Context, tracker: Tracker) -> None:
    pid, iid, bid = ctx.patron_id, ctx.item_id, ctx.branch_ids
    insert(
        Loan,
        ("item_id", "patron_id", "branch_id", "checked_out_at", "due_on", "renewals"),
        (
            (iid(item), pid(patron), bid[branch], out, due, renewals)
            for patron, item, branch, out, due, renewals in ctx.loans
        ),
        tracker=tracker,
        written=ctx.written,
    )
    insert(
        PastLoan,
        ("patron_id", "item_id", "checked_out_at", "returned_at"),
        ((pid(p), iid(i), out, back) for p, i, out, back in ctx.past),
        tracker=tracker,
        written=ctx.written,
    )

    def counts():
        for key in sorted(ctx.counts):
            item, branch, days_ago = ctx.unpack_count_key(key)
            day = ctx.today - dt.timedelta(days=days_ago)
            yield (iid(item), bid[branch], day, ctx.counts[key])

    columns = ("item_id", "branch_id", "day", "checkouts")
    insert(CirculationCount, columns, counts(), tracker=tracker, written=ctx.written)
    open_statuses = (Hold.Status.WAITING, Hold.Status.READY)
    insert(
        Hold,
        ("patron_id", "item_id", "pickup_branch_id", "placed_at", "status", "ready_until"),
        (
            # A closed hold keeps neither patron nor item (closed_hold_is_anonymous).
            (pid(p), iid(i), bid[branch], placed, status, ready_until)
            if status in open_statuses
            else (None, None, bid[branch], placed, status, ready_until)
            for p, i, branch, placed, status, ready_until in ctx.holds
        ),
        tracker=tracker,
        written=ctx.written,
    )
