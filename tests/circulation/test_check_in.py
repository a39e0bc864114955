"""Check-in: the patron-item link is severed unless the patron keeps reading history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models

from custodian.circulation.errors import ItemNotOnLoan
from custodian.circulation.services import check_in, check_out, place_hold, set_reading_history
from custodian.records.models import (
    Charge,
    CirculationCount,
    Hold,
    Item,
    Loan,
    PastLoan,
    Patron,
)
from tests.records.factories import NOW, TODAY, make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def branch():
    return make_branch()


def _relates_to(model, target):
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey | models.OneToOneField | models.ManyToManyField)
        and f.related_model is target
    ]


def links_between(patron, item):
    """Every row in any record table whose patron column is this patron and whose item
    column is this item: the records that say 'this patron borrowed this item'."""
    found = []
    for model in apps.get_app_config("records").get_models():
        for patron_field in _relates_to(model, Patron):
            for item_field in _relates_to(model, Item):
                rows = model.objects.filter(**{patron_field: patron, item_field: item})
                found += [(model.__name__, row.pk) for row in rows]
    return found


def test_check_in_of_an_item_not_on_loan_is_refused(branch):
    with pytest.raises(ItemNotOnLoan):
        check_in(item=make_item(), branch=branch, now=NOW)


def test_after_check_in_nothing_links_the_patron_to_the_item(branch):
    patron, item = make_patron(), make_item(branch=branch)
    check_out(patron=patron, item=item, branch=branch, now=NOW)
    assert links_between(patron, item) == [("Loan", Loan.objects.get().pk)]

    result = check_in(item=item, branch=branch, now=NOW + 3 * DAY)

    assert links_between(patron, item) == []
    assert not Loan.objects.filter(patron=patron).exists()
    assert not PastLoan.objects.filter(patron=patron).exists()
    assert not Charge.objects.filter(patron=patron).exists()
    # The statistic that stays cannot name anyone: it has no column that leads to a patron.
    assert _relates_to(CirculationCount, Patron) == []
    assert CirculationCount.objects.get(item=item).checkouts == 1
    assert result.history_kept is False
    assert result.charge is None and result.days_overdue == 0
    assert item.status == Item.Status.AVAILABLE


def test_the_link_finder_would_see_a_link(branch):
    """Guard for the test above: links_between finds a PastLoan when one exists."""
    patron, item = make_patron(keeps_reading_history=True), make_item()
    check_out(patron=patron, item=item, branch=branch, now=NOW)
    check_in(item=item, branch=branch, now=NOW + DAY)
    assert [name for name, _ in links_between(patron, item)] == ["PastLoan"]


def test_patrons_who_opted_in_keep_a_past_loan(branch):
    patron, item = make_patron(keeps_reading_history=True), make_item()
    check_out(patron=patron, item=item, branch=branch, now=NOW)

    result = check_in(item=item, branch=branch, now=NOW + 2 * DAY)

    past = PastLoan.objects.get(patron=patron)
    assert past.item == item
    assert past.checked_out_at == NOW and past.returned_at == NOW + 2 * DAY
    assert result.history_kept is True
    assert not Loan.objects.exists()


def test_opting_out_later_deletes_what_was_kept(branch):
    patron, item = make_patron(keeps_reading_history=True), make_item()
    check_out(patron=patron, item=item, branch=branch, now=NOW)
    check_in(item=item, branch=branch, now=NOW + DAY)

    set_reading_history(patron=patron, keep=False)

    assert links_between(patron, item) == []


def test_overdue_items_are_fined_by_the_day(branch):
    patron, item = make_patron(), make_item()
    loan = check_out(patron=patron, item=item, branch=branch, now=NOW, loan_days=7)

    result = check_in(item=item, branch=branch, now=NOW + 10 * DAY)

    assert result.days_overdue == 3
    assert result.charge.amount == Decimal("0.75")
    assert result.charge.kind == Charge.Kind.OVERDUE
    assert result.charge.patron == patron
    assert loan.due_on == TODAY + 7 * DAY
    # The documented exception: an unpaid fine names the item it is for (see docs/records.md).
    assert result.charge.item == item
    assert links_between(patron, item) == [("Charge", result.charge.pk)]


def test_overdue_fines_are_capped(branch):
    item = make_item()
    check_out(patron=make_patron(), item=item, branch=branch, now=NOW, loan_days=1)
    result = check_in(item=item, branch=branch, now=NOW + 400 * DAY)
    assert result.charge.amount == Decimal("10.00")


def test_the_rate_and_cap_are_parameters(branch):
    item = make_item()
    check_out(patron=make_patron(), item=item, branch=branch, now=NOW, loan_days=1)
    result = check_in(
        item=item,
        branch=branch,
        now=NOW + 6 * DAY,
        overdue_rate=Decimal("0.10"),
        overdue_cap=Decimal("0.30"),
    )
    assert result.days_overdue == 5 and result.charge.amount == Decimal("0.30")


def test_a_fine_free_library_charges_nothing(branch):
    item = make_item()
    check_out(patron=make_patron(), item=item, branch=branch, now=NOW, loan_days=1)
    result = check_in(item=item, branch=branch, now=NOW + 6 * DAY, overdue_rate=Decimal(0))
    assert result.days_overdue == 5 and result.charge is None
    assert not Charge.objects.exists()


def test_returned_on_the_due_date_is_not_late(branch):
    item = make_item()
    check_out(patron=make_patron(), item=item, branch=branch, now=NOW, loan_days=3)
    result = check_in(item=item, branch=branch, now=NOW + 3 * DAY)
    assert result.days_overdue == 0 and result.charge is None


def test_the_count_is_per_item_branch_and_check_out_day(branch):
    other_branch = make_branch()
    item = make_item(branch=branch)
    for when, where in [(NOW, branch), (NOW + DAY / 24, branch), (NOW, other_branch)]:
        check_out(patron=make_patron(), item=item, branch=where, now=when)
        check_in(item=item, branch=branch, now=when + 5 * DAY)
    check_out(patron=make_patron(), item=item, branch=branch, now=NOW + 2 * DAY)
    check_in(item=item, branch=branch, now=NOW + 9 * DAY)

    counts = {(c.branch_id, c.day): c.checkouts for c in CirculationCount.objects.filter(item=item)}
    assert counts == {
        (branch.pk, TODAY): 2,
        (other_branch.pk, TODAY): 1,
        (branch.pk, TODAY + 2 * DAY): 1,
    }


def test_a_returned_item_goes_to_the_hold_shelf_for_the_next_patron(branch):
    item = make_item(branch=branch)
    borrower, first, second = make_patron(), make_patron(), make_patron()
    check_out(patron=borrower, item=item, branch=branch, now=NOW)
    first_hold = place_hold(patron=first, item=item, pickup_branch=branch, now=NOW + DAY)
    place_hold(patron=second, item=item, pickup_branch=branch, now=NOW + 2 * DAY)

    result = check_in(item=item, branch=branch, now=NOW + 5 * DAY)

    assert result.hold.pk == first_hold.pk
    assert result.hold.status == Hold.Status.READY
    assert result.hold.ready_until == TODAY + 5 * DAY + 7 * DAY
    assert result.transit_to is None
    assert Item.objects.get(pk=item.pk).status == Item.Status.ON_HOLD_SHELF
    assert Hold.objects.filter(item=item, status=Hold.Status.WAITING).count() == 1


def test_a_hold_for_another_branch_says_where_to_send_the_item(branch):
    elsewhere = make_branch()
    item = make_item(branch=branch)
    check_out(patron=make_patron(), item=item, branch=branch, now=NOW)
    place_hold(patron=make_patron(), item=item, pickup_branch=elsewhere, now=NOW)

    result = check_in(item=item, branch=branch, now=NOW + DAY, hold_shelf_days=3)

    assert result.transit_to == elsewhere
    assert result.hold.ready_until == TODAY + 4 * DAY


def test_a_blocked_patron_can_still_return_things(branch):
    patron, item = make_patron(), make_item()
    check_out(patron=patron, item=item, branch=branch, now=NOW)
    Patron.objects.filter(pk=patron.pk).update(status=Patron.Status.BLOCKED)

    check_in(item=item, branch=branch, now=NOW + DAY)

    assert not Loan.objects.exists()
