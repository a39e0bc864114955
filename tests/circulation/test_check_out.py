"""Check-out: who may borrow, what may go out, and holds filled by borrowing."""

import datetime as dt

import pytest

from custodian.circulation.errors import (
    HoldNotOpen,
    ItemAlreadyOnLoan,
    ItemNotAvailable,
    ItemOnHoldForAnother,
    PatronBlocked,
    PatronCardExpired,
    PatronCardLost,
    PatronNotInGoodStanding,
)
from custodian.circulation.services import cancel_hold, check_out, fill_hold, place_hold
from custodian.records.models import Hold, Item, Loan, Patron
from tests.circulation.desk import assert_desk_safe
from tests.records.factories import NOW, TODAY, make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return make_branch()


def test_check_out_lends_the_item_for_three_weeks(branch):
    patron, item = make_patron(home_branch=branch), make_item(branch=branch)

    loan = check_out(patron=patron, item=item, branch=branch, now=NOW)

    assert loan.patron == patron and loan.item == item and loan.branch == branch
    assert loan.checked_out_at == NOW
    assert loan.due_on == TODAY + dt.timedelta(days=21)
    assert loan.renewals == 0
    assert item.status == Item.Status.ON_LOAN  # the caller's instance is kept current
    assert Item.objects.get(pk=item.pk).status == Item.Status.ON_LOAN


def test_loan_days_can_be_given(branch):
    loan = check_out(patron=make_patron(), item=make_item(), branch=branch, now=NOW, loan_days=7)
    assert loan.due_on == TODAY + dt.timedelta(days=7)


def test_loan_days_must_be_positive(branch):
    with pytest.raises(ValueError):
        check_out(patron=make_patron(), item=make_item(), branch=branch, now=NOW, loan_days=0)


@pytest.mark.parametrize(
    "status, error",
    [
        (Patron.Status.BLOCKED, PatronBlocked),
        (Patron.Status.CARD_LOST, PatronCardLost),
        (Patron.Status.EXPIRED, PatronCardExpired),
    ],
)
def test_patrons_not_in_good_standing_cannot_borrow(branch, status, error):
    patron, item = make_patron(status=status), make_item()
    with pytest.raises(error) as caught:
        check_out(patron=patron, item=item, branch=branch, now=NOW)
    assert isinstance(caught.value, PatronNotInGoodStanding)
    assert_desk_safe(caught.value, patron)
    assert not Loan.objects.exists()
    assert Item.objects.get(pk=item.pk).status == Item.Status.AVAILABLE


def test_a_card_past_its_expiry_date_cannot_borrow(branch):
    patron = make_patron(registered_on=dt.date(2020, 1, 1), expires_on=TODAY - dt.timedelta(1))
    with pytest.raises(PatronCardExpired):
        check_out(patron=patron, item=make_item(), branch=branch, now=NOW)


def test_the_stored_status_counts_not_a_stale_copy(branch):
    patron = make_patron()
    Patron.objects.filter(pk=patron.pk).update(status=Patron.Status.BLOCKED)
    assert patron.status == Patron.Status.ACTIVE  # the desk's copy is out of date
    with pytest.raises(PatronBlocked):
        check_out(patron=patron, item=make_item(), branch=branch, now=NOW)


@pytest.mark.parametrize("status", [Item.Status.LOST, Item.Status.WITHDRAWN])
def test_lost_and_withdrawn_items_cannot_go_out(branch, status):
    patron, item = make_patron(), make_item(status=status)
    with pytest.raises(ItemNotAvailable) as caught:
        check_out(patron=patron, item=item, branch=branch, now=NOW)
    assert status in str(caught.value)
    assert_desk_safe(caught.value, patron)


def test_an_item_on_loan_cannot_go_out_again(branch):
    item = make_item()
    first, second = make_patron(), make_patron()
    check_out(patron=first, item=item, branch=branch, now=NOW)
    with pytest.raises(ItemAlreadyOnLoan) as caught:
        check_out(patron=second, item=item, branch=branch, now=NOW)
    assert_desk_safe(caught.value, first, second)
    assert Loan.objects.get(item=item).patron == first


def test_the_database_constraint_catches_what_a_stale_status_misses(branch):
    """A Loan written without updating the item's status: the status check passes, the
    one-to-one constraint refuses, and the desk still gets the clear error."""
    item = make_item()
    first, second = make_patron(), make_patron()
    Loan.objects.create(item=item, patron=first, branch=branch, checked_out_at=NOW, due_on=TODAY)
    assert Item.objects.get(pk=item.pk).status == Item.Status.AVAILABLE

    with pytest.raises(ItemAlreadyOnLoan):
        check_out(patron=second, item=item, branch=branch, now=NOW)
    assert Loan.objects.filter(item=item).count() == 1
    # The transaction survived the refused insert: the database is still usable.
    assert Loan.objects.get(item=item).patron == first


def test_an_item_on_the_hold_shelf_is_only_for_its_patron(branch):
    item = make_item()
    waiting, other = make_patron(), make_patron()
    hold = place_hold(patron=waiting, item=item, pickup_branch=branch, now=NOW)
    assert hold.status == Hold.Status.READY

    with pytest.raises(ItemOnHoldForAnother) as caught:
        check_out(patron=other, item=item, branch=branch, now=NOW)
    assert_desk_safe(caught.value, waiting, other)

    loan = check_out(patron=waiting, item=item, branch=branch, now=NOW)
    assert loan.patron == waiting
    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.FILLED


def test_borrowing_fills_the_patrons_own_waiting_hold(branch):
    item, patron = make_item(status=Item.Status.AVAILABLE), make_patron()
    hold = Hold.objects.create(patron=patron, item=item, pickup_branch=branch, placed_at=NOW)

    check_out(patron=patron, item=item, branch=branch, now=NOW)

    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.FILLED


def test_borrowing_leaves_other_patrons_holds_alone(branch):
    item, borrower, other = make_item(), make_patron(), make_patron()
    hold = Hold.objects.create(patron=other, item=item, pickup_branch=branch, placed_at=NOW)

    check_out(patron=borrower, item=item, branch=branch, now=NOW)

    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.WAITING


def test_fill_hold_checks_the_item_out_to_the_holds_patron(branch):
    item, patron = make_item(), make_patron()
    hold = place_hold(patron=patron, item=item, pickup_branch=branch, now=NOW)

    loan = fill_hold(hold=hold, branch=branch, now=NOW)

    assert loan.patron == patron and loan.item == item
    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.FILLED


def test_fill_hold_refuses_a_closed_hold(branch):
    hold = Hold.objects.create(
        patron=make_patron(), item=make_item(), pickup_branch=branch, placed_at=NOW
    )
    cancel_hold(hold=hold, now=NOW)
    with pytest.raises(HoldNotOpen):
        fill_hold(hold=hold, branch=branch, now=NOW)
