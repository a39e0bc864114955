import datetime as dt

import pytest
from django.utils import timezone

from custodian.accounts.models import Role
from custodian.circulation import services as circulation
from tests.door import library


@pytest.fixture
def main_branch(db):
    return library.branch()


@pytest.fixture
def clerk(main_branch):
    return library.staff(Role.DESK, "clerk", at=main_branch)


@pytest.fixture
def it_admin(main_branch):
    return library.staff(Role.IT_ADMIN, "itadmin", at=main_branch)


@pytest.fixture
def auditor(main_branch):
    return library.staff(Role.AUDITOR, "auditor", at=main_branch)


@pytest.fixture
def rosalind(main_branch):
    """An adult patron with two loans (one overdue), a hold and an overdue fine."""
    patron = library.patron(home=main_branch)
    overdue = library.item("3900000000001", "The Overdue Almanac", at=main_branch)
    current = library.item("3900000000002", "A Current Novel", at=main_branch)
    wanted = library.item("3900000000003", "A Wanted Atlas", at=main_branch)
    library.item("3900000000004", "On The Shelf", at=main_branch)
    now = timezone.now()
    circulation.check_out(
        patron=patron, item=overdue, branch=main_branch, now=now - dt.timedelta(days=25)
    )
    circulation.check_out(patron=patron, item=current, branch=main_branch, now=now)
    other = library.patron(card_number="21234000099999", first_name="Other", last_name="Reader")
    circulation.check_out(patron=other, item=wanted, branch=main_branch, now=now)
    circulation.place_hold(patron=patron, item=wanted, pickup_branch=main_branch, now=now)
    circulation.assess_charge(patron=patron, kind="overdue", amount="1.50", item=overdue, now=now)
    return patron
