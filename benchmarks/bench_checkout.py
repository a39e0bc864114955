"""Durable check-outs per second through the door, against plain single-row SQLite commits.

A benchmark, not a test. In one process, on a scratch SQLite database in a temporary
folder, it measures:

  door    one check-out per transaction through `custodian.door.check_out`: patron and
          item read in one query, the policy engine's decision, need-to-know, the
          hash-chained audit entry and the circulation write service (check the holds,
          insert the loan, mark the item), then COMMIT: 8 SQL statements in all (BEGIN,
          COMMIT and six through the driver's cursor, not Django's wrapper);
  plain   one INSERT of one row per transaction into a scratch table, then COMMIT, through
          the same Django connection with the same settings;

and prints both rates and their ratio (target: door >= 25 % of plain). Each is measured
with SQLite's `synchronous` at the project's setting, FULL, where every COMMIT waits for
fsync (each commit is durable against power loss), and, for reference, at NORMAL.

    .venv/bin/python benchmarks/bench_checkout.py [--checkouts 2000] [--plain 5000]
"""

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rate:
    count: int
    wall: float
    cpu: float

    @property
    def per_second(self) -> float:
        return self.count / self.wall

    @property
    def cpu_us(self) -> float:
        return self.cpu / self.count * 1e6


def _merge(a: Rate, b: Rate) -> Rate:
    return Rate(a.count + b.count, a.wall + b.wall, a.cpu + b.cpu)


def _prepare(data_dir: str) -> None:
    os.environ["CUSTODIAN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # always the scratch SQLite file, never a real library
    os.environ.setdefault("CUSTODIAN_SECRET_KEY", "bench-only-secret-key-not-for-production-000")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from custodian import djangoenv

    djangoenv.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _library(items: int, patrons: int):
    import datetime as dt

    from django.utils import timezone

    from custodian.accounts.models import Role, StaffUser
    from custodian.records.models import Branch, Item, Patron

    branch = Branch.objects.create(code="BENCH", name="Benchmark Branch")
    clerk = StaffUser.objects.create_user(
        username="bench-clerk", password="not-used-here-0", role=Role.DESK
    )
    clerk.branch = branch
    clerk.save(update_fields=["branch"])
    today = timezone.localdate()
    Patron.objects.bulk_create(
        Patron(
            card_number=f"2100{n:010d}",
            first_name="Bench",
            last_name=f"Patron{n}",
            birth_date=dt.date(1980, 1, 1),
            home_branch=branch,
            registered_on=today - dt.timedelta(days=30),
            expires_on=today + dt.timedelta(days=365),
        )
        for n in range(patrons)
    )
    Item.objects.bulk_create(
        Item(barcode=f"3900{n:010d}", title=f"Benchmark Title {n}", branch=branch)
        for n in range(items)
    )
    refs = list(Patron.objects.order_by("pk").values_list("ref", flat=True))
    barcodes = list(Item.objects.order_by("pk").values_list("barcode", flat=True))
    return clerk, refs, barcodes


def _set_synchronous(mode: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA synchronous={mode}")


def _pragmas() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        out = {}
        for name in ("journal_mode", "synchronous"):
            cursor.execute(f"PRAGMA {name}")
            out[name] = cursor.fetchone()[0]
    return out


def _plain_commits(n: int, start: int) -> float:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_plain (id INTEGER PRIMARY KEY, n INTEGER, payload TEXT)"
        )
    began, cpu = time.perf_counter(), time.process_time()
    for i in range(start, start + n):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_plain (n, payload) VALUES (%s, %s)", [i, "one plain row"]
            )
    return Rate(n, time.perf_counter() - began, time.process_time() - cpu)


def _door_checkouts(reader, refs, barcodes) -> float:
    from custodian import door

    began, cpu = time.perf_counter(), time.process_time()
    for i, barcode in enumerate(barcodes):
        door.check_out(reader=reader, patron_ref=refs[i % len(refs)], item_barcode=barcode)
    return Rate(len(barcodes), time.perf_counter() - began, time.process_time() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkouts", type=int, default=2000, help="check-outs per round")
    parser.add_argument("--plain", type=int, default=5000, help="plain commits per round")
    parser.add_argument("--patrons", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="custodian-bench-") as data_dir:
        _prepare(data_dir)
        from custodian import door

        modes = ("FULL", "NORMAL")
        warmup = 50
        total_items = warmup + args.checkouts * len(modes)
        clerk, refs, barcodes = _library(total_items, args.patrons)
        reader = door.Reader.staff(clerk)

        # Warm up: the engine parses the profile once, Django fills its caches.
        _door_checkouts(reader, refs, barcodes[:warmup])
        _plain_commits(warmup, 0)

        print(f"custodian check-out benchmark (scratch SQLite in {data_dir})")
        print(f"  load average at start: {os.getloadavg()[0]:.1f}")
        offset, plain_n = warmup, warmup
        for mode in modes:
            _set_synchronous(mode)
            pragmas = _pragmas()
            # Plain commits before and after the check-outs, pooled: evens out drift.
            plain_a = _plain_commits(args.plain, plain_n)
            plain_n += args.plain
            door_rate = _door_checkouts(reader, refs, barcodes[offset : offset + args.checkouts])
            offset += args.checkouts
            plain_b = _plain_commits(args.plain, plain_n)
            plain_n += args.plain
            plain = _merge(plain_a, plain_b)
            ratio = door_rate.per_second / plain.per_second
            print(
                f"  synchronous={mode:<6} journal={pragmas['journal_mode']}: "
                f"door check-outs {door_rate.per_second:,.0f}/s "
                f"({door_rate.wall / door_rate.count * 1e3:.2f} ms wall, "
                f"{door_rate.cpu_us:,.0f} us CPU each); "
                f"plain commits {plain.per_second:,.0f}/s "
                f"({plain.wall / plain.count * 1e3:.2f} ms wall, {plain.cpu_us:,.0f} us CPU each); "
                f"ratio {ratio:.1%} ({'meets' if ratio >= 0.25 else 'below'} the 25 % target)"
            )
        print(f"  load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
