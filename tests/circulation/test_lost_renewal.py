"""A loan whose item is marked lost must not be renewed (desk, kiosk "renew all",
SIP2, the patron's own page): it would push the due date of an item the library has
written off and count a renewal in the statistics."""

import datetime as dt
from decimal import Decimal

import pytest

from custodian.circulation.errors import CirculationError
from custodian.circulation.services import check_out, mark_lost, renew
from custodian.records.models import Loan
from tests.records.factories import NOW, make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db


def test_a_lost_loan_cannot_be_renewed():
    branch = make_branch()
    patron = make_patron(home_branch=branch)
    item = make_item(branch=branch, replacement_cost=Decimal("25.00"))
    loan = check_out(patron=patron, item=item, branch=branch, now=NOW - dt.timedelta(days=30))
    mark_lost(loan=loan, now=NOW)
    due = Loan.objects.get(pk=loan.pk).due_on
    with pytest.raises(CirculationError):
        renew(loan=loan, now=NOW)
    assert Loan.objects.get(pk=loan.pk).due_on == due
