"""Purging expired reading history: `custodian purge` against one set-based DELETE of the
same rows (the way Koha's cleanup script does it), with the desk working alongside.

A benchmark, not a test. On a scratch database (SQLite in a temporary folder, or the
PostgreSQL database named by --database-url, whose tables are emptied first), it writes
--loans past loans (opted-in reading history) returned long ago, all past the profile's
period, with one INSERT ... SELECT in the database, and keeps that starting state (SQLite: a
copy of the file; PostgreSQL: a database made from it as a template, `<name>_start`). Each
side starts from a fresh copy of it (PostgreSQL: `<name>_side`; both dropped at the end):

  set-based  one `DELETE FROM records_pastloan WHERE returned_at < cutoff` in one
             transaction;
  purge      `custodian.retention.services.purge(categories=["reading_history"])`:
             batches by primary key, each one short transaction with its progress and its
             audit entry, the size adapting to TARGET_SECONDS (--target-seconds tries
             others, each from the same start);

first each alone, then each with the desk: a separate process doing check-outs and
check-ins through `custodian.circulation.services` as fast as it can, reporting the longest
single one (how long the desk waited for the write lock; one that gives up after SQLite's
30 s lock timeout is printed). The purge's longest batch (progress callback to progress
callback, an upper bound of its transaction) is reported too, and the load average after
each step. Targets (issue 11): purge <= 1.5 x set-based; no write held over 1 s.

    .venv/bin/python benchmarks/bench_purge.py [--loans 200000] [--repeat 1]
        [--batch-size 10000] [--target-seconds 0.25,0.1] [--no-desk | --desk-only]
        [--database-url postgres://...]
"""

