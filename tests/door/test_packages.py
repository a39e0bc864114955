"""`door.read_package`: who may see a stored disclosure package, all or nothing, audited."""

import pytest
from django.test import override_settings

from custodian import door
from custodian.accounts.models import Role
from custodian.audit.models import AuditEntry
from tests.door import library

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("main_branch")]

HISTORY = ["history.titles"]


def _last():
    return AuditEntry.objects.order_by("-seq").first()


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.DESIGNEE])
def test_a_custodian_of_records_may_open_a_package(rosalind, role):
    reader = door.Reader.staff(library.staff(role, f"{role}-1"))
    ruling = door.read_package(reader=reader, patron_ref=rosalind.ref, fields=HISTORY)
    assert ruling.complete and ruling.outcome == "release"
    entry = _last()
    assert (entry.action, entry.fields, entry.outcome, entry.purpose) == (
        "read_package",
        HISTORY,
        "release",
        "disclosure",
    )
    assert entry.patron_ref == str(rosalind.ref)


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
@pytest.mark.parametrize("role", [Role.DESK, Role.BRANCH_MANAGER, Role.IT_ADMIN, Role.AUDITOR])
def test_any_other_role_is_refused_and_the_refusal_names_the_fields(rosalind, role):
    reader = door.Reader.staff(library.staff(role, f"{role}-1"))
    # Even current loans, which the desk may read on the account: a package is not the account.
    ruling = door.read_package(reader=reader, patron_ref=rosalind.ref, fields=["loans.titles"])
    assert not ruling.complete and ruling.released == () and ruling.outcome == "deny"
    assert "Director and designees" in ruling.explanation
    entry = _last()
    assert (entry.action, entry.fields, entry.outcome) == ("read_package", ["loans.titles"], "deny")


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_the_hand_over_is_still_bound_by_need_to_know_and_is_all_or_nothing(rosalind):
    reader = door.Reader.staff(library.staff(Role.DESK, "clerk-2"))
    ok = door.read_package(
        reader=reader, patron_ref=rosalind.ref, fields=["loans.titles"], hand_over=True
    )
    assert ok.complete
    mixed = door.read_package(
        reader=reader,
        patron_ref=rosalind.ref,
        fields=["loans.titles", "history.titles"],
        hand_over=True,
    )
    assert not mixed.complete and mixed.released == () and mixed.outcome == "deny"
    assert _last().fields == ["loans.titles", "history.titles"]


def test_a_patron_never_opens_a_package(rosalind):
    reader = door.Reader.patron(rosalind.ref)
    ruling = door.read_package(reader=reader, patron_ref=rosalind.ref, fields=HISTORY)
    assert not ruling.complete and _last().role == "patron" and _last().outcome == "deny"


def test_unknown_fields_are_refused_before_anything_is_audited(rosalind):
    reader = door.Reader.staff(library.staff(Role.DIRECTOR, "dir-2"))
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="unknown patron-record field"):
        door.read_package(reader=reader, patron_ref=rosalind.ref, fields=["history.everything"])
    assert AuditEntry.objects.count() == before
