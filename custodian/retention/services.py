"""`purge`: apply the profile's retention schedule in short batches, resumably.

Each category's due rows (schedule.due: business over, period passed, still naming someone
for a strip) are walked in primary-key order, `batch_size` at a time. Each batch is one
short transaction that changes its rows, records how far the run got (`PurgeRun.progress`)
and appends one audit entry with the count (`retention.<category>.<n>`), so the write lock
is held for one batch only and a run killed at any moment is finished by the next run:
a batch either happened whole (its rows changed, its progress and audit entry written) or
not at all. The due-rows query is itself idempotent (a stripped row no longer names anyone,
a deleted one is gone), so even a lost progress marker could not make a row processed twice.

Rows an active legal hold keeps (custodian.holds.selectors.held_q) are left alone and
counted, sealed holds separately and by count only. Expired cards past the schedule are
erased through custodian.holds.erasure.erase_patron, one person at a time.
"""

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from custodian.audit.services import record_access
from custodian.disclosure.models import Case, DisclosureRequest, Release
from custodian.holds.models import LegalHold
from custodian.holds.selectors import active_holds, held_q
from custodian.records.models import Charge, Patron, Payment
from custodian.retention import schedule
from custodian.retention.models import PurgeRun
from custodian.statistics import services as statistics

ACTOR = "custodian-purge"
BATCH_SIZE = 10_000
# A batch's transaction aims at this length (the write lock the desk waits behind); see
# _next_size. The bound is 1 s. 0.1 s was measured (docs/performance.md, "Purge"):
# 4.5 times the batches, each paying a commit and an audit entry, so about 3 times as long,
# and on a busy machine a batch's length is set by stalls, not by its size.
TARGET_SECONDS = 0.25
MIN_ADAPTIVE = 500
# SQLite has one writer, and a writer that finds the lock taken sleeps between tries, up to
# 100 ms at a time (SQLite's busy handler). A purge that starts its next batch the moment
# it commits can keep a waiting check-out out for many batches in a row, so it steps aside
# for longer than that sleep: after every batch while another connection is writing, and
# after every HOLD_BEFORE_STEPPING_ASIDE seconds of holding the lock when none has been.
STEP_ASIDE_SECONDS = 0.11
HOLD_BEFORE_STEPPING_ASIDE = 0.5
MAX_BATCH = 1_000_000
# Erasing a person touches a dozen tables: fewer per transaction.
ERASE_BATCH = 50
# Not a schedule category: on PostgreSQL, rewrites the circulation counts in key order.
MAINTENANCE = ("circulation_counts",)
CATEGORY_NAMES = tuple(schedule.CATEGORIES) + MAINTENANCE

# progress(category, done, total): called after each batch (and once at a category's start).
Progress = Callable[[str, int, int], None]


class UnknownCategory(ValueError):
    pass


@dataclass(frozen=True)
class CategoryResult:
    name: str
    what: str  # the rule in words
    action: str  # delete | strip | keep | maintenance
    days: int | None
    rows: int  # changed (or, in a dry run, due)
    held: int = 0  # kept for an open legal hold
    held_sealed: int = 0  # kept for a sealed one (a count, nothing more)
    blocked: int = 0  # expired cards that cannot be erased yet (items still out)
    clause: str | None = None


@dataclass(frozen=True)
class PurgeResult:
    profile: str
    dry_run: bool
    categories: tuple[CategoryResult, ...]
    run_id: int | None  # the PurgeRun (None for a dry run)
    resumed: bool
    batches: int  # audit entries written by this call
    audit_seqs: tuple[int, ...]
    # Statistics rows rewritten in key order at the end (PostgreSQL); None when not run: a
    # dry run, `reseal=False`, or SQLite (which needs no reseal).
    resealed: int | None = None

    @property
    def total(self) -> int:
        return sum(c.rows for c in self.categories)

    @property
    def held(self) -> int:
        return sum(c.held + c.held_sealed for c in self.categories)


