"""Retention: apply the policy profile's `[retention]` periods to the records.

`purge(...)` walks the categories below. Each finds the rows whose business is over and
whose period has passed, and either cuts their patron link (the row stays, anonymous, for
statistics) or deletes them. One run is one transaction with one audit entry that holds
counts only (`retention.<category>.<n>` in its fields), never a row's content; a dry run
counts and changes nothing, the audit log included.

Periods come from the active profile through the policy engine (`profile.retention`). A
profile that names no period for a category gets the default in `DEFAULT_DAYS`, so that
nothing piles up for ever because a policy was silent. The later retention-schedule work
extends this by adding categories (one `Category` each) and options such as `--before`.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from custodian.audit.services import record_access
from custodian.circulation._common import local_day, resolve_now
from custodian.circulation.library_use import ILL_CLOSED
from custodian.policy import get_engine
from custodian.records.models import (
    CameraFootage,
    Charge,
    ComputerSession,
    InterlibraryLoanRequest,
    RoomBooking,
    SearchRecord,
)

# Used when the profile's [retention] does not name the period. Days after the record's
# business ended. 0 means at the next run.
DEFAULT_DAYS = {
    "loan_link_after_return_days": 0,
    "computer_sessions_days": 1,
    "searches_days": 1,
    "room_bookings_days": 7,
}
ACTOR = "custodian-purge"


class UnknownCategory(ValueError):
    pass


@dataclass(frozen=True)
class Category:
    name: str
    # What happens to a row, in plain words for the summary.
    what: str
    # The profile's [retention] key giving the period in days (None: no period, e.g.
    # footage, whose own `retain_until` is the period).
    period_key: str | None
    # The rows due: given the cutoff moment (older than this is due) and today.
    due: Callable[[dt.datetime, dt.date], QuerySet]
    # Apply to the due rows; returns how many rows changed.
    apply: Callable[[QuerySet], int]


@dataclass(frozen=True)
class CategoryResult:
    name: str
    what: str
    days: int | None
    rows: int


@dataclass(frozen=True)
class PurgeResult:
    profile: str
    dry_run: bool
    categories: tuple[CategoryResult, ...]
    # The audit entry's seq (None for a dry run).
    audit_seq: int | None

    @property
    def total(self) -> int:
        return sum(c.rows for c in self.categories)


def _ill_due(cutoff, today):
    # Closed requests of patrons who do not keep reading history (the promise that keeps them).
    return InterlibraryLoanRequest.objects.filter(
        status__in=ILL_CLOSED,
        patron__isnull=False,
        patron__keeps_reading_history=False,
        requested_at__lt=cutoff,
    )


def _fines_due(cutoff, today):
    # Settled overdue fines that still name the item (written before the settling service
    # cleared it, or by another writer). The amount stays for the accounts.
    paid = Coalesce(
        Sum("payments__amount"),
        Value(0),
        output_field=DecimalField(max_digits=10, decimal_places=2),
    )
    return (
        Charge.objects.filter(kind=Charge.Kind.OVERDUE, item__isnull=False, assessed_at__lt=cutoff)
        .annotate(paid_so_far=paid)
        .filter(paid_so_far__gte=F("amount"))
    )


def _sessions_due(cutoff, today):
    return ComputerSession.objects.filter(ended_at__isnull=False, ended_at__lt=cutoff).filter(
        Q(patron__isnull=False) | ~Q(guest_pass="")
    )


def _searches_due(cutoff, today):
    return SearchRecord.objects.filter(patron__isnull=False, searched_at__lt=cutoff)


def _bookings_due(cutoff, today):
    return RoomBooking.objects.filter(patron__isnull=False, ends_at__lt=cutoff)


def _footage_due(cutoff, today):
    return CameraFootage.objects.filter(retain_until__lt=today)


def _by_ids(model, **changes):
    """Update the due rows by primary key: an aggregate-annotated queryset cannot update."""

    def apply(rows: QuerySet) -> int:
        ids = list(rows.values_list("pk", flat=True))
        done = 0
        for start in range(0, len(ids), 1000):
            done += model.objects.filter(pk__in=ids[start : start + 1000]).update(**changes)
        return done

    return apply


def _delete(rows: QuerySet) -> int:
    ids = list(rows.values_list("pk", flat=True))
    for start in range(0, len(ids), 1000):
        rows.model.objects.filter(pk__in=ids[start : start + 1000]).delete()
    return len(ids)


CATEGORIES: tuple[Category, ...] = (
    Category(
        "ill",
        "returned or cancelled interlibrary loans lose their patron",
        "loan_link_after_return_days",
        _ill_due,
        _by_ids(InterlibraryLoanRequest, patron=None),
    ),
    Category(
        "fines",
        "settled overdue fines lose their item",
        "loan_link_after_return_days",
        _fines_due,
        _by_ids(Charge, item=None),
    ),
    Category(
        "computer_sessions",
        "ended computer sessions lose their card or guest pass",
        "computer_sessions_days",
        _sessions_due,
        _by_ids(ComputerSession, patron=None, guest_pass=""),
    ),
    Category(
        "searches",
        "catalogue searches lose their patron",
        "searches_days",
        _searches_due,
        _by_ids(SearchRecord, patron=None),
    ),
    Category(
        "room_bookings",
        "ended room bookings lose their patron",
        "room_bookings_days",
        _bookings_due,
        _by_ids(RoomBooking, patron=None),
    ),
    Category(
        "video",
        "camera footage past its retain-until date is deleted",
        None,
        _footage_due,
        _delete,
    ),
)
CATEGORY_NAMES = tuple(c.name for c in CATEGORIES) + ("circulation_counts",)


def periods(profile: str) -> dict[str, int]:
    """The retention periods in days for this profile: its own, else the defaults."""
    given = get_engine().profile(profile).retention
    return {
        key: int(given[key]) if isinstance(given.get(key), int) else default
        for key, default in DEFAULT_DAYS.items()
    }


_COPY_COUNTS = (
    "CREATE TEMPORARY TABLE counts_in_key_order ON COMMIT DROP AS"
    " SELECT item_id, branch_id, day, checkouts FROM records_circulationcount"
)
_RESTORE_COUNTS_IN_KEY_ORDER = (
    "INSERT INTO records_circulationcount (item_id, branch_id, day, checkouts)"
    " SELECT item_id, branch_id, day, checkouts FROM counts_in_key_order"
    " ORDER BY item_id, branch_id, day"
)


def _reseal_counts(*, dry_run: bool) -> int:
    """PostgreSQL only: rewrite the circulation counts in key order in one transaction.

    A heap table hands rows back in the order they were written (ctid) and stamps each with
    the writing transaction (xmin), so between runs someone with raw SQL access could order
    the counts by check-in. After TRUNCATE (a fresh file) and one INSERT in key order, every
    row has this run's xmin and sits where its key puts it. SQLite needs none of this: the
    table is WITHOUT ROWID, stored in key order.
    """
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM records_circulationcount")
        (rows,) = cursor.fetchone()
        if dry_run:
            return rows
        cursor.execute(_COPY_COUNTS)
        cursor.execute("TRUNCATE records_circulationcount")
        cursor.execute(_RESTORE_COUNTS_IN_KEY_ORDER)
    return rows


def purge(
    *,
    profile: str | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    categories: Iterable[str] | None = None,
) -> PurgeResult:
    """Apply the profile's retention periods. Returns per-category counts.

    `categories` limits the run (names in CATEGORY_NAMES); unknown names are refused before
    anything is read. On PostgreSQL `circulation_counts` rewrites the count table in key
    order (see `_reseal_counts`); elsewhere it only counts.
    """
    profile = profile or settings.CUSTODIAN_PROFILE
    chosen = list(CATEGORY_NAMES if categories is None else categories)
    unknown = sorted(set(chosen) - set(CATEGORY_NAMES))
    if unknown:
        raise UnknownCategory(
            f"No retention category {', '.join(unknown)}; choose from {', '.join(CATEGORY_NAMES)}."
        )
    days = periods(profile)
    now = resolve_now(now)
    today = local_day(now)
    results = []
    with transaction.atomic():
        for category in CATEGORIES:
            if category.name not in chosen:
                continue
            period = days[category.period_key] if category.period_key else None
            cutoff = now - dt.timedelta(days=period or 0)
            rows = category.due(cutoff, today)
            changed = rows.count() if dry_run else category.apply(rows)
            results.append(CategoryResult(category.name, category.what, period, changed))
        if "circulation_counts" in chosen:
            results.append(
                CategoryResult(
                    "circulation_counts",
                    "circulation counts rewritten in key order (PostgreSQL)",
                    None,
                    _reseal_counts(dry_run=dry_run),
                )
            )
        seq = None
        if not dry_run:
            entry = record_access(
                actor=ACTOR,
                role="system",
                purpose="retention",
                patron_ref=None,
                fields=[f"retention.{r.name}.{r.rows}" for r in results],
                outcome="applied",
                clauses=[],
                action="purge",
            )
            seq = entry.seq
    return PurgeResult(profile=profile, dry_run=dry_run, categories=tuple(results), audit_seq=seq)
