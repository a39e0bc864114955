"""Each of LegalHold's rules is the database's: a row breaking one is refused there."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from custodian.holds.models import LegalHold

pytestmark = pytest.mark.django_db


def _hold(patron, director, **kw):
    values = {
        "patron": patron,
        "reason": "Preservation letter",
        "placed_by": director,
        "placed_at": timezone.now() - dt.timedelta(days=1),
    }
    values.update(kw)
    return LegalHold(**values)


def _refused(hold, constraint):
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        # bulk_create skips Model.full_clean: only the database stands in the way.
        LegalHold.objects.bulk_create([hold])
    assert constraint in str(refused.value)


def test_a_good_hold_is_accepted(patron, director):
    LegalHold.objects.bulk_create([_hold(patron, director)])
    assert LegalHold.objects.count() == 1


def test_a_hold_needs_a_reason(patron, director):
    _refused(_hold(patron, director, reason=""), "legal_hold_has_reason")


def test_the_range_is_in_order(patron, director):
    today = timezone.localdate()
    _refused(
        _hold(patron, director, records_from=today, records_until=today - dt.timedelta(days=1)),
        "legal_hold_range_in_order",
    )


def test_a_release_records_who_and_why(patron, director):
    now = timezone.now()
    _refused(_hold(patron, director, released_at=now), "legal_hold_release_recorded")
    _refused(
        _hold(patron, director, released_at=now, released_by=director, release_reason=""),
        "legal_hold_release_recorded",
    )


def test_a_release_comes_after_placing(patron, director):
    now = timezone.now()
    _refused(
        _hold(
            patron,
            director,
            placed_at=now,
            released_at=now - dt.timedelta(hours=1),
            released_by=director,
            release_reason="Withdrawn",
        ),
        "legal_hold_released_after_placed",
    )


def test_a_hold_in_force_names_its_patron(director):
    _refused(_hold(None, director), "legal_hold_active_names_patron")


def test_a_released_hold_may_name_no_one_once_the_patron_is_erased(director):
    now = timezone.now()
    LegalHold.objects.bulk_create(
        [
            _hold(
                None,
                director,
                placed_at=now - dt.timedelta(hours=1),
                released_at=now,
                released_by=director,
                release_reason="The case closed",
            )
        ]
    )
    assert LegalHold.objects.get().patron_id is None


def test_a_held_patron_cannot_be_deleted_behind_erasure(patron, director):
    from django.db.models import ProtectedError

    LegalHold.objects.bulk_create([_hold(patron, director)])
    with pytest.raises(ProtectedError), transaction.atomic():
        patron.delete()