def check_categories(categories: Iterable[str] | None) -> list[str]:
    """The chosen categories in schedule order; `UnknownCategory` names the choices."""
    chosen = list(CATEGORY_NAMES if categories is None else categories)
    unknown = sorted(set(chosen) - set(CATEGORY_NAMES))
    if unknown:
        raise UnknownCategory(
            f"No retention category {', '.join(unknown)}; choose from {', '.join(CATEGORY_NAMES)}."
        )
    return [c for c in CATEGORY_NAMES if c in chosen]


def _case_held(sealed: bool) -> Q | None:
    """Cases name their patron by ref: a hold on the patron's cases keeps them, and a case
    that placed an active hold is kept while the hold is."""
    holds = [h for h in active_holds(category="cases") if h.sealed == sealed]
    refs = Patron.objects.filter(pk__in=[h.patron_id for h in holds]).values_list("ref", flat=True)
    condition = Q(request__patron_ref__in=list(refs)) if holds else None
    placed = Q(legal_holds__released_at__isnull=True, legal_holds__sealed=sealed)
    return placed if condition is None else condition | placed


def _held(category: schedule.Category, *, sealed: bool) -> Q | None:
    if category.name == "cases":
        return _case_held(sealed)
    if category.name == "registration":
        # Erasure refuses while any hold names the person, whatever its categories.
        ids = LegalHold.objects.filter(
            released_at__isnull=True, sealed=sealed, patron__isnull=False
        ).values_list("patron_id", flat=True)
        ids = list(ids)
        return Q(pk__in=ids) if ids else None
    return held_q(
        category.model,
        category=category.name,
        patron_path=category.patron_path,
        on_path=category.hold_on,
        sealed=sealed,
    )


def _count(rows: QuerySet, condition: Q | None) -> int:
    if condition is None:
        return 0
    return rows.filter(condition).values("pk").distinct().count()


# Categories reached through a many-valued relation (footage's identified patrons, a case's
# releases and holds): their queries need DISTINCT and a subquery to exclude held rows.
MULTI = frozenset({"video", "cases"})


def _not_held(category: schedule.Category, rows: QuerySet, conditions: list) -> QuerySet:
    for condition in conditions:
        if condition is None:
            continue
        if category.name in MULTI:
            rows = rows.exclude(pk__in=rows.filter(condition).values("pk"))
        else:
            rows = rows.exclude(condition)
    return rows


# Cards erasure would refuse: something is still in the patron's hands.
BLOCKED_CARDS = Q(loans__isnull=False) | Q(ill_requests__status="received")


def _apply(category: schedule.Category, rule, batch: QuerySet, *, now) -> tuple[int, int]:
    """Change one batch; returns (rows changed, cards refused by erasure)."""
    if category.name == "registration":
        return _erase(batch, now=now)
    if category.name == "cases":
        return _strip_cases(batch), 0
    if rule.action == "delete":
        return batch.delete()[1].get(category.model._meta.label, 0), 0
    if category.name == "charges":
        ids = list(batch.values_list("pk", flat=True))
        Payment.objects.filter(charge__in=ids, patron__isnull=False).update(patron=None)
        return Charge.objects.filter(pk__in=ids).update(**category.strip), 0
    return batch.update(**category.strip), 0


def _erase(batch: QuerySet, *, now) -> tuple[int, int]:
    from custodian.holds.erasure import ErasureRefused, erase_patron

    done = refused = 0
    for patron in batch.order_by("pk"):
        try:
            erase_patron(patron=patron, actor=ACTOR, role="system", reason="card_expired", now=now)
        except ErasureRefused:
            # Something reached the patron's hands since the batch was chosen: next run.
            refused += 1
        else:
            done += 1
    return done, refused


