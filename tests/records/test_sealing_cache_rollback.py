"""A data key made in a transaction that rolled back must not be used by the same
thread's *next* transaction, nor after a savepoint that made it rolled back (the common case:
every service writes inside transaction.atomic, and tests run inside one)."""

import uuid

import pytest
from django.db import transaction

from custodian.records import sealing
from custodian.records.models import DataKey

pytestmark = pytest.mark.django_db(transaction=True)

LABEL = "records.patron.first_name"


class Rollback(Exception):
    pass


def test_the_next_transaction_does_not_reuse_a_rolled_back_key():
    owner = uuid.uuid4()
    with pytest.raises(Rollback), transaction.atomic():
        sealing.seal(owner, LABEL, "before")
        raise Rollback
    with transaction.atomic():  # as every service writes
        sealed = sealing.seal(owner, LABEL, "after")
    assert DataKey.objects.filter(owner_ref=owner).exists()
    sealing.clear_cache()
    assert sealing.open_sealed(sealed, LABEL) == "after"


def test_a_savepoint_rolled_back_does_not_leave_its_key_in_use():
    owner = uuid.uuid4()
    with transaction.atomic():
        with pytest.raises(Rollback), transaction.atomic():
            sealing.seal(owner, LABEL, "before")
            raise Rollback
        sealed = sealing.seal(owner, LABEL, "after")
    assert DataKey.objects.filter(owner_ref=owner).exists()
    sealing.clear_cache()
    assert sealing.open_sealed(sealed, LABEL) == "after"


def test_another_savepoints_rollback_keeps_the_pending_key_and_commit_confirms_it():
    owner = uuid.uuid4()
    with transaction.atomic():
        sealing.seal(owner, LABEL, "first")
        cipher = sealing._cache.get(owner)
        with pytest.raises(Rollback), transaction.atomic():
            raise Rollback  # Django replaces its on_commit list here
        assert sealing._cache.get(owner) is cipher
    assert sealing._cache.items[owner][2] is None  # confirmed at commit
