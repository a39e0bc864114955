"""Failed sign-ins keep no clear-text copy of a username that is no staff member's.

People type card numbers into the username field. The attack: after someone signs in with
their card number by mistake, read every table and the log output for it.
"""

import logging

import pytest
from django.db import connection

from custodian.accounts.models import Role
from custodian.accounts.throttle import UNKNOWN_PREFIX, hashed_username
from tests.door import library

LOGIN = "/staff/login/"
CARD = "21234000098765"


def _tables_containing(text: str) -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    return found


@pytest.fixture
def clerk(db):
    return library.staff(Role.DESK, "clerk")


def test_a_card_number_typed_as_username_is_nowhere_in_the_database_or_log(client, clerk, caplog):
    caplog.set_level(logging.DEBUG)
    # The scan can see what a failed sign-in leaves: a staff username's failure is kept.
    client.post(LOGIN, {"username": "clerk", "password": "wrong"})
    assert "axes_accessattempt" in _tables_containing("clerk")

    for _ in range(5):  # enough to be locked out, which logs too
        client.post(LOGIN, {"username": CARD, "password": "wrong"})

    assert _tables_containing(CARD) == []
    assert "AXES: Locking out" in caplog.text  # axes did log the attempts and the lock-out
    assert CARD not in caplog.text
    assert _tables_containing(hashed_username(CARD)) == ["axes_accessattempt"]


def test_unknown_usernames_are_still_throttled(client, clerk):
    for _ in range(5):
        client.post(LOGIN, {"username": CARD, "password": "wrong"})
    response = client.post(LOGIN, {"username": CARD, "password": "wrong"})
    assert response.status_code == 429
    # Counted per typed text: another mistyped name at the same terminal is not locked...
    response = client.post(LOGIN, {"username": "21234000011111", "password": "wrong"})
    assert response.status_code == 200
    # ...nor is the clerk.
    response = client.post(LOGIN, {"username": "clerk", "password": library.PASSWORD})
    assert response.status_code == 302


def test_known_usernames_are_throttled_under_their_own_name(client, clerk):
    for _ in range(5):
        client.post(LOGIN, {"username": "clerk", "password": "wrong"})
    response = client.post(LOGIN, {"username": "clerk", "password": library.PASSWORD})
    assert response.status_code == 429
    from axes.models import AccessAttempt

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["clerk"]


def test_the_hash_is_keyed_with_the_secret_key(settings):
    """A plain hash of a 14-digit card number with a known prefix is reversed by trying them
    all; a key the attacker does not hold stops that."""
    first = hashed_username(CARD)
    assert first.startswith(UNKNOWN_PREFIX) and CARD not in first
    assert hashed_username(CARD) == first
    settings.SECRET_KEY = "another-installation-secret-key-0123456789-abcdefghijklmnop"
    assert hashed_username(CARD) != first
