"""The rules record data must keep hold in the database itself, not only in forms."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from custodian.records.models import Branch, Patron

pytestmark = pytest.mark.django_db


def make_patron(**overrides):
    branch = Branch.objects.get_or_create(code="MAIN", defaults={"name": "Main"})[0]
    values = dict(
        card_number="21000000000001",
        first_name="Ada",
        last_name="Reader",
        home_branch=branch,
        registered_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2028, 1, 1),
    )
    values.update(overrides)
    return Patron.objects.create(**values)


def test_patron_expiry_cannot_precede_registration():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_patron(expires_on=dt.date(2024, 1, 1))


def test_patron_card_numbers_are_unique():
    make_patron()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_patron(first_name="Other")


def test_patron_str_never_shows_the_name():
    patron = make_patron()
    assert "Ada" not in str(patron) and "Reader" not in str(patron)
    assert str(patron.ref) in str(patron)
