"""Purging expired reading history: `custodian purge` against one set-based DELETE of the
same rows (the way Koha's cleanup script does it), with the desk working alongside.

A benchmark, not a test. On a scratch database (SQLite in a temporary folder, or the
PostgreSQL database named by --database-url, whose tables are emptied first), it writes
--loans past loans (opted-in reading history) returned long ago, all past the profile's
period, then in the same run, --repeat times each, alternating:

  set-based  one `DELETE FROM records_pastloan WHERE returned_at < cutoff` in one
             transaction;
  purge      `custodian.retention.services.purge(categories=["reading_history"])`:
             batches of --batch-size rows by primary key, each one short transaction with
             its progress and its audit entry;

refilling the same rows before each. While each runs, a separate process does check-outs and
check-ins through `custodian.circulation.services` in another process (the desk), and the
longest single one is reported: how long the desk waited for the write lock. The purge's
longest batch (progress callback to progress callback, an upper bound of its transaction)
is reported too. Targets (issue 11): purge <= 1.5 x set-based; no write held over 1 s.

    .venv/bin/python benchmarks/bench_purge.py [--loans 200000] [--repeat 1]
        [--batch-size 2000] [--database-url postgres://...]
"""

import argparse
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PATRONS = 500


def _prepare(data_dir: str, database_url: str | None) -> None:
    os.environ["CUSTODIAN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("CUSTODIAN_SECRET_KEY", "bench-only-secret-key-not-for-production-000")
    os.environ.setdefault("CUSTODIAN_PROFILE", "sonoma-county")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from custodian import djangoenv

    djangoenv.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _library():
    from django.db import connection

    from custodian.records.models import Branch, Item, Patron

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE records_pastloan, retention_purgerun")
    branch, _ = Branch.objects.get_or_create(code="BENCH", defaults={"name": "Benchmark"})
    today = dt.date.today()
    stamp = int(time.time())  # fresh cards and barcodes when a database is reused
    readers = []
    for n in range(PATRONS + 1):
        patron = Patron.objects.create(
            card_number=f"29{stamp}{n:05d}",
            first_name="Bench",
            last_name=f"Reader{n}",
            home_branch=branch,
            registered_on=today - dt.timedelta(days=4000),
            expires_on=today + dt.timedelta(days=365),
            keeps_reading_history=n > 0,  # the first one, the desk's, keeps none
        )
        readers.append(patron)
    items = Item.objects.bulk_create(
        Item(barcode=f"39{stamp}{n:06d}", title=f"Bench title {n}", branch=branch)
        for n in range(1000)
    )
    return branch, readers[0], [p.pk for p in readers[1:]], items


def _fill(n: int, patron_ids: list[int], item_ids: list[int]) -> dt.datetime:
    """n past loans, returned 4 to 5 years ago (past any profile's period)."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    base = now - dt.timedelta(days=1800)
    sql = (
        "INSERT INTO records_pastloan (patron_id, item_id, checked_out_at, returned_at)"
        " VALUES (%s, %s, %s, %s)"
    )
    chunk = []
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(n):
            returned = base - dt.timedelta(minutes=i % 500_000)
            out = returned - dt.timedelta(days=14)
            chunk.append(
                (patron_ids[i % len(patron_ids)], item_ids[i % len(item_ids)], out, returned)
            )
            if len(chunk) == 20_000:
                cursor.executemany(sql, chunk)
                chunk.clear()
        if chunk:
            cursor.executemany(sql, chunk)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE records_pastloan")
    return now


def _desk(patron_pk, item_pks, branch_pk, stop, longest, count) -> None:
    """Another process, as the desk's web server is: check-outs and check-ins, one
    transaction each, as fast as they go; the longest single one."""
    from django.db import connection

    from custodian.circulation.services import check_in, check_out
    from custodian.records.models import Branch, Item, Patron

    connection.close()  # never share the parent's connection
    patron = Patron.objects.get(pk=patron_pk)
    branch = Branch.objects.get(pk=branch_pk)
    items = list(Item.objects.filter(pk__in=item_pks))
    i = 0
    while not stop.is_set():
        item = items[i % len(items)]
        for act in (
            lambda item=item: check_out(patron=patron, item=item, branch=branch),
            lambda item=item: check_in(item=Item.objects.get(pk=item.pk), branch=branch),
        ):
            started = time.perf_counter()
            act()
            took = time.perf_counter() - started
            with longest.get_lock():
                longest.value = max(longest.value, took)
                count.value += 1
        i += 1
    connection.close()


def _timed(work, desk_args) -> tuple[float, float, int, object]:
    from django.db import connections

    if desk_args is None:
        started = time.perf_counter()
        result = work()
        return time.perf_counter() - started, 0.0, 0, result
    context = multiprocessing.get_context("fork")
    stop, longest, count = context.Event(), context.Value("d", 0.0), context.Value("i", 0)
    connections.close_all()
    desk = context.Process(target=_desk, args=(*desk_args, stop, longest, count), daemon=True)
    desk.start()
    while count.value < 20:  # the desk is working before the run starts
        time.sleep(0.05)
    with longest.get_lock():
        longest.value, before = 0.0, count.value
    started = time.perf_counter()
    result = work()
    wall = time.perf_counter() - started
    stop.set()
    desk.join()
    return wall, longest.value, count.value - before, result


def _set_based(now) -> int:
    from django.db import connection, transaction

    cutoff = now - dt.timedelta(days=1095)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM records_pastloan WHERE returned_at < %s", [cutoff])
        return cursor.rowcount


def _purge(now, batch_size: int):
    from custodian.retention.services import purge

    gaps: list[float] = []
    last = [time.perf_counter()]

    def progress(name, done, total):
        moment = time.perf_counter()
        gaps.append(moment - last[0])
        last[0] = moment

    result = purge(now=now, categories=["reading_history"], batch_size=batch_size,
                   progress=progress)  # fmt: skip
    return result.total, max(gaps[1:] or [0.0]), result.batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--no-desk", action="store_true", help="Skip the runs with the desk.")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-purge-") as data_dir:
        _prepare(data_dir, args.database_url or None)
        from django.db import connection

        from custodian.retention import schedule

        schedule.rules()  # the policy engine loaded before any timing (as a server has it)
        branch, desk_patron, patron_ids, items = _library()
        item_ids = [i.pk for i in items]
        desk = (desk_patron.pk, item_ids[:200], branch.pk)
        print(f"database: {connection.vendor}; {args.loans:,} expired past loans; "
              f"batch size {args.batch_size:,}")  # fmt: skip
        # Speed: each alone, the same rows, alternating. Then the desk alongside each.
        plain, ours, longest_batch = [], [], []
        for _ in range(args.repeat):
            now = _fill(args.loans, patron_ids, item_ids)
            wall, _, _, deleted = _timed(lambda now=now: _set_based(now), None)
            assert deleted == args.loans, deleted
            plain.append(wall)
            now = _fill(args.loans, patron_ids, item_ids)
            wall, _, _, (done, longest, batches) = _timed(
                lambda now=now: _purge(now, args.batch_size), None
            )
            assert done == args.loans, done
            ours.append(wall)
            longest_batch.append(longest)
        best_plain, best_ours = min(plain), min(ours)
        print(
            f"alone    set-based DELETE: {best_plain:8.2f} s (median {statistics.median(plain):.2f})"
        )
        print(f"alone    custodian purge : {best_ours:8.2f} s (median {statistics.median(ours):.2f});"
              f" {batches:,} batches, longest {max(longest_batch):.3f} s")  # fmt: skip
        print(f"ratio purge / set-based: {best_ours / best_plain:.2f} (target <= 1.5)")
        print(f"rows per second: set-based {args.loans / best_plain:,.0f}, "
              f"purge {args.loans / best_ours:,.0f}")  # fmt: skip
        if args.no_desk:
            return
        now = _fill(args.loans, patron_ids, item_ids)
        wall, wait, acts, _ = _timed(lambda now=now: _set_based(now), desk)
        print(
            f"with the desk, set-based: {wall:8.2f} s; {acts:,} check-outs/ins alongside, "
            f"longest {wait:.3f} s (the desk waited for the write lock)"
        )
        now = _fill(args.loans, patron_ids, item_ids)
        wall, wait, acts, (done, longest, batches) = _timed(
            lambda now=now: _purge(now, args.batch_size), desk
        )
        print(
            f"with the desk, purge    : {wall:8.2f} s; {acts:,} check-outs/ins alongside, "
            f"longest {wait:.3f} s; longest batch {longest:.3f} s (target <= 1 s)"
        )


if __name__ == "__main__":
    main()
