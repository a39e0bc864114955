"""A door read of a patron with sealed personal fields, against the same read unsealed.

A benchmark, not a test. In one process, on a scratch SQLite database in a temporary folder,
it builds patrons with every personal field filled in and a few loans, holds and a charge,
then makes an unsealed twin of each: the same row with its personal columns rewritten in
clear by SQL (the sealed field hands a value that is not sealed text back as it is, so the
twin goes through exactly the same code with no decryption). It then reads each patron as
the desk's patron page does (`custodian.door.read_patron` with the page's fields, as a
clerk: the policy decision, the audit entry and its COMMIT included), alternating sealed and
unsealed blocks, and prints the time per read and the ratio (target: sealed <= 1.3 x
unsealed). Two sealed figures: "warm" (the data key is in the process's cache, the usual
case at a desk) and "cold" (the cache emptied before every read: one more query for the
key and an AES-GCM unwrap).

    .venv/bin/python benchmarks/bench_door_sealing.py [--patrons 200] [--rounds 5]
        [--synchronous FULL|NORMAL]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PERSONAL = ("card_number", "first_name", "last_name", "address", "phone", "email", "birth_date")


def _prepare(data_dir: str) -> None:
    os.environ["CUSTODIAN_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)  # always the scratch SQLite file, never a real library
    os.environ.setdefault("CUSTODIAN_SECRET_KEY", "bench-only-secret-key-not-for-production-000")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from custodian import djangoenv

    djangoenv.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _library(patrons: int):
    import datetime as dt
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from custodian.accounts.models import Role, StaffUser
    from custodian.records.models import Branch, Charge, Item, Loan, Patron

    branch = Branch.objects.create(code="BENCH", name="Benchmark Branch")
    clerk = StaffUser.objects.create_user(
        username="bench-clerk", password="not-used-here-0", role=Role.DESK
    )
    clerk.branch = branch
    clerk.save(update_fields=["branch"])
    today = timezone.localdate()
    now = timezone.now()
    made = []
    for n in range(2 * patrons):
        patron = Patron.objects.create(
            card_number=f"2100{n:010d}",
            first_name=f"Benchfirst{n}",
            last_name=f"Benchlast{n}",
            address=f"{n} Benchmark Road, Sebastopol CA 95472",
            phone=f"707-555-{n % 10000:04d}",
            email=f"bench{n}@example.org",
            birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=n),
            home_branch=branch,
            registered_on=today - dt.timedelta(days=30),
            expires_on=today + dt.timedelta(days=365),
        )
        for k in range(3):
            item = Item.objects.create(
                barcode=f"39{n:08d}{k:02d}", title=f"Benchmark Title {n}-{k}", branch=branch
            )
            Loan.objects.create(
                patron=patron,
                item=item,
                branch=branch,
                checked_out_at=now - dt.timedelta(days=10),
                due_on=today + dt.timedelta(days=k - 1),
            )
        Charge.objects.create(
            patron=patron, kind="other", amount=Decimal("1.50"), assessed_at=now, note=""
        )
        made.append(patron)
    sealed, plain = made[:patrons], made[patrons:]
    # The unsealed twins: the personal columns in clear, written past the sealed field.
    with connection.cursor() as cursor:
        for patron in plain:
            cursor.execute(
                "UPDATE records_patron SET card_number=%s, first_name=%s, last_name=%s, "
                "address=%s, phone=%s, email=%s, birth_date=%s WHERE id=%s",
                [*(str(getattr(patron, f)) for f in PERSONAL), patron.pk],
            )
    check = Patron.objects.get(pk=plain[0].pk)
    assert check.first_name == plain[0].first_name and check.birth_date == plain[0].birth_date
    return clerk, [p.ref for p in sealed], [p.ref for p in plain]


def _reads(clerk, refs, *, cold: bool) -> list[float]:
    from custodian import door
    from custodian.desk.views import ACCOUNT_FIELDS, HISTORY_FIELDS
    from custodian.records import sealing

    reader = door.Reader.staff(clerk)
    fields = ACCOUNT_FIELDS + door.needed_fields(reader=reader, fields=HISTORY_FIELDS)
    times = []
    for ref in refs:
        if cold:
            sealing.clear_cache()
        start = time.perf_counter()
        view = door.read_patron(
            reader=reader, patron_ref=ref, purpose="library_business", fields=fields
        )
        times.append(time.perf_counter() - start)
        assert view is not None
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patrons", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--synchronous",
        default="FULL",
        choices=("FULL", "NORMAL"),
        help="SQLite's fsync setting: the project's FULL, or NORMAL (commits cost less, so the "
        "sealing's share of a read is larger).",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sealing-") as data_dir:
        _prepare(data_dir)
        clerk, sealed, plain = _library(args.patrons)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={args.synchronous}")
        from custodian.records import sealing

        _reads(clerk, sealed[:20], cold=False)  # warm up both paths
        _reads(clerk, plain[:20], cold=False)
        got = {"unsealed": [], "sealed (warm key cache)": [], "sealed (cold key cache)": []}
        for _ in range(args.rounds):
            got["unsealed"] += _reads(clerk, plain, cold=False)
            sealing.clear_cache()
            _reads(clerk, sealed, cold=False)  # fill the cache as a day at the desk does
            got["sealed (warm key cache)"] += _reads(clerk, sealed, cold=False)
            got["sealed (cold key cache)"] += _reads(clerk, sealed, cold=True)
        base = statistics.median(got["unsealed"])
        print(
            f"door reads of the desk's patron page, {args.patrons} patrons x {args.rounds}, "
            f"SQLite synchronous={args.synchronous}"
        )
        print(f"{'':26} {'median':>10} {'mean':>10}  ratio (median)")
        for label, times in got.items():
            med, mean = statistics.median(times), statistics.fmean(times)
            print(f"{label:26} {med * 1e3:8.3f} ms {mean * 1e3:8.3f} ms  {med / base:5.2f}")


if __name__ == "__main__":
    main()
