"""Renewal: more time, unless someone is waiting or the limit is reached."""

import datetime as dt

import pytest

from custodian.circulation.errors import (
    ItemNotOnLoan,
    ItemWanted,
    PatronBlocked,
    RenewalLimitReached,
    RenewalRefused,
)
from custodian.circulation.services import check_in, check_out, place_hold, renew
from custodian.records.models import Loan, Patron
from tests.circulation.desk import assert_desk_safe
from tests.records.factories import NOW, TODAY, make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def branch():
    return make_branch()


@pytest.fixture
def loan(branch):
    """A loan at `branch` of one of its items."""
    return check_out(patron=make_patron(), item=make_item(branch=branch), branch=branch, now=NOW)


def test_renewal_gives_a_new_loan_period_from_today(loan):
    renewed = renew(loan=loan, now=NOW + 20 * DAY)
    assert renewed.due_on == TODAY + 41 * DAY
    assert renewed.renewals == 1
    assert loan.due_on == renewed.due_on and loan.renewals == 1  # caller's copy kept current
    assert Loan.objects.get(pk=loan.pk).renewals == 1


def test_renewing_early_never_shortens_the_loan(loan):
    renewed = renew(loan=loan, now=NOW, loan_days=7)
    assert renewed.due_on == TODAY + 21 * DAY


def test_renewals_stop_at_the_limit(loan):
    for n in range(3):
        renew(loan=loan, now=NOW + n * DAY)
    with pytest.raises(RenewalLimitReached) as caught:
        renew(loan=loan, now=NOW + 3 * DAY)
    assert_desk_safe(caught.value, loan.patron)
    assert Loan.objects.get(pk=loan.pk).renewals == 3


def test_the_limit_is_a_parameter(loan):
    with pytest.raises(RenewalLimitReached):
        renew(loan=loan, now=NOW, max_renewals=0)


def test_no_renewal_when_someone_is_waiting(loan, branch):
    waiting = make_patron()
    place_hold(patron=waiting, item=loan.item, pickup_branch=branch, now=NOW)
    with pytest.raises(ItemWanted) as caught:
        renew(loan=loan, now=NOW + DAY)
    assert isinstance(caught.value, RenewalRefused)
    assert_desk_safe(caught.value, loan.patron, waiting)
    assert Loan.objects.get(pk=loan.pk).renewals == 0


def test_blocked_patrons_cannot_renew(loan):
    Patron.objects.filter(pk=loan.patron_id).update(status=Patron.Status.BLOCKED)
    with pytest.raises(PatronBlocked):
        renew(loan=loan, now=NOW + DAY)


def test_a_returned_loan_cannot_be_renewed(loan, branch):
    check_in(item=loan.item, branch=branch, now=NOW + DAY)
    with pytest.raises(ItemNotOnLoan):
        renew(loan=loan, now=NOW + DAY)
