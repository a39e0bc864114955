"""Holds: first come, first served; the hold shelf; cancelling; expiry."""

import pytest

from custodian.circulation.errors import (
    HoldAlreadyPlaced,
    HoldNotOpen,
    HoldRefused,
    PatronCardLost,
)
from custodian.circulation.services import (
    cancel_hold,
    check_in,
    check_out,
    expire_holds,
    place_hold,
)
from custodian.records.models import Hold, Item, Patron
from tests.circulation import test_renew
from tests.circulation.desk import assert_desk_safe
from tests.circulation.test_renew import DAY
from tests.records.factories import NOW, TODAY, make_item, make_patron

pytestmark = pytest.mark.django_db

# A branch, and a loan there of one of its items: the renewal tests' fixtures.
branch = test_renew.branch
loan = test_renew.loan


@pytest.fixture
def lent_item(loan):
    return loan.item


def test_a_hold_on_a_lent_item_waits(lent_item, branch):
    patron = make_patron()
    hold = place_hold(patron=patron, item=lent_item, pickup_branch=branch, now=NOW)
    assert hold.status == Hold.Status.WAITING and hold.ready_until is None
    assert hold.patron == patron and hold.placed_at == NOW
    assert Item.objects.get(pk=lent_item.pk).status == Item.Status.ON_LOAN


def test_a_hold_on_an_item_on_the_shelf_is_pulled_at_once(branch):
    item = make_item(branch=branch)
    hold = place_hold(patron=make_patron(), item=item, pickup_branch=branch, now=NOW)
    assert hold.status == Hold.Status.READY
    assert hold.ready_until == TODAY + 7 * DAY
    assert item.status == Item.Status.ON_HOLD_SHELF
    assert Item.objects.get(pk=item.pk).status == Item.Status.ON_HOLD_SHELF


def test_one_open_hold_per_patron_and_item(lent_item, branch):
    patron = make_patron()
    place_hold(patron=patron, item=lent_item, pickup_branch=branch, now=NOW)
    with pytest.raises(HoldAlreadyPlaced) as caught:
        place_hold(patron=patron, item=lent_item, pickup_branch=branch, now=NOW)
    assert_desk_safe(caught.value, patron)
    assert Hold.objects.filter(patron=patron).count() == 1


def test_no_hold_on_an_item_the_patron_already_has(branch):
    patron, item = make_patron(), make_item()
    check_out(patron=patron, item=item, branch=branch, now=NOW)
    with pytest.raises(HoldRefused):
        place_hold(patron=patron, item=item, pickup_branch=branch, now=NOW)


@pytest.mark.parametrize("status", [Item.Status.LOST, Item.Status.WITHDRAWN])
def test_no_hold_on_items_gone_from_the_collection(branch, status):
    with pytest.raises(HoldRefused):
        place_hold(patron=make_patron(), item=make_item(status=status), pickup_branch=branch)


def test_a_lost_card_cannot_place_holds(lent_item, branch):
    patron = make_patron(status=Patron.Status.CARD_LOST)
    with pytest.raises(PatronCardLost):
        place_hold(patron=patron, item=lent_item, pickup_branch=branch, now=NOW)


def test_holds_are_filled_first_come_first_served(lent_item, branch):
    holds = [
        place_hold(patron=make_patron(), item=lent_item, pickup_branch=branch, now=NOW + n * DAY)
        for n in (2, 1, 3)
    ]
    result = check_in(item=lent_item, branch=branch, now=NOW + 5 * DAY)
    assert result.hold.pk == holds[1].pk  # placed earliest, though not created first


def test_cancelling_a_waiting_hold(lent_item, branch):
    hold = place_hold(patron=make_patron(), item=lent_item, pickup_branch=branch, now=NOW)
    cancelled = cancel_hold(hold=hold, now=NOW)
    assert cancelled.status == Hold.Status.CANCELLED
    assert hold.status == Hold.Status.CANCELLED
    assert Item.objects.get(pk=lent_item.pk).status == Item.Status.ON_LOAN


def test_cancelling_a_ready_hold_passes_the_item_on(lent_item, branch):
    first = place_hold(patron=make_patron(), item=lent_item, pickup_branch=branch, now=NOW)
    second = place_hold(patron=make_patron(), item=lent_item, pickup_branch=branch, now=NOW + DAY)
    check_in(item=lent_item, branch=branch, now=NOW + 2 * DAY)

    cancel_hold(hold=first, now=NOW + 3 * DAY)

    second.refresh_from_db()
    assert second.status == Hold.Status.READY
    assert second.ready_until == TODAY + 10 * DAY
    assert Item.objects.get(pk=lent_item.pk).status == Item.Status.ON_HOLD_SHELF


def test_cancelling_the_last_ready_hold_reshelves_the_item(branch):
    item = make_item()
    hold = place_hold(patron=make_patron(), item=item, pickup_branch=branch, now=NOW)
    cancel_hold(hold=hold, now=NOW)
    assert Item.objects.get(pk=item.pk).status == Item.Status.AVAILABLE


def test_a_closed_hold_cannot_be_cancelled(lent_item, branch):
    hold = place_hold(patron=make_patron(), item=lent_item, pickup_branch=branch, now=NOW)
    cancel_hold(hold=hold, now=NOW)
    with pytest.raises(HoldNotOpen):
        cancel_hold(hold=hold, now=NOW)


def test_uncollected_holds_expire_and_the_item_moves_on(branch):
    item = make_item()
    first = place_hold(patron=make_patron(), item=item, pickup_branch=branch, now=NOW)
    second = place_hold(patron=make_patron(), item=item, pickup_branch=branch, now=NOW + DAY)
    assert first.ready_until == TODAY + 7 * DAY

    assert expire_holds(now=NOW + 7 * DAY) == 0  # the last day to collect is still open
    assert expire_holds(now=NOW + 8 * DAY) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Hold.Status.EXPIRED
    assert second.status == Hold.Status.READY
    assert second.ready_until == TODAY + 15 * DAY
    assert Item.objects.get(pk=item.pk).status == Item.Status.ON_HOLD_SHELF

    assert expire_holds(now=NOW + 16 * DAY) == 1
    assert Item.objects.get(pk=item.pk).status == Item.Status.AVAILABLE


def test_expiry_leaves_waiting_holds_alone(lent_item, branch):
    hold = place_hold(patron=make_patron(), item=lent_item, pickup_branch=branch, now=NOW)
    assert expire_holds(now=NOW + 365 * DAY) == 0
    hold.refresh_from_db()
    assert hold.status == Hold.Status.WAITING
