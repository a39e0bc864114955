"""Loans: check out, check in, renew, and filling a hold by checking the item out.

Privacy by default: at check-in the Loan row (the only link between patron and item) is
deleted. What stays is an anonymous CirculationCount for statistics, a PastLoan only for
patrons who asked the library to keep their reading history, and an overdue charge that
names the item while it is unpaid (paying it settles and severs that link, see money.py).
"""

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import F
from django.db.transaction import TransactionManagementError

from custodian.circulation import lost
from custodian.circulation._common import (
    CENT,
    check_standing,
    ensure_good_standing,
    local_day,
    lock,
    resolve_now,
)
from custodian.circulation.errors import (
    HoldNotOpen,
    ItemAlreadyLost,
    ItemAlreadyOnLoan,
    ItemNotAvailable,
    ItemNotOnLoan,
    ItemOnHoldForAnother,
    ItemWanted,
    RenewalLimitReached,
)
from custodian.circulation.holds import HOLD_SHELF_DAYS, OPEN, route_item
from custodian.circulation.selectors import item_is_wanted
from custodian.records.models import (
    Branch,
    Charge,
    CirculationCount,
    Hold,
    Item,
    Loan,
    PastLoan,
    Patron,
)
from custodian.statistics import services as statistics

LOAN_DAYS = 21
MAX_RENEWALS = 3
# The profile-free default; a library's policy profile will supply its own rate and cap.
OVERDUE_RATE_PER_DAY = Decimal("0.25")
OVERDUE_CAP = Decimal("10.00")


@dataclass(frozen=True)
class CheckInResult:
    item: Item
    days_overdue: int
    # The overdue fine assessed at this check-in, if any.
    charge: Charge | None
    # The hold the item now waits on the hold shelf for, if any.
    hold: Hold | None
    # The branch to send the item to when the hold is picked up elsewhere.
    transit_to: Branch | None
    # True only when the patron opted in to reading history and a PastLoan was kept.
    history_kept: bool
    # Set when the item had been marked lost: its replacement charge reversed (lost.found).
    found: "lost.FoundResult | None" = None


def _loan_days(loan_days: int | None) -> int:
    days = LOAN_DAYS if loan_days is None else loan_days
    if days < 1:
        raise ValueError("loan_days must be at least 1")
    return days


# The hot path of every desk speaks SQL that SQLite (3.35+) and PostgreSQL share, with
# parameters only: the ORM's query building was most of a check-out's cost.
_OPEN_HOLDS = (
    "SELECT id, patron_id, status FROM records_hold"
    " WHERE item_id = %s AND (status = %s OR (patron_id = %s AND status = %s))"
)
_LOCK_ITEM_STATUS = "SELECT status FROM records_item WHERE id = %s FOR UPDATE"
# Loan.item is one-to-one: on a conflict the database inserts nothing and returns no row.
_INSERT_LOAN = (
    "INSERT INTO records_loan (item_id, patron_id, branch_id, checked_out_at, due_on, renewals)"
    " VALUES (%s, %s, %s, %s, %s, 0) ON CONFLICT (item_id) DO NOTHING RETURNING id"
)
_SET_ITEM_STATUS = "UPDATE records_item SET status = %s WHERE id = %s"
# A filled hold has done its work: it keeps no patron and no item (closed_hold_is_anonymous).
_FILL_HOLD = "UPDATE records_hold SET status = %s, patron_id = NULL, item_id = NULL WHERE id = %s"


def _hold_to_fill(*, item: Item, patron: Patron, cursor) -> int | None:
    """Refuse an item that may not go out to this patron; return the id of their hold it
    would fill. One query: the item's ready hold (one per item) and this patron's open hold
    on it (one per patron and item), both enforced by unique constraints."""
    if item.status in (Item.Status.LOST, Item.Status.WITHDRAWN):
        raise ItemNotAvailable(
            f"This item is marked {Item.Status(item.status).label.lower()} and cannot be checked out."
        )
    if item.status == Item.Status.ON_LOAN:
        raise ItemAlreadyOnLoan()
    cursor.execute(_OPEN_HOLDS, [item.pk, Hold.Status.READY, patron.pk, Hold.Status.WAITING])
    holds = cursor.fetchall()
    ready = next(((pk, owner) for pk, owner, status in holds if status == Hold.Status.READY), None)
    if item.status == Item.Status.ON_HOLD_SHELF and ready is not None:
        if ready[1] != patron.pk:
            raise ItemOnHoldForAnother()
        return ready[0]
    return next((pk for pk, owner, status in holds if owner == patron.pk), None)


