"""Concurrent failed sign-ins on one card: real threads, each with its own connection, so
the database (not the test's wrapping transaction) counts. Every try must be counted, and
the lock must be taken at the limit, never skipped by two tries passing each other.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import pytest
from django.utils import timezone

from custodian.portal import services_signin as signin
from custodian.portal.models import SignInThrottle
from tests.circulation.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_failures_are_each_counted_and_lock_at_the_limit():
    key = signin.card_key("29999000000077")
    now = timezone.now()
    tries = signin.CARD_LIMIT + 2
    results = race(
        [lambda: signin._count_failure(key, now, limit=signin.CARD_LIMIT)] * tries, timeout=120
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    row = SignInThrottle.objects.get(key=key)
    assert row.failures == tries
    assert row.locked_at is not None
    # The tries that brought the count to the limit or beyond all see the lock.
    assert sum(results) >= tries - signin.CARD_LIMIT + 1