import argparse
import datetime as dt
import multiprocessing
import os
import shutil
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
    """n past loans, returned 4 to 5 years ago (past any profile's period): loan i has
    patron i and item i in rotation, returned i minutes (modulo 500,000) before a moment
    1,800 days ago, out 14 days before that. Written by one INSERT ... SELECT in the
    database (generate_series on PostgreSQL, a recursive CTE on SQLite): 10 million rows
    in a minute or two, where a loop in Python took most of an hour."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    base = now - dt.timedelta(days=1800)
    p0, i0 = patron_ids[0], item_ids[0]
    # The rotation as arithmetic on the keys: they were created in one go, so contiguous.
    assert patron_ids == list(range(p0, p0 + len(patron_ids))), "patron keys not contiguous"
    assert item_ids == list(range(i0, i0 + len(item_ids))), "item keys not contiguous"
    columns = "INSERT INTO records_pastloan (patron_id, item_id, checked_out_at, returned_at)"
    keys = [p0, len(patron_ids), i0, len(item_ids)]
    if connection.vendor == "postgresql":
        sql = (
            f"{columns} SELECT %s + g %% %s, %s + g %% %s,"
            " %s - (g %% 500000) * interval '1 minute' - interval '14 days',"
            " %s - (g %% 500000) * interval '1 minute'"
            " FROM generate_series(0, %s) AS g"
        )
        params = [*keys, base, base, n - 1]
        with connection.cursor() as cursor:  # a fresh file: no dead rows from the last side
            cursor.execute("TRUNCATE records_pastloan")
    else:
        # Django keeps SQLite datetimes as naive UTC text, microseconds only when non-zero;
        # whole minutes leave them alone, so they are appended as they are.
        text = base.replace(tzinfo=None, microsecond=0).isoformat(" ")
        fraction = f".{base.microsecond:06d}" if base.microsecond else ""
        sql = (
            "WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s WHERE g < %s) "
            f"{columns} SELECT %s + g %% %s, %s + g %% %s,"
            " datetime(%s, '-' || (g %% 500000) || ' minutes', '-14 days') || %s,"
            " datetime(%s, '-' || (g %% 500000) || ' minutes') || %s"
            " FROM s"
        )
        params = [n - 1, *keys, text, fraction, text, fraction]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.rowcount in (n, -1), cursor.rowcount
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE records_pastloan")
            try:  # the fill's dirty pages written now, not during the timed side
                cursor.execute("CHECKPOINT")
            except Exception:  # noqa: BLE001 - needs pg_checkpoint; only a nicety
                pass
    return now


class _Start:
    """The starting state of every side, filled once and copied. SQLite: the database file
    copied aside (connections closed, so the file is whole) and back before each side.
    PostgreSQL: `CREATE DATABASE <name>_start TEMPLATE <name>` once, then before each side
    `<name>_side` made afresh from it, and the benchmark switched onto it (both dropped at
    the end)."""

    def __init__(self, n: int, patron_ids: list[int], item_ids: list[int]) -> None:
        from django.db import connection, connections

        self.now = _fill(n, patron_ids, item_ids)
        self.settings = connection.settings_dict
        self.name = self.settings["NAME"]
        connections.close_all()  # a template has no one connected; SQLite's WAL goes back
        if connection.vendor == "sqlite":
            self.path = Path(self.name)
            self.copy = self.path.with_name("start.sqlite3")
            shutil.copyfile(self.path, self.copy)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}_start"')
            self._admin(
                f'CREATE DATABASE "{self.name}_start" TEMPLATE "{self.name}" STRATEGY FILE_COPY'
            )

    def _admin(self, sql: str) -> None:
        from django.db import connection

        with connection._nodb_cursor() as cursor:  # on the "postgres" database
            cursor.execute(sql)

    def restore(self) -> dt.datetime:
        from django.db import connection, connections

        connections.close_all()
        if connection.vendor == "sqlite":
            for extra in ("-wal", "-shm"):
                Path(f"{self.path}{extra}").unlink(missing_ok=True)
            shutil.copyfile(self.copy, self.path)
        else:
            self.settings["NAME"] = self.name
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}_side"')
            self._admin(
                f'CREATE DATABASE "{self.name}_side" TEMPLATE "{self.name}_start"'
                " STRATEGY FILE_COPY"
            )
            self.settings["NAME"] = f"{self.name}_side"
        return self.now

    def close(self) -> None:
        from django.db import connection, connections

        connections.close_all()
        if connection.vendor == "postgresql":
            self.settings["NAME"] = self.name
            for suffix in ("_side", "_start"):
                self._admin(f'DROP DATABASE IF EXISTS "{self.name}{suffix}"')


def _desk(patron_pk, item_pks, branch_pk, stop, longest, count) -> None:
    """Another process, as the desk's web server is: check-outs and check-ins, one
    transaction each, as fast as they go; the longest single one."""
    from django.db import OperationalError, connection

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
            try:
                act()
            except OperationalError as error:  # the lock timeout ran out: say so, go on
                print(f"desk: gave up after {time.perf_counter() - started:.1f} s ({error})")
                failed = True
            else:
                failed = False
            took = time.perf_counter() - started
            with longest.get_lock():
                longest.value = max(longest.value, took)
                count.value += 1
            if failed:
                break  # a check-out that failed leaves nothing to check in
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


def _purge(now, batch_size: int, target: float):
    from custodian.retention import services

    gaps: list[float] = []
    last = [time.perf_counter()]

    def progress(name, done, total):
        moment = time.perf_counter()
        gaps.append(moment - last[0])
        last[0] = moment

    kept, services.TARGET_SECONDS = services.TARGET_SECONDS, target
    try:
        result = services.purge(now=now, categories=["reading_history"],
                                batch_size=batch_size, progress=progress)  # fmt: skip
    finally:
        services.TARGET_SECONDS = kept
    return result.total, max(gaps[1:] or [0.0]), result.batches


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument(
        "--target-seconds",
        default="",
        help="Comma-separated TARGET_SECONDS to purge with, each from the same start "
        "(default: the one in custodian/retention/services.py).",
    )
    parser.add_argument("--no-desk", action="store_true", help="Skip the runs with the desk.")
    parser.add_argument("--desk-only", action="store_true", help="Skip the runs alone.")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-purge-") as data_dir:
        _prepare(data_dir, args.database_url or None)
        from django.db import connection

        from custodian.retention import schedule, services

        targets = [float(t) for t in args.target_seconds.split(",") if t.strip()]
        targets = targets or [services.TARGET_SECONDS]
        schedule.rules()  # the policy engine loaded before any timing (as a server has it)
        branch, desk_patron, patron_ids, items = _library()
        item_ids = [i.pk for i in items]
        desk = (desk_patron.pk, item_ids[:200], branch.pk)
        print(f"database: {connection.vendor}; {args.loans:,} expired past loans; "
              f"batch size {args.batch_size:,}; TARGET_SECONDS {targets}; {_load()}",
              flush=True)  # fmt: skip
        filled = time.perf_counter()
        start = _Start(args.loans, patron_ids, item_ids)
        print(f"filled in {time.perf_counter() - filled:.1f} s; {_load()}", flush=True)
        try:
            for desk_args in [None] * (not args.desk_only) + [desk] * (not args.no_desk):
                _sides(start, args, targets, desk_args)
        finally:
            start.close()


def _sides(start: _Start, args, targets: list[float], desk_args) -> None:
    """Set-based, then a purge per target, each from the same start; best of --repeat."""
    label = "alone        " if desk_args is None else "with the desk"
    plain: list[float] = []
    ours: dict[float, list] = {t: [] for t in targets}
    for _ in range(args.repeat):
        now = start.restore()
        wall, wait, acts, deleted = _timed(lambda now=now: _set_based(now), desk_args)
        assert deleted == args.loans, deleted
        plain.append(wall)
        print(f"{label} set-based DELETE: {wall:8.2f} s" + _desk_words(desk_args, acts, wait)
              + f"; {_load()}", flush=True)  # fmt: skip
        for target in targets:
            now = start.restore()
            wall, wait, acts, (done, longest, batches) = _timed(
                lambda now=now, t=target: _purge(now, args.batch_size, t), desk_args
            )
            assert done == args.loans, done
            ours[target].append(wall)
            print(
                f"{label} purge at {target} s: {wall:8.2f} s; {batches:,} batches, longest "
                f"{longest:.3f} s" + _desk_words(desk_args, acts, wait) + f"; {_load()}",
                flush=True,
            )
    best_plain = min(plain)
    for target, walls in ours.items():
        print(
            f"{label} TARGET_SECONDS {target}: ratio purge / set-based "
            f"{min(walls) / best_plain:.2f} (best of {len(walls)}; target <= 1.5); rows per "
            f"second: set-based {args.loans / best_plain:,.0f}, purge {args.loans / min(walls):,.0f}",
            flush=True,
        )


def _desk_words(desk_args, acts: int, wait: float) -> str:
    if desk_args is None:
        return ""
    return f"; {acts:,} check-outs/ins alongside, the desk's longest {wait:.3f} s"


if __name__ == "__main__":
    main()