def _lend(
    cursor,
    *,
    item_id: int,
    patron_id: int,
    branch_id: int,
    now: dt.datetime,
    due_on: dt.date,
    hold_id: int | None,
    birth_date: dt.date | None,
) -> Loan:
    """Insert the loan and mark the item (and the hold it fills). The caller holds the write
    lock on the item (its row lock, or SQLite's database lock) and has checked everything.
    Counts the check-out (and the hold filled) for the statistics: no patron, only the band
    of `birth_date`.

    The unique Loan.item, not this code, is the final word on "one current loan per item":
    the row lock makes the loser wait and then see the item on loan; the conflict clause
    catches the case the lock cannot (no row locks, or a Loan written without updating the
    item's status), without a savepoint.
    """
    db = cursor.db  # the cursor's connection: `connection` is a thread-local lookup each time
    cursor.execute(
        _INSERT_LOAN,
        [
            item_id,
            patron_id,
            branch_id,
            db.ops.adapt_datetimefield_value(now),
            db.ops.adapt_datefield_value(due_on),
        ],
    )
    row = cursor.fetchone()
    if row is None:
        raise ItemAlreadyOnLoan()
    cursor.execute(_SET_ITEM_STATUS, [Item.Status.ON_LOAN, item_id])
    if hold_id is not None:
        cursor.execute(_FILL_HOLD, [Hold.Status.FILLED, hold_id])
    tally = dict(branch_id=branch_id, when=now, birth_date=birth_date, item_id=item_id)
    statistics.count("checkout", **tally, cursor=cursor)
    if hold_id is not None:
        statistics.count("hold_filled", **tally, cursor=cursor)
    # All of Loan's columns, in its field order.
    return Loan.from_db(db.alias, None, (row[0], item_id, patron_id, branch_id, now, due_on, 0))


def check_out(
    *,
    patron: Patron,
    item: Item,
    branch: Branch,
    now: dt.datetime | None = None,
    loan_days: int | None = None,
) -> Loan:
    now = resolve_now(now)
    today = local_day(now)
    days = _loan_days(loan_days)
    with transaction.atomic(), connection.cursor() as cursor:
        current = lock(Item, item.pk)
        ensure_good_standing(patron, today)
        hold_id = _hold_to_fill(item=current, patron=patron, cursor=cursor)
        loan = _lend(
            cursor,
            item_id=current.pk,
            patron_id=patron.pk,
            branch_id=branch.pk,
            now=now,
            due_on=today + dt.timedelta(days=days),
            hold_id=hold_id,
            birth_date=patron.birth_date,
        )
    loan.item, loan.patron, loan.branch = current, patron, branch
    item.status = Item.Status.ON_LOAN
    return loan


