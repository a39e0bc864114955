"""Check-out through the door's lean path: the circulation rules and messages, one audit
entry in canonical form, and a bounded number of statements."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from custodian import door
from custodian.accounts.models import Role
from custodian.audit import canonical
from custodian.circulation.errors import (
    ItemAlreadyOnLoan,
    ItemNotAvailable,
    ItemOnHoldForAnother,
    PatronBlocked,
    PatronCardExpired,
    PatronCardLost,
)
from custodian.circulation.services import place_hold
from custodian.records.models import Hold, Item, Loan, Patron
from tests.circulation.test_concurrency import race
from tests.door import library
from tests.door.audit_helpers import entries
from tests.records.factories import make_item, make_patron

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(main_branch):
    return door.Reader.staff(library.staff(Role.DESK, "desk", at=main_branch))


def check_out(reader, patron, item):
    return door.check_out(reader=reader, patron_ref=patron.ref, item_barcode=item.barcode)


def test_lends_the_item_with_one_canonical_audit_entry(desk, main_branch):
    patron, item = make_patron(home_branch=main_branch), make_item(branch=main_branch)
    before = len(entries())

    receipt = check_out(desk, patron, item)

    loan = Loan.objects.get(item=item)
    assert (loan.patron_id, loan.branch_id, loan.renewals) == (patron.pk, main_branch.pk, 0)
    assert receipt == door.CheckOutReceipt(
        barcode=item.barcode,
        title=item.title,
        due_on=timezone.localdate() + dt.timedelta(days=21),
    )
    assert loan.due_on == receipt.due_on
    assert Item.objects.get(pk=item.pk).status == Item.Status.ON_LOAN
    [entry] = entries()[before:]
    assert (entry.action, entry.outcome, entry.patron_ref) == (
        "check_out",
        "release",
        str(patron.ref),
    )
    # The stored body is exactly what encode_body gives for its own values.
    values = canonical.decode_body(entry.body)
    names = ("prev_hash", "seq", "recorded_at", "actor", "role", "action", "purpose")
    names += ("patron_ref", "fields", "outcome", "clauses")
    positions = (canonical.PREV_HASH, canonical.SEQ, canonical.RECORDED_AT, canonical.ACTOR)
    positions += (canonical.ROLE, canonical.ACTION, canonical.PURPOSE, canonical.PATRON_REF)
    positions += (canonical.FIELDS, canonical.OUTCOME, canonical.CLAUSES)
    rebuilt = canonical.encode_body(**{n: values[p] for n, p in zip(names, positions, strict=True)})
    assert rebuilt == entry.body


def test_a_check_out_is_a_handful_of_statements(desk, main_branch):
    patron, item = make_patron(home_branch=main_branch), make_item(branch=main_branch)
    check_out(desk, patron, make_item(branch=main_branch))  # the engine has ruled once
    with CaptureQueriesContext(connection) as queries:
        check_out(desk, patron, item)
    sql = [q["sql"].split(None, 1)[0].upper() for q in queries]
    # The door's one transaction (a savepoint inside the test's) and nothing nested in it.
    assert sql.count("SAVEPOINT") <= 1
    # patron and item, audit (the head's compare-and-set, the entry), hold, loan, item status
    # (+ the item's row lock, if any), the statistics' count (one upsert, no patron in it).
    # The door's and the audit's statements go through the driver's cursor, which logs them
    # while Django does.
    data = [s for s in sql if s not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")]
    lock = ["SELECT"] if connection.features.has_select_for_update else []
    expected = ["SELECT", "UPDATE", "INSERT", *lock, "SELECT", "INSERT", "UPDATE", "INSERT"]
    assert data == expected, sql


def test_unknown_patron_is_named_before_unknown_item(desk, main_branch):
    patron, item = make_patron(home_branch=main_branch), make_item(branch=main_branch)
    unknown = "00000000-0000-0000-0000-000000000000"
    before = len(entries())
    with pytest.raises(door.PatronNotFound):
        door.check_out(reader=desk, patron_ref=unknown, item_barcode="no such item")
    with pytest.raises(door.PatronNotFound):
        door.check_out(reader=desk, patron_ref="not a ref", item_barcode=item.barcode)
    with pytest.raises(door.ItemNotFound):
        door.check_out(reader=desk, patron_ref=patron.ref, item_barcode="no such item")
    assert len(entries()) == before and not Loan.objects.exists()
    # Barcodes are matched after trimming, as before.
    check_out_receipt = door.check_out(
        reader=desk, patron_ref=str(patron.ref), item_barcode=f"  {item.barcode} "
    )
    assert check_out_receipt.barcode == item.barcode


@pytest.mark.parametrize(
    "status, error",
    [
        (Patron.Status.BLOCKED, PatronBlocked),
        (Patron.Status.CARD_LOST, PatronCardLost),
        (Patron.Status.EXPIRED, PatronCardExpired),
    ],
)
def test_patrons_not_in_good_standing_cannot_borrow(desk, status, error):
    patron, item = make_patron(status=status), make_item()
    before = len(entries())
    with pytest.raises(door.ActionFailed) as caught:
        check_out(desk, patron, item)
    assert caught.value.message == error().message
    assert not Loan.objects.exists() and len(entries()) == before


def test_a_card_past_its_expiry_date_cannot_borrow(desk):
    today = timezone.localdate()
    patron = make_patron(
        registered_on=today - dt.timedelta(days=400), expires_on=today - dt.timedelta(days=1)
    )
    with pytest.raises(door.ActionFailed) as caught:
        check_out(desk, patron, make_item())
    assert caught.value.message == PatronCardExpired().message


@pytest.mark.parametrize("status", [Item.Status.LOST, Item.Status.WITHDRAWN])
def test_lost_and_withdrawn_items_cannot_go_out(desk, status):
    label = Item.Status(status).label.lower()
    with pytest.raises(door.ActionFailed) as caught:
        check_out(desk, make_patron(), make_item(status=status))
    assert (
        caught.value.message
        == ItemNotAvailable(f"This item is marked {label} and cannot be checked out.").message
    )
    assert not Loan.objects.exists()


def test_an_item_on_loan_cannot_go_out_again(desk):
    item, first, second = make_item(), make_patron(), make_patron()
    check_out(desk, first, item)
    with pytest.raises(door.ActionFailed) as caught:
        check_out(desk, second, item)
    assert caught.value.message == ItemAlreadyOnLoan().message
    assert Loan.objects.get(item=item).patron_id == first.pk


def test_the_database_constraint_catches_what_a_stale_status_misses(desk, main_branch):
    item, first, second = make_item(), make_patron(), make_patron()
    now = timezone.now()
    Loan.objects.create(
        item=item, patron=first, branch=main_branch, checked_out_at=now, due_on=now.date()
    )
    before = len(entries())
    with pytest.raises(door.ActionFailed) as caught:
        check_out(desk, second, item)
    assert caught.value.message == ItemAlreadyOnLoan().message
    assert Loan.objects.get(item=item).patron_id == first.pk
    assert len(entries()) == before


def test_an_item_on_the_hold_shelf_is_only_for_its_patron(desk, main_branch):
    item, waiting, other = make_item(), make_patron(), make_patron()
    hold = place_hold(patron=waiting, item=item, pickup_branch=main_branch)
    assert hold.status == Hold.Status.READY

    with pytest.raises(door.ActionFailed) as caught:
        check_out(desk, other, item)
    assert caught.value.message == ItemOnHoldForAnother().message

    check_out(desk, waiting, item)
    assert Loan.objects.get(item=item).patron_id == waiting.pk
    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.FILLED


def test_borrowing_fills_only_the_patrons_own_waiting_hold(desk, main_branch):
    item, patron, other = make_item(), make_patron(), make_patron()
    now = timezone.now()
    mine = Hold.objects.create(patron=patron, item=item, pickup_branch=main_branch, placed_at=now)
    theirs = Hold.objects.create(patron=other, item=item, pickup_branch=main_branch, placed_at=now)

    check_out(desk, patron, item)

    assert Hold.objects.get(pk=mine.pk).status == Hold.Status.FILLED
    assert Hold.objects.get(pk=theirs.pk).status == Hold.Status.WAITING


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("desks", [2, 4])
def test_two_desks_one_item_through_the_door(desks):
    branch = library.branch()
    readers = [
        door.Reader.staff(library.staff(Role.DESK, f"desk{n}", at=branch)) for n in range(desks)
    ]
    item = make_item(branch=branch)
    patrons = [make_patron(home_branch=branch) for _ in range(desks)]

    results = race(
        [(lambda r=r, p=p: check_out(r, p, item)) for r, p in zip(readers, patrons, strict=True)]
    )

    won = [r for r in results if isinstance(r, door.CheckOutReceipt)]
    lost = [r for r in results if not isinstance(r, door.CheckOutReceipt)]
    assert len(won) == 1
    assert all(isinstance(e, door.ActionFailed) for e in lost), lost
    assert {e.message for e in lost} == {ItemAlreadyOnLoan().message}
    assert Loan.objects.filter(item=item).count() == 1
    assert [e.action for e in entries()].count("check_out") == 1
