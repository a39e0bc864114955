"""Recomputing every patron's blind index under a new index key (`custodian keys rotate-index`).

A run makes a new index key current (unless a rotation is already under way: then it resumes),
then walks the patrons in primary-key order, a batch at a time: it opens each one's sealed card
number and names through the model fields and, where the stored index values are not the ones
under the current key, writes them, one short transaction per batch. A row is written only if
its index values are still the ones read (a patron saved meanwhile already has current ones),
so runs interrupted, repeated or side by side lose nothing and do nothing twice. A pass that
rewrites nothing proves every row is under the current key: then the previous key leaves the
keyring. Until then lookups match under either key (custodian.records.selectors).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from custodian.records import blind_index, sealing
from custodian.records.models import Patron

BATCH = 1000
# After a new key is made current, a pause so that every running process (which looks at the
# keyring once a second) writes under it before the first pass begins.
SETTLE_SECONDS = 2 * blind_index.CHECK_SECONDS + 0.5
ACTOR = "cli"
MAX_PASSES = 5
FIELDS = ("ref", "card_number", "first_name", "last_name")
FIELDS += ("card_index", "name_index", "last_name_index")


class IndexRotationError(sealing.SealingError):
    """The rotation cannot go on (two patrons share a card number, the keyring changed)."""


@dataclass(frozen=True)
class IndexKeyStatus:
    current: str
    keys: tuple[str, ...]  # ids, current first
    source: str  # "environment", "keyring" or "file"
    where: str  # the variable's name or the file's path

    @property
    def rotating(self) -> bool:
        return len(self.keys) > 1


@dataclass(frozen=True)
class IndexRotation:
    current: str
    rewritten: int  # patrons whose index values were written
    passes: int
    unreadable: int  # patrons whose card number did not open (left as they were)
    retired: tuple[str, ...]
    started: bool  # a new key was made (False: an interrupted rotation was resumed)
    still_in_env: tuple[str, ...]  # previous keys the IT person must remove from the variable


def status() -> IndexKeyStatus:
    ring = blind_index.index_keyring(fresh=True)
    where = {
        "environment": blind_index.INDEX_ENV,
        "keyring": str(blind_index.keyring_file()),
        "file": str(blind_index.legacy_file()),
    }[ring.source]
    return IndexKeyStatus(ring.current, tuple(ring.keys), ring.source, where)


def rotate(
    *,
    batch: int = BATCH,
    settle: float | None = None,
    on_start: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> IndexRotation:
    """Rewrite every patron's index values under a new index key, then retire the old one.

    `on_start(total)` is told how many patrons a pass walks, `on_batch(n)` after each batch
    (a second pass, normally with nothing to write, proves the first one left nothing)."""
    ring = blind_index.index_keyring(fresh=True)
    started = False
    if not ring.rotating:
        if ring.from_env:
            raise sealing.SealingError(blind_index.env_instructions())
        blind_index.add_index_key()
        started = True
        time.sleep(SETTLE_SECONDS if settle is None else settle)
    ring = blind_index.index_keyring(fresh=True)
    rewritten = passes = unreadable = 0
    while True:
        passes += 1
        if on_start:
            on_start(Patron.objects.count())
        done, missed, unreadable = _one_pass(ring.current, ring.keys[ring.current], batch, on_batch)
        rewritten += done
        if not done and not missed:
            break
        if passes == MAX_PASSES:
            # Someone keeps writing index values under another key: a process that does not
            # read this keyring (a different CUSTODIAN_INDEX_KEY, another data folder).
            raise IndexRotationError(
                f"after {passes} passes patrons are still being written under another index "
                "key: check that every Custodian process uses the same index key, then run "
                "`custodian keys rotate-index` again"
            )
    still = tuple(k for k in ring.keys if k != ring.current)
    if still and not ring.from_env:
        # Recorded before the key goes: killed in between, the rerun finds the rotation still
        # under way, checks (nothing to write) and retires it, instead of starting another.
        with transaction.atomic():
            _audit([f"index_key.retired.{len(still)}"])
    retired = tuple(blind_index.retire_previous())
    return IndexRotation(
        current=ring.current,
        rewritten=rewritten,
        passes=passes,
        unreadable=unreadable,
        retired=() if ring.from_env else retired,
        started=started,
        still_in_env=still if ring.from_env else (),
    )


def _one_pass(current: str, key: bytes, batch: int, on_batch) -> tuple[int, int, int]:
    """(rows written, rows changed by someone else meanwhile, rows that did not open)."""
    done = missed = unreadable = 0
    last_pk = 0
    while True:
        refs = list(
            Patron.objects.filter(pk__gt=last_pk).order_by("pk").values_list("pk", "ref")[:batch]
        )
        if not refs:
            return done, missed, unreadable
        if blind_index.index_keyring().current != current:
            raise IndexRotationError("the index keyring changed during the rotation: run it again")
        sealing.preload(ref for _, ref in refs)  # every data key of the batch in one query
        changes = []
        for patron in Patron.objects.filter(pk__in=[pk for pk, _ in refs]).only(*FIELDS):
            if not patron.card_number:  # its data key is gone: nothing to compute from
                unreadable += 1
                continue
            now = (patron.card_index, patron.name_index, patron.last_name_index)
            wanted = (
                blind_index.card_index(patron.card_number, key=key),
                blind_index.name_index(patron.last_name, patron.first_name, key=key),
                blind_index.last_name_index(patron.last_name, key=key),
            )
            if now != wanted:
                changes.append((patron.pk, now, wanted))
        written = _write(changes)
        done += written
        missed += len(changes) - written
        last_pk = refs[-1][0]
        if on_batch:
            on_batch(len(refs))


def _write(changes: list) -> int:
    if not changes:
        return 0
    # The unique card index would refuse a second patron with the same card number: say so
    # plainly (by ref, never the number) before the batch's transaction fails on it.
    ours = [pk for pk, _, _ in changes]
    twins = list(
        Patron.objects.filter(card_index__in=[wanted[0] for _, _, wanted in changes])
        .exclude(pk__in=ours)
        .values_list("ref", flat=True)[:5]
    )
    if twins:
        raise IndexRotationError(
            "another patron has the same card number as patron(s) "
            f"{', '.join(str(r) for r in twins)}: give one of them a new card at the desk, "
            "then run `custodian keys rotate-index` again"
        )
    written = 0
    try:
        with transaction.atomic():
            for pk, now, wanted in changes:
                written += Patron.objects.filter(
                    pk=pk, card_index=now[0], name_index=now[1], last_name_index=now[2]
                ).update(card_index=wanted[0], name_index=wanted[1], last_name_index=wanted[2])
            if written:
                _audit([f"index_key.rewritten.{written}"])
    except IntegrityError:  # the same card registered twice in the last moment: say so
        raise IndexRotationError(
            "two patrons have the same card number: run `custodian keys rotate-index` again "
            "to be told which"
        ) from None
    return written


def _audit(fields: list[str]) -> None:
    """Counts only: which patrons were rewritten is not the audit log's business."""
    from custodian.audit.services import record_access

    record_access(
        actor=ACTOR,
        role="system",
        purpose="key_rotation",
        patron_ref=None,
        fields=fields,
        outcome="applied",
        clauses=[],
        action="rotate_index_key",
    )