def check_out_fresh(
    *,
    patron: Patron,
    item: Item,
    branch_id: int,
    now: dt.datetime | None = None,
    loan_days: int | None = None,
    cursor=None,
) -> Loan:
    """`check_out` for a caller (the door) that read the patron's `status` and `expires_on`
    and the item's `status` inside the transaction this joins, so they are not read again.

    On SQLite that transaction began with BEGIN IMMEDIATE and has held the write lock since:
    nothing can have changed. With row locks (PostgreSQL) the item's status is re-read under
    its lock, as `check_out` does. The rules and messages are `check_out`'s; the loan comes
    back with the related objects' keys only. `cursor`: the caller's open cursor (Django's, or
    the audit's `raw_cursor`), if any.
    """
    db = cursor.db if cursor is not None else connections[DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        raise TransactionManagementError("check_out_fresh joins the transaction that read its rows")
    now = resolve_now(now)
    today = local_day(now)
    days = _loan_days(loan_days)
    check_standing(patron.status, patron.expires_on, today)
    with nullcontext(cursor) if cursor is not None else db.cursor() as cursor:
        if db.features.has_select_for_update:
            cursor.execute(_LOCK_ITEM_STATUS, [item.pk])
            (item.status,) = cursor.fetchone()
        hold_id = _hold_to_fill(item=item, patron=patron, cursor=cursor)
        loan = _lend(
            cursor,
            item_id=item.pk,
            patron_id=patron.pk,
            branch_id=branch_id,
            now=now,
            due_on=today + dt.timedelta(days=days),
            hold_id=hold_id,
            birth_date=patron.birth_date,
        )
    item.status = Item.Status.ON_LOAN
    return loan


def fill_hold(
    *,
    hold: Hold,
    branch: Branch,
    now: dt.datetime | None = None,
    loan_days: int | None = None,
) -> Loan:
    """Lend a held item to the patron who placed the hold (a check-out that fills it)."""
    if hold.status not in OPEN:
        raise HoldNotOpen()
    return check_out(
        patron=hold.patron, item=hold.item, branch=branch, now=now, loan_days=loan_days
    )


def overdue_fine(
    *, days_overdue: int, rate: Decimal = OVERDUE_RATE_PER_DAY, cap: Decimal = OVERDUE_CAP
) -> Decimal:
    if days_overdue <= 0 or rate <= 0:
        return Decimal("0.00")
    return min(Decimal(days_overdue) * Decimal(rate), Decimal(cap)).quantize(CENT)


def _count_circulation(*, loan: Loan) -> None:
    """Add one to the anonymous count for (item, branch, day) of the check-out.

    An UPDATE ... SET checkouts = checkouts + 1 is atomic in the database; when no row exists
    yet, create it inside a savepoint and, if a concurrent desk created it first, update.
    """
    key = dict(item_id=loan.item_id, branch_id=loan.branch_id, day=local_day(loan.checked_out_at))
    counts = CirculationCount.objects.filter(**key)
    if counts.update(checkouts=F("checkouts") + 1):
        return
    try:
        with transaction.atomic():
            CirculationCount.objects.create(**key, checkouts=1)
    except IntegrityError:
        counts.update(checkouts=F("checkouts") + 1)


def check_in(
    *,
    item: Item,
    branch: Branch,
    now: dt.datetime | None = None,
    overdue_rate: Decimal = OVERDUE_RATE_PER_DAY,
    overdue_cap: Decimal = OVERDUE_CAP,
    hold_shelf_days: int = HOLD_SHELF_DAYS,
) -> CheckInResult:
    now = resolve_now(now)
    today = local_day(now)
    with transaction.atomic():
        current = lock(Item, item.pk)
        loan = Loan.objects.filter(item_id=item.pk).first()
        if loan is None:
            raise ItemNotOnLoan()
        # Lock the patron too: an opt-out running at the same moment must not miss the
        # PastLoan this check-in writes (set_reading_history takes the same lock).
        patron = lock(Patron, loan.patron_id)
        found = None
        if current.status == Item.Status.LOST:
            found = lost.found(item=current, patron=patron, since=loan.checked_out_at, now=now)

        days_overdue = max((today - loan.due_on).days, 0)
        fine = overdue_fine(days_overdue=days_overdue, rate=overdue_rate, cap=overdue_cap)
        charge = None
        if fine > 0:
            # The one record that still names the item after check-in: a fine is owed for
            # it. Paying or waiving it in full removes the item from the charge.
            charge = Charge.objects.create(
                patron=patron,
                kind=Charge.Kind.OVERDUE,
                amount=fine,
                item=current,
                assessed_at=now,
                note=f"{days_overdue} day(s) overdue",
            )

        history_kept = patron.keeps_reading_history
        if history_kept:
            PastLoan.objects.create(
                patron=patron,
                item=current,
                checked_out_at=loan.checked_out_at,
                returned_at=max(now, loan.checked_out_at),
            )

        _count_circulation(loan=loan)
        statistics.count(
            "return",
            branch_id=branch.pk,
            when=now,
            birth_date=patron.birth_date,
            item_id=current.pk,
        )
        loan.delete()
        hold = route_item(item=current, today=today, hold_shelf_days=hold_shelf_days)
    item.status = current.status
    transit_to = None
    if hold is not None and hold.pickup_branch_id != branch.pk:
        transit_to = hold.pickup_branch
    return CheckInResult(
        item=current,
        days_overdue=days_overdue,
        charge=charge,
        hold=hold,
        transit_to=transit_to,
        history_kept=history_kept,
        found=found,
    )


def renew(
    *,
    loan: Loan,
    now: dt.datetime | None = None,
    max_renewals: int = MAX_RENEWALS,
    loan_days: int | None = None,
) -> Loan:
    now = resolve_now(now)
    today = local_day(now)
    days = _loan_days(loan_days)
    with transaction.atomic():
        item = lock(Item, loan.item_id)
        current = Loan.objects.filter(pk=loan.pk).first()
        if current is None:
            raise ItemNotOnLoan()
        if item.status == Item.Status.LOST:  # written off: only finding it ends the loan
            raise ItemAlreadyLost()
        ensure_good_standing(current.patron, today)
        if current.renewals >= max_renewals:
            raise RenewalLimitReached()
        if item_is_wanted(item=current.item):
            raise ItemWanted()
        # Renewing early never shortens a loan.
        current.due_on = max(current.due_on, today + dt.timedelta(days=days))
        current.renewals += 1
        current.save(update_fields=["due_on", "renewals"])
        statistics.count(
            "renewal",
            branch_id=current.branch_id,
            when=now,
            birth_date=current.patron.birth_date,
            item_id=current.item_id,
        )
    loan.due_on, loan.renewals = current.due_on, current.renewals
    return current