def _strip_cases(batch: QuerySet) -> int:
    """Delete a closed case's scan and release packages (files and their names) and cut the
    patron ref; the bare case stays for the library's record and the transparency report."""
    cases = list(Case.objects.filter(pk__in=batch.values("pk")).select_related("request"))
    files = []
    for case in cases:
        if case.request.scan:
            files.append(case.request.scan)
        for release in Release.objects.filter(case=case):
            files += [f for f in (release.pdf, release.json) if f]
    ids = [c.pk for c in cases]
    DisclosureRequest.objects.filter(case__in=ids).update(
        patron_ref=None, patron_age=None, scan="", scan_content_type=""
    )
    Release.objects.filter(case__in=ids).update(pdf="", json="")
    # The files go once no row names them, after the commit: a batch rolled back leaves every
    # file in place.
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return len(ids)


def _audit(name: str, n: int) -> int:
    entry = record_access(
        actor=ACTOR,
        role="system",
        purpose="retention",
        patron_ref=None,
        fields=[f"retention.{name}.{n}"],
        outcome="applied",
        clauses=[],
        action="purge",
    )
    return entry.seq


def _run_for(profile, chosen, before, now) -> tuple[PurgeRun, bool]:
    """The unfinished run with these options (resume it), or a new one. An unfinished run
    with other options is marked superseded: its batches stand, the new run finds the rest."""
    with transaction.atomic():
        unfinished = PurgeRun.objects.select_for_update().filter(
            status=PurgeRun.Status.RUNNING, profile=profile
        )
        for run in unfinished:
            if run.categories == chosen and run.before == before:
                return run, True
        stamp = timezone.now()
        for run in unfinished:
            run.status, run.finished_at = PurgeRun.Status.SUPERSEDED, max(stamp, run.started_at)
            run.save(update_fields=["status", "finished_at"])
        run = PurgeRun.objects.create(
            profile=profile,
            started_at=stamp,
            as_of=now,
            before=before,
            categories=chosen,
        )
    return run, False


def purge(
    *,
    profile: str | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    categories: Iterable[str] | None = None,
    before: dt.date | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    reseal: bool = True,
) -> PurgeResult:
    """Apply the profile's retention schedule (see the module's docstring).

    `categories` limits the run (unknown names are refused before anything is read);
    `before` purges only records whose business ended before that day (and that are past
    their period); `dry_run` counts what would go and changes nothing, the audit log and
    the run record included. An unfinished run with the same options is resumed, with the
    moment it started from. At the end of a real run on PostgreSQL the statistics are
    resealed (custodian.statistics.services.reseal), unless `reseal` is False.
    """
    profile = profile or settings.CUSTODIAN_PROFILE
    chosen = check_categories(categories)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    rules = schedule.rules(profile)
    now = now or timezone.now()
    run, resumed = (None, False) if dry_run else _run_for(profile, chosen, before, now)
    if run is not None:
        now = run.as_of  # a resumed run measures from the moment it first started
    results, seqs = [], []
    for name in chosen:
        if name in MAINTENANCE:
            results.append(_counts_step(run, dry_run=dry_run, seqs=seqs))
            continue
        category, rule = schedule.CATEGORIES[name], rules[name]
        results.append(
            _category(category, rule, run, now=now, before=before, dry_run=dry_run,
                      batch_size=batch_size, progress=progress, seqs=seqs)
        )  # fmt: skip
    if run is not None:
        stamp = timezone.now()
        PurgeRun.objects.filter(pk=run.pk).update(
            status=PurgeRun.Status.FINISHED, finished_at=max(stamp, run.started_at)
        )
    resealed = None
    if run is not None and reseal and connection.vendor == "postgresql":
        # The daily run is when the tally's rows lose the order they were counted in.
        resealed = statistics.reseal()
    return PurgeResult(
        profile=profile,
        dry_run=dry_run,
        categories=tuple(results),
        run_id=None if run is None else run.pk,
        resumed=resumed,
        batches=len(seqs),
        audit_seqs=tuple(seqs),
        resealed=resealed,
    )


