"""Two desks, one item: real threads, each with its own database connection.

transactional_db: every thread commits for real, so the database (not the test's wrapping
transaction) decides who wins. Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from custodian.circulation import library_use, loans
from custodian.circulation.errors import ItemAlreadyOnLoan, RoomUnavailable
from custodian.circulation.services import book_room, check_in, check_out, set_reading_history
from custodian.records.models import (
    CirculationCount,
    Item,
    Loan,
    PastLoan,
    Patron,
    RoomBooking,
)
from tests.records.factories import NOW, make_branch, make_item, make_patron, make_room

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = dt.timedelta(hours=1)


def race(workers, *, timeout=60):
    """Run each callable in its own thread, released together; return results or exceptions."""
    barrier = threading.Barrier(len(workers))
    results = [None] * len(workers)

    def run(i, work):
        try:
            barrier.wait(timeout=timeout)
            results[i] = work()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
        assert not t.is_alive(), "a desk hung"
    return results


def desk(patron_pk, item_pk, branch):
    # Each desk loads its own copies, as two screens would.
    return lambda: check_out(
        patron=Patron.objects.get(pk=patron_pk),
        item=Item.objects.get(pk=item_pk),
        branch=branch,
        now=NOW,
    )


@pytest.mark.parametrize("desks", [2, 6])
def test_one_item_many_desks_exactly_one_wins(desks):
    branch = make_branch()
    item = make_item(branch=branch)
    patrons = [make_patron(home_branch=branch) for _ in range(desks)]

    results = race([desk(p.pk, item.pk, branch) for p in patrons])

    won = [r for r in results if isinstance(r, Loan)]
    lost = [r for r in results if not isinstance(r, Loan)]
    assert len(won) == 1
    assert all(isinstance(e, ItemAlreadyOnLoan) for e in lost), lost
    assert "already checked out" in str(lost[0])
    assert Loan.objects.filter(item_id=item.pk).count() == 1
    assert Loan.objects.get(item_id=item.pk).patron_id == won[0].patron_id
    assert Item.objects.get(pk=item.pk).status == Item.Status.ON_LOAN


def test_different_items_at_once_all_succeed():
    branch = make_branch()
    patrons = [make_patron(home_branch=branch) for _ in range(4)]
    items = [make_item(branch=branch) for _ in range(4)]

    results = race([desk(p.pk, i.pk, branch) for p, i in zip(patrons, items, strict=True)])

    assert all(isinstance(r, Loan) for r in results), results
    assert Loan.objects.count() == 4


def test_concurrent_check_ins_count_every_loan():
    """The anonymous count is an atomic UPDATE ... + 1; concurrent check-ins lose nothing."""
    branch = make_branch()
    items = [make_item(branch=branch) for _ in range(4)]
    patron = make_patron(home_branch=branch)
    for item in items:
        check_out(patron=patron, item=item, branch=branch, now=NOW)

    results = race(
        [
            (lambda pk=i.pk: check_in(item=Item.objects.get(pk=pk), branch=branch, now=NOW))
            for i in items
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(CirculationCount.objects.values_list("checkouts", flat=True)) == 4


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks and concurrent writers: SQLite serialises whole transactions",
)
def test_without_the_row_lock_the_unique_constraint_still_decides(monkeypatch):
    """Take away the row lock and let both desks pass every check before inserting: the
    one-to-one Loan.item constraint alone still lets exactly one win, and the loser still
    gets the desk message (IntegrityError caught in a savepoint)."""
    branch = make_branch()
    item = make_item(branch=branch)
    a, b = make_patron(home_branch=branch), make_patron(home_branch=branch)
    both_checked = threading.Barrier(2)
    real_hold_to_fill = loans._hold_to_fill

    def no_lock(model, pk):
        return model.objects.get(pk=pk)

    def checks_then_wait(**kwargs):
        hold = real_hold_to_fill(**kwargs)
        both_checked.wait(timeout=30)  # both desks have seen the item available
        return hold

    monkeypatch.setattr(loans, "lock", no_lock)
    monkeypatch.setattr(loans, "_hold_to_fill", checks_then_wait)

    results = race([desk(a.pk, item.pk, branch), desk(b.pk, item.pk, branch)])

    won = [r for r in results if isinstance(r, Loan)]
    lost = [r for r in results if not isinstance(r, Loan)]
    assert len(won) == 1
    assert len(lost) == 1 and isinstance(lost[0], ItemAlreadyOnLoan), lost
    assert Loan.objects.filter(item_id=item.pk).count() == 1


def booker(room, patron, start, end):
    return lambda: book_room(room=room, patron=patron, starts_at=start, ends_at=end)


def test_two_desks_booking_one_room_at_once():
    room = make_room()
    a, b = make_patron(), make_patron()
    results = race(
        [
            booker(room, a, NOW, NOW + 2 * HOUR),
            booker(room, b, NOW + HOUR, NOW + 3 * HOUR),
        ]
    )
    assert sum(isinstance(r, RoomBooking) for r in results) == 1
    assert [type(r) for r in results if not isinstance(r, RoomBooking)] == [RoomUnavailable]
    assert RoomBooking.objects.filter(room=room).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks and concurrent writers: SQLite serialises whole transactions",
)
def test_without_the_room_lock_the_exclusion_constraint_still_decides(monkeypatch):
    room = make_room()
    a, b = make_patron(), make_patron()
    both_locked = threading.Barrier(2)

    def no_lock_then_wait(model, pk):
        row = model.objects.get(pk=pk)
        both_locked.wait(timeout=30)  # both desks go on to check for overlaps together
        return row

    monkeypatch.setattr(library_use, "lock", no_lock_then_wait)

    results = race(
        [
            booker(room, a, NOW, NOW + 2 * HOUR),
            booker(room, b, NOW + HOUR, NOW + 3 * HOUR),
        ]
    )
    assert sum(isinstance(r, RoomBooking) for r in results) == 1
    assert [type(r) for r in results if not isinstance(r, RoomBooking)] == [RoomUnavailable]
    assert RoomBooking.objects.filter(room=room).count() == 1


def test_opting_out_while_items_come_back_leaves_no_history():
    """check_in and set_reading_history take the patron's row lock, so however the desks
    interleave, an opted-out patron ends with no PastLoan rows."""
    branch = make_branch()
    patron = make_patron(home_branch=branch, keeps_reading_history=True)
    items = [make_item(branch=branch) for _ in range(4)]
    for item in items:
        check_out(patron=patron, item=item, branch=branch, now=NOW)

    returns = [
        (lambda pk=i.pk: check_in(item=Item.objects.get(pk=pk), branch=branch, now=NOW + HOUR))
        for i in items
    ]
    opt_out = lambda: set_reading_history(  # noqa: E731
        patron=Patron.objects.get(pk=patron.pk), keep=False
    )
    results = race(returns[:2] + [opt_out] + returns[2:])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert not Patron.objects.get(pk=patron.pk).keeps_reading_history
    assert not PastLoan.objects.filter(patron_id=patron.pk).exists()
    assert not Loan.objects.exists()
