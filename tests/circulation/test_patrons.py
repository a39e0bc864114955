"""Registration records: patrons and PINs, responsible parties, authorisations, history opt-in."""

import datetime as dt

import pytest
from argon2 import PasswordHasher
from django.contrib.auth.hashers import make_password

from custodian.circulation.errors import (
    AuthorizationAlreadyRevoked,
    CardNumberTaken,
    InvalidPin,
    InvalidRecord,
)
from custodian.circulation.services import (
    add_responsible_party,
    check_in,
    check_out,
    record_authorization,
    register_patron,
    revoke_authorization,
    set_pin,
    set_reading_history,
    verify_pin,
)
from custodian.records.models import PastLoan, Patron
from tests.circulation.desk import assert_desk_safe
from tests.records.factories import NOW, make_branch, make_item, make_patron

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def branch():
    return make_branch()


def _register(branch, **overrides):
    values = dict(
        card_number="21000000009999",
        first_name="Grace",
        last_name="Borrower",
        home_branch=branch,
        pin="4821",
        registered_on=dt.date(2026, 1, 15),
    )
    values.update(overrides)
    return register_patron(**values)


def test_register_patron_keeps_the_pin_only_as_an_argon2_hash(branch):
    patron = _register(branch, email="g@example.org", birth_date=dt.date(1990, 5, 1))

    stored = Patron.objects.get(pk=patron.pk)
    assert stored.pin_hash.startswith("$argon2id$")
    row = Patron.objects.filter(pk=patron.pk).values().get()
    assert not any("4821" in str(value) for value in row.values())
    assert stored.expires_on == dt.date(2029, 1, 15)  # three years by default
    assert stored.keeps_reading_history is False  # privacy by default
    assert stored.status == Patron.Status.ACTIVE
    assert stored.email == "g@example.org"


def test_the_pin_verifies_and_a_wrong_one_does_not(branch):
    patron = _register(branch)
    assert verify_pin(patron=patron, pin="4821") is True
    assert verify_pin(patron=patron, pin="4822") is False
    assert verify_pin(patron=patron, pin="") is False


def test_no_pin_means_no_pin_login(branch):
    patron = _register(branch, pin=None)
    assert patron.pin_hash == ""
    assert verify_pin(patron=patron, pin="") is False
    assert verify_pin(patron=patron, pin="0000") is False


@pytest.mark.parametrize("pin", ["", "123", "x" * 65, 1234])
def test_pins_have_a_sensible_length(branch, pin):
    with pytest.raises(InvalidPin):
        _register(branch, pin=pin)
    assert not Patron.objects.exists()


def test_a_pin_hashed_by_django_also_verifies(branch):
    """The generator may hash with Django's Argon2 hasher ("argon2$argon2id$...")."""
    patron = make_patron(pin_hash=make_password("7777"))
    assert patron.pin_hash.startswith("argon2$argon2id$")
    assert verify_pin(patron=patron, pin="7777") is True
    assert verify_pin(patron=patron, pin="7778") is False


def test_a_hash_with_old_parameters_is_upgraded_on_use(branch):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("2468")
    patron = make_patron(pin_hash=weak)
    assert verify_pin(patron=patron, pin="2468") is True
    upgraded = Patron.objects.get(pk=patron.pk).pin_hash
    assert upgraded != weak and upgraded.startswith("$argon2id$")
    assert verify_pin(patron=Patron.objects.get(pk=patron.pk), pin="2468") is True


def test_set_pin_replaces_the_hash(branch):
    patron = _register(branch)
    set_pin(patron=patron, pin="1357")
    fresh = Patron.objects.get(pk=patron.pk)
    assert verify_pin(patron=fresh, pin="1357") and not verify_pin(patron=fresh, pin="4821")


def test_card_numbers_are_not_reused(branch):
    first = _register(branch)
    with pytest.raises(CardNumberTaken) as caught:
        _register(branch, first_name="Other", pin=None)
    assert_desk_safe(caught.value, first)
    assert Patron.objects.count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        dict(card_number="  "),
        dict(first_name=""),
        dict(last_name=" "),
        dict(expires_on=dt.date(2025, 1, 1)),
    ],
)
def test_registration_needs_the_basics(branch, overrides):
    with pytest.raises(InvalidRecord):
        _register(branch, pin=None, **overrides)


def test_responsible_parties(branch):
    child = make_patron(birth_date=dt.date(2017, 4, 1))
    parent = add_responsible_party(
        patron=child,
        name="Pat Parent",
        relationship="parent",
        financially_responsible=True,
        signed_on=dt.date(2026, 1, 2),
    )
    assert parent.patron == child and parent.financially_responsible
    with pytest.raises(InvalidRecord):
        add_responsible_party(
            patron=child, name="Unsigned", relationship="guardian", financially_responsible=True
        )
    with pytest.raises(InvalidRecord):
        add_responsible_party(patron=child, name="X", relationship="neighbour")
    with pytest.raises(InvalidRecord):
        add_responsible_party(patron=child, name=" ", relationship="parent")
    caretaker = add_responsible_party(patron=child, name="Cara", relationship="caretaker")
    assert not caretaker.financially_responsible and caretaker.signed_on is None


def test_authorisations_are_recorded_and_revoked():
    patron = make_patron()
    auth = record_authorization(
        patron=patron,
        agent_name="Home aide",
        fields=["loans.titles", "holds.titles", "loans.titles"],
        signed_on=dt.date(2026, 2, 1),
        expires_on=dt.date(2026, 8, 1),
    )
    assert auth.fields == ["holds.titles", "loans.titles"]
    assert auth.revoked_at is None

    revoke_authorization(authorization=auth, now=NOW)
    assert auth.revoked_at == NOW
    with pytest.raises(AuthorizationAlreadyRevoked):
        revoke_authorization(authorization=auth, now=NOW)


@pytest.mark.parametrize(
    "overrides",
    [
        dict(fields=[]),
        dict(fields=[""]),
        dict(fields="loans.titles"),
        dict(agent_name=""),
        dict(expires_on=dt.date(2026, 1, 31)),
    ],
)
def test_an_authorisation_names_who_and_what(overrides):
    values = dict(
        patron=make_patron(),
        agent_name="Agent",
        fields=["loans.titles"],
        signed_on=dt.date(2026, 2, 1),
    )
    values.update(overrides)
    with pytest.raises(InvalidRecord):
        record_authorization(**values)


def _history(patron, branch, n):
    for i in range(n):
        item = make_item()
        check_out(patron=patron, item=item, branch=branch, now=NOW + i * DAY)
        check_in(item=item, branch=branch, now=NOW + (i + 1) * DAY)


def test_opting_in_keeps_history_from_then_on(branch):
    patron = make_patron()
    _history(patron, branch, 1)
    assert set_reading_history(patron=patron, keep=True) == 0
    assert patron.keeps_reading_history
    assert Patron.objects.get(pk=patron.pk).keeps_reading_history
    _history(patron, branch, 2)
    assert PastLoan.objects.filter(patron=patron).count() == 2  # nothing from before


def test_opting_out_deletes_this_patrons_history_only(branch):
    patron, other = make_patron(keeps_reading_history=True), make_patron(keeps_reading_history=True)
    _history(patron, branch, 3)
    _history(other, branch, 2)

    assert set_reading_history(patron=patron, keep=False) == 3

    assert not PastLoan.objects.filter(patron=patron).exists()
    assert PastLoan.objects.filter(patron=other).count() == 2
    assert not Patron.objects.get(pk=patron.pk).keeps_reading_history
    _history(patron, branch, 1)
    assert not PastLoan.objects.filter(patron=patron).exists()
