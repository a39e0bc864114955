"""A data key made in a transaction that rolled back must not outlive it in the cache:
not outside a transaction, not in the same thread's *next* transaction (as every service
writes), nor after a savepoint that made it rolled back (tests run inside one); and a key
whose transaction is still open is not used by another thread."""

import threading
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


def test_a_key_made_in_a_rolled_back_transaction_is_made_again_and_stored():
    owner = uuid.uuid4()
    with pytest.raises(Rollback), transaction.atomic():
        sealing.seal(owner, LABEL, "before")
        assert DataKey.objects.filter(owner_ref=owner).exists()
        raise Rollback
    assert not DataKey.objects.filter(owner_ref=owner).exists()

    sealed = sealing.seal(owner, LABEL, "after")

    # The key it was sealed under is stored: a process with an empty cache opens it.
    assert DataKey.objects.filter(owner_ref=owner).exists()
    sealing.clear_cache()
    assert sealing.open_sealed(sealed, LABEL) == "after"


def test_a_committed_key_stays_cached_and_opens_after_the_cache_is_emptied():
    owner = uuid.uuid4()
    with transaction.atomic():
        sealed = sealing.seal(owner, LABEL, "kept")
    assert sealing._cache.get(owner) is not None  # confirmed at commit
    sealing.clear_cache()
    assert sealing.open_sealed(sealed, LABEL) == "kept"


def test_another_thread_does_not_use_a_key_whose_transaction_is_still_open():
    owner = uuid.uuid4()
    seen = []
    with transaction.atomic():
        sealing.seal(owner, LABEL, "pending")
        worker = threading.Thread(target=lambda: seen.append(sealing._cache.get(owner)))
        worker.start()
        worker.join()
    assert seen == [None]
    assert sealing._cache.get(owner) is not None
