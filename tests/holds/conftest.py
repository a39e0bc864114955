import pytest

from custodian.accounts.models import Role
from custodian.disclosure.models import Case, DisclosureRequest
from tests.door import library


@pytest.fixture
def branch(db):
    return library.branch()


@pytest.fixture
def director(branch):
    return library.staff(Role.DIRECTOR, "director", at=branch)


@pytest.fixture
def designee(branch):
    return library.staff(Role.DESIGNEE, "designee", at=branch)


@pytest.fixture
def clerk(branch):
    return library.staff(Role.DESK, "clerk", at=branch)


@pytest.fixture
def it_admin(branch):
    return library.staff(Role.IT_ADMIN, "itadmin", at=branch)


@pytest.fixture
def auditor(branch):
    return library.staff(Role.AUDITOR, "auditor", at=branch)


@pytest.fixture
def manager(branch):
    return library.staff(Role.BRANCH_MANAGER, "manager", at=branch)


@pytest.fixture
def patron(branch):
    return library.patron(home=branch)


def make_case(*, patron, by, sealed: bool = False) -> Case:
    """A subpoena (sealed: under a nondisclosure order) referred to the director."""
    req = DisclosureRequest.objects.create(
        profile="sonoma-county",
        requester_kind="law_enforcement",
        channel="written",
        patron_ref=patron.ref if patron else None,
        instrument_type="subpoena",
        instrument_signed_by="clerk",
        instrument_court="state",
        nondisclosure=sealed,
        requested=["loans.titles"],
        decision={"outcome": "refer"},
        outcome="refer",
        refer_to="director",
        sealed=sealed,
        created_by=by,
    )
    return Case.objects.create(
        request=req,
        kind="referral",
        assigned_role="director",
        sealed=sealed,
        decision={"outcome": "refer"},
    )


@pytest.fixture
def case(patron, director):
    return make_case(patron=patron, by=director)


@pytest.fixture
def sealed_case(patron, director):
    return make_case(patron=patron, by=director, sealed=True)