def _category(category, rule, run, *, now, before, dry_run, batch_size, progress, seqs):
    words = schedule.in_words(category, rule)
    base = dict(name=category.name, what=words, action=rule.action, days=rule.days)
    base["clause"] = rule.clause
    if rule.action == "keep":
        if progress:
            progress(category.name, 0, 0)
        return CategoryResult(**base, rows=0)
    due = schedule.due(category, rule, now=now, before=before)
    open_q, sealed_q = _held(category, sealed=False), _held(category, sealed=True)
    state = dict((run.progress if run else {}).get(category.name, {}))
    if not state:
        state = {"last": None, "done": 0, "finished": False}
        state["held"] = _count(due, open_q)
        state["held_sealed"] = _count(due, sealed_q)
        if category.name == "registration":
            free = _not_held(category, due, [open_q, sealed_q])
            state["blocked"] = _count(free, BLOCKED_CARDS)
    workable = _not_held(category, due, [open_q, sealed_q])
    if category.name == "registration":
        workable = workable.exclude(pk__in=due.filter(BLOCKED_CARDS).values("pk"))
    counts = dict(held=state["held"], held_sealed=state["held_sealed"])
    counts["blocked"] = state.get("blocked", 0)
    if dry_run:
        total = _size(workable, category)
        if progress:
            progress(category.name, total, total)
        return CategoryResult(**base, rows=total, **counts)
    if state["finished"]:
        if progress:
            progress(category.name, state["done"], state["done"])
        return CategoryResult(**base, rows=state["done"], **counts)
    remaining = workable
    if state["last"] is not None:
        remaining = remaining.filter(pk__gt=state["last"])
    total = state["done"] + _size(remaining, category)
    if progress:
        progress(category.name, state["done"], total)
    size = min(batch_size, ERASE_BATCH) if category.name == "registration" else batch_size
    most = ERASE_BATCH if category.name == "registration" else max(batch_size, MAX_BATCH)
    turns = _Turns()
    while True:
        with transaction.atomic():
            # Timed from inside: waiting for the desk to finish is not the batch's length.
            started = time.perf_counter()
            window = _next_window(category, workable, state["last"], size)
            if window is None:
                state["finished"] = True
                _save_progress(run, category.name, state, batch=False)
                break
            low, upper = window
            batch = workable.filter(pk__gte=low, pk__lte=upper)
            n, refused = _apply(category, rule, batch, now=now)
            state["last"] = upper
            state["done"] += n
            state["blocked"] = state.get("blocked", 0) + refused
            _save_progress(run, category.name, state, batch=True)
            seqs.append(_audit(category.name, n))
        took = time.perf_counter() - started
        size = _next_size(size, took, most)
        _checkpoint()
        turns.after_batch(took)
        if progress:
            progress(category.name, state["done"], max(total, state["done"]))
    counts["blocked"] = state.get("blocked", 0)
    return CategoryResult(**base, rows=state["done"], **counts)


