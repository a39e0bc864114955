"""Marking an item lost: the item is lost, the replacement cost is charged, the loan stays
on the account as lost until the item is found and checked in (then it ends as a return
does), and erasure is no longer refused for that loan."""

import datetime as dt
from decimal import Decimal

import pytest

from custodian.circulation.errors import ItemAlreadyLost, ItemNotAvailable
from custodian.circulation.selectors import charge_outstanding
from custodian.circulation.services import (
    check_in,
    check_out,
    mark_lost,
    pay,
    set_reading_history,
)
from custodian.holds.erasure import ItemsStillOut, erase_patron
from custodian.records.models import (
    Charge,
    CirculationCount,
    Item,
    Loan,
    PastLoan,
    Patron,
    Payment,
)
from custodian.statistics.models import Tally
from tests.records.factories import NOW, make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch():
    return make_branch()


def _lend(branch, *, keeps_history=False, cost=Decimal("25.00")):
    patron = make_patron(home_branch=branch)
    if keeps_history:
        set_reading_history(patron=patron, keep=True)
    item = make_item(branch=branch, replacement_cost=cost)
    loan = check_out(patron=patron, item=item, branch=branch, now=NOW - dt.timedelta(days=30))
    return patron, item, loan


def test_the_item_is_lost_the_loan_stays_and_the_replacement_cost_is_charged(branch):
    patron, item, loan = _lend(branch, cost=Decimal("31.50"))

    result = mark_lost(loan=loan, now=NOW)

    assert Loan.objects.get(pk=loan.pk).patron_id == patron.pk
    assert Item.objects.get(pk=item.pk).status == Item.Status.LOST
    [charge] = Charge.objects.filter(patron=patron)
    assert (charge.kind, charge.amount, charge.item_id) == ("lost", Decimal("31.50"), item.pk)
    assert result.charge.pk == charge.pk
    # Not returned: nothing is counted and no history is written yet.
    assert not PastLoan.objects.filter(patron=patron).exists()
    assert not CirculationCount.objects.filter(item=item).exists()


def test_an_item_with_no_replacement_cost_is_charged_nothing(branch):
    patron, item, loan = _lend(branch, cost=Decimal("0"))
    result = mark_lost(loan=loan, now=NOW)
    assert result.charge is None
    assert not Charge.objects.filter(patron=patron).exists()


def test_a_found_item_checks_in_as_any_return_does(branch):
    patron, item, loan = _lend(branch, keeps_history=True)
    mark_lost(loan=loan, now=NOW)

    check_in(item=Item.objects.get(pk=item.pk), branch=branch, now=NOW)

    assert not Loan.objects.filter(pk=loan.pk).exists()
    assert Item.objects.get(pk=item.pk).status == Item.Status.AVAILABLE
    [past] = PastLoan.objects.filter(patron=patron)
    assert past.item_id == item.pk and past.returned_at == NOW
    assert CirculationCount.objects.get(item=item).checkouts == 1


def test_a_found_item_waives_what_is_left_of_its_replacement_charge(branch):
    patron, item, loan = _lend(branch, cost=Decimal("30.00"))
    mark_lost(loan=loan, now=NOW)
    charge = Charge.objects.get(patron=patron, kind="lost")
    pay(patron=patron, amount="12.00", method="cash", charge=charge, now=NOW)

    result = check_in(item=Item.objects.get(pk=item.pk), branch=branch, now=NOW)

    assert (result.found.waived, result.found.paid) == (Decimal("18.00"), Decimal("12.00"))
    assert charge_outstanding(charge=charge) == Decimal("0.00")
    waiver = Payment.objects.get(charge=charge, method="waived")
    assert waiver.amount == Decimal("18.00") and waiver.patron_id == patron.pk
    # Its business is done: the charge no longer names the item.
    assert Charge.objects.get(pk=charge.pk).item_id is None
    # The late return is fined as any other (the loan was 30 days out, due after 21).
    fine = Charge.objects.get(patron=patron, kind="overdue")
    assert fine.amount > 0 and result.charge.pk == fine.pk


def test_a_staff_waiver_is_not_counted_as_money_paid(branch):
    patron, item, loan = _lend(branch, cost=Decimal("30.00"))
    mark_lost(loan=loan, now=NOW)
    charge = Charge.objects.get(patron=patron, kind="lost")
    pay(patron=patron, amount="10.00", method="waived", charge=charge, now=NOW)
    pay(patron=patron, amount="5.00", method="card", charge=charge, now=NOW)

    result = check_in(item=Item.objects.get(pk=item.pk), branch=branch, now=NOW)

    assert (result.found.waived, result.found.paid) == (Decimal("15.00"), Decimal("5.00"))


def test_only_this_loans_replacement_charge_is_reversed(branch):
    patron, item, loan = _lend(branch, cost=Decimal("20.00"))
    mark_lost(loan=loan, now=NOW - dt.timedelta(days=20))
    check_in(item=Item.objects.get(pk=item.pk), branch=branch, now=NOW - dt.timedelta(days=19))
    # The same item goes out again to someone else and is lost again.
    other = make_patron(home_branch=branch)
    again = check_out(patron=other, item=item, branch=branch, now=NOW - dt.timedelta(days=10))
    mark_lost(loan=again, now=NOW)
    fresh_charge = Charge.objects.get(patron=other, kind="lost")
    assessed_before = Charge.objects.filter(patron=patron, kind="lost").values_list("pk", "amount")

    result = check_in(item=Item.objects.get(pk=item.pk), branch=branch, now=NOW)

    assert result.found.waived == Decimal("20.00")
    assert charge_outstanding(charge=fresh_charge) == Decimal("0.00")
    assert list(Charge.objects.filter(patron=patron, kind="lost").values_list("pk", "amount")) == (
        list(assessed_before)
    )
    assert Payment.objects.filter(patron=patron, method="waived").count() == 1  # the first


def test_an_ordinary_return_reverses_nothing(branch):
    patron, item, _loan = _lend(branch)
    result = check_in(item=Item.objects.get(pk=item.pk), branch=branch, now=NOW)
    assert result.found is None
    assert not Payment.objects.filter(patron=patron).exists()


def test_it_is_not_counted_as_a_return(branch):
    _patron, _item, loan = _lend(branch)
    returns = Tally.objects.filter(act="return").count()
    mark_lost(loan=loan, now=NOW)
    assert Tally.objects.filter(act="return").count() == returns


def test_twice_is_refused_and_a_lost_item_cannot_go_out_again(branch):
    patron, item, loan = _lend(branch)
    mark_lost(loan=loan, now=NOW)
    with pytest.raises(ItemAlreadyLost):
        mark_lost(loan=loan, now=NOW)
    assert Charge.objects.filter(patron=patron).count() == 1
    with pytest.raises(ItemNotAvailable):
        check_out(patron=make_patron(home_branch=branch), item=item, branch=branch)


def test_erasure_is_refused_while_out_and_allowed_once_marked_lost(branch):
    patron, item, loan = _lend(branch)
    with pytest.raises(ItemsStillOut):
        erase_patron(patron=patron, actor="clerk", role="desk", reason="patron_asked")

    mark_lost(loan=loan, now=NOW)
    erase_patron(patron=patron, actor="clerk", role="desk", reason="patron_asked")

    assert not Patron.objects.filter(pk=patron.pk).exists()
    # The money stays for the accounts, with no person; the item stays lost.
    [charge] = Charge.objects.filter(item=item)
    assert charge.patron_id is None and charge.amount == Decimal("25.00")
    assert Item.objects.get(pk=item.pk).status == Item.Status.LOST
