"""A data key made inside a transaction that rolls back must not outlive it in the cache:
values sealed later for the same owner would be under a key no one can load again."""

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