def _next_size(size: int, took: float, most: int) -> int:
    """Keep each batch's transaction near TARGET_SECONDS: halve a batch that took too long
    (a busy machine, a slow disk), double one that took under half of it, up to `most`.
    Each commit costs a disk flush and an audit entry, so on a fast database batches grow
    until those are small beside the rows' own work; on a busy one they shrink, and the
    desk never waits long. Below MIN_ADAPTIVE rows the size is taken as given (tests)."""
    if size < MIN_ADAPTIVE:
        return size
    if took > TARGET_SECONDS:
        return max(MIN_ADAPTIVE, size // 2)
    if took < TARGET_SECONDS / 2:
        return min(most, size * 2)
    return size


class _Turns:
    """SQLite only: let a waiting writer (the desk) in between batches; see
    STEP_ASIDE_SECONDS. `PRAGMA data_version` changes when another connection has committed
    since it was last read: the desk is working, so it gets a turn after every batch."""

    def __init__(self) -> None:
        self.sqlite = connection.vendor == "sqlite"
        self.held = 0.0
        self.version = self._version() if self.sqlite else None

    def _version(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA data_version")
            return cursor.fetchone()[0]

    def after_batch(self, took: float) -> None:
        if not self.sqlite or connection.in_atomic_block:
            return
        self.held += took
        version = self._version()
        others_wrote, self.version = version != self.version, version
        if others_wrote or self.held >= HOLD_BEFORE_STEPPING_ASIDE:
            _step_aside()
            self.held = 0.0


def _step_aside() -> None:
    time.sleep(STEP_ASIDE_SECONDS)


def _checkpoint() -> None:
    """SQLite: copy the write-ahead log back into the database between batches (PASSIVE:
    never waits for readers), so the desk's next commit does not inherit a long one."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _size(rows: QuerySet, category: schedule.Category) -> int:
    if category.name in MULTI:
        return rows.values("pk").distinct().count()
    return rows.count()


def _next_window(category: schedule.Category, workable: QuerySet, last, size: int):
    """The next batch as a primary-key range (low, high), or None when nothing is left.

    It starts at the first due row after `last` (the database stops at the first match) and
    is `size` keys wide, so a batch changes at most `size` rows and the database reads each
    row once, in key order, as one set-based statement would. Categories reached through a
    many-valued relation count `size` distinct due keys instead.
    """
    rows = workable if last is None else workable.filter(pk__gt=last)
    if category.name not in MULTI:
        low = rows.aggregate(low=Min("pk"))["low"]
        return None if low is None else (low, low + size - 1)
    keys = rows.order_by("pk").values_list("pk", flat=True).distinct()
    first = list(keys[:1])
    if not first:
        return None
    found = list(keys[size - 1 : size])
    return first[0], found[0] if found else rows.aggregate(top=Max("pk"))["top"]


def _save_progress(run: PurgeRun, name: str, state: dict, *, batch: bool) -> None:
    run.progress = {**run.progress, name: dict(state)}
    run.batches += int(batch)
    PurgeRun.objects.filter(pk=run.pk).update(progress=run.progress, batches=run.batches)


_COPY_COUNTS = (
    "CREATE TEMPORARY TABLE counts_in_key_order ON COMMIT DROP AS"
    " SELECT item_id, branch_id, day, checkouts FROM records_circulationcount"
)
_RESTORE_COUNTS_IN_KEY_ORDER = (
    "INSERT INTO records_circulationcount (item_id, branch_id, day, checkouts)"
    " SELECT item_id, branch_id, day, checkouts FROM counts_in_key_order"
    " ORDER BY item_id, branch_id, day"
)


def _counts_step(run, *, dry_run: bool, seqs: list) -> CategoryResult:
    """PostgreSQL only: rewrite the circulation counts in key order in one transaction.

    A heap table hands rows back in the order they were written (ctid) and stamps each with
    the writing transaction (xmin), so between runs someone with raw SQL access could order
    the counts by check-in. After TRUNCATE (a fresh file) and one INSERT in key order, every
    row has this run's xmin and sits where its key puts it. SQLite needs none of this: the
    table is WITHOUT ROWID, stored in key order.
    """
    what = "Circulation counts rewritten in key order (PostgreSQL upkeep, not a schedule)."
    base = dict(name="circulation_counts", what=what, action="maintenance", days=None)
    if connection.vendor != "postgresql":
        return CategoryResult(**base, rows=0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM records_circulationcount")
        (rows,) = cursor.fetchone()
        if not dry_run:
            cursor.execute(_COPY_COUNTS)
            cursor.execute("TRUNCATE records_circulationcount")
            cursor.execute(_RESTORE_COUNTS_IN_KEY_ORDER)
            seqs.append(_audit("circulation_counts", rows))
    return CategoryResult(**base, rows=rows)
