"""Rewrapping every data key under a new master key (`custodian keys rotate`).

Each DataKey row carries the id of the master that wrapped it, so the work is resumable: a run
rewraps, a batch per transaction, only the rows not yet under the current master, and a row
is never rewrapped twice. While it runs both masters are in the keyring, so the library keeps
working (a key opens under whichever master its row names). When no row is left under an old
master, the old master is removed from the keyring file.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from custodian.records import sealing
from custodian.records.models import DataKey

BATCH = 1000


class NothingToRotate(sealing.SealingError):
    """The master key comes from the environment and every data key is already under it."""


@dataclass(frozen=True)
class KeyStatus:
    current: str
    masters: tuple[str, ...]  # ids in the keyring, current first
    from_env: bool
    counts: dict  # master id -> data keys wrapped under it


@dataclass(frozen=True)
class Rotation:
    current: str
    rewrapped: int
    retired: tuple[str, ...]
    started: bool  # a new master was made (False: an interrupted rotation was resumed)


def status() -> KeyStatus:
    ring = sealing.keyring(fresh=True)
    counts = {mid: 0 for mid in ring.keys}
    for mid, n in _counts():
        counts[mid] = n
    masters = (ring.current, *(m for m in ring.keys if m != ring.current))
    return KeyStatus(current=ring.current, masters=masters, from_env=ring.from_env, counts=counts)


def _counts():
    from django.db.models import Count

    return DataKey.objects.values_list("master_id").annotate(n=Count("id")).order_by("master_id")


def pending() -> int:
    """Data keys not yet wrapped under the current master."""
    ring = sealing.keyring(fresh=True)
    return DataKey.objects.exclude(master_id=ring.current).count()


def rotate(
    *,
    batch: int = BATCH,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> Rotation:
    """Rewrap every data key under the current master, starting a rotation if none is under
    way. `on_start(total)` is told how many keys are to go, `on_batch(n)` after each batch."""
    ring = sealing.keyring(fresh=True)
    started = False
    if len(ring.keys) == 1 and pending() == 0:
        if ring.from_env:
            raise NothingToRotate(
                f"every data key is already under the master key in {sealing.MASTER_ENV}: to "
                "rotate, put a new key first there, then the old one (NEW,OLD), and run again"
            )
        sealing.add_master()
        started = True
    current = sealing.keyring(fresh=True).current
    total = pending()
    if on_start:
        on_start(total)
    done = 0
    # Keys made meanwhile by a process that still had the old master as current (a window of
    # one keyring reload) are caught by another pass before the old master goes.
    while pending():
        done += _rewrap_all(current, batch=batch, on_batch=on_batch)
    retired = tuple(sealing.retire_masters())
    sealing.clear_cache()
    return Rotation(current=current, rewrapped=done, retired=retired, started=started)


def _rewrap_all(current: str, *, batch: int, on_batch) -> int:
    done = 0
    last_pk = 0
    while True:
        rows = list(
            DataKey.objects.exclude(master_id=current)
            .filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "owner_ref", "wrapped", "master_id")[:batch]
        )
        if not rows:
            return done
        with transaction.atomic():
            for pk, owner, wrapped, mid in rows:
                raw = sealing.unwrap(owner, wrapped, mid)
                new, new_mid = sealing.wrap(owner, raw)
                if new_mid != current:  # the keyring changed under us: stop, run again
                    raise sealing.SealingError("the master keyring changed during the rotation")
                # Only if it is still under the old master: a row is never rewrapped twice.
                done += DataKey.objects.filter(pk=pk, master_id=mid).update(
                    wrapped=new, master_id=current
                )
        last_pk = rows[-1][0]
        if on_batch:
            on_batch(len(rows))
