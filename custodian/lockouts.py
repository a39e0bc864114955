"""Counting wrong tries until a lock, for the patron's card and PIN (the portal, and SIP2
machines asking for a patron) and for the machines' own SIP logins.

Each throttle is a table of rows `key, failures, first_failure_at, last_failure_at,
locked_at` (keys are keyed hashes, never a card number or a name). A key without a window
locks for good after `limit` failures (the desk or IT lifts it); with a window, failures
older than the window start a fresh count and a lock ends after `cool_off`.
"""

import datetime as dt

from django.db import IntegrityError, models, transaction
from django.db.models import F


def count_failure(
    throttle: type[models.Model],
    key: str,
    now: dt.datetime,
    *,
    limit: int,
    window: dt.timedelta | None = None,
    cool_off: dt.timedelta | None = None,
) -> bool:
    """Count one failure under `key` (one UPDATE, so concurrent tries each count); True when
    the key is (now) locked."""
    with transaction.atomic():
        rows = throttle.objects.filter(key=key)
        if window is not None:
            # A window (or a cool-off) that has passed starts a fresh count.
            rows.filter(locked_at__isnull=True, first_failure_at__lte=now - window).update(
                failures=0, first_failure_at=now
            )
            if cool_off is not None:
                rows.filter(locked_at__lte=now - cool_off).update(
                    failures=0, first_failure_at=now, locked_at=None
                )
        if not rows.update(failures=F("failures") + 1, last_failure_at=now):
            try:
                with transaction.atomic():
                    throttle.objects.create(
                        key=key, failures=1, first_failure_at=now, last_failure_at=now
                    )
            except IntegrityError:  # a concurrent first failure made the row: count on it
                rows.update(failures=F("failures") + 1, last_failure_at=now)
        rows.filter(failures__gte=limit, locked_at__isnull=True).update(locked_at=now)
        return rows.filter(locked_at__isnull=False).exists()
