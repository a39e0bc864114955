"""Importing patrons from a Koha CSV, against a plain bulk insert of the same patrons (a
benchmark, not a test).

In one process, on a scratch database (SQLite in a temporary folder, or --database-url, an
empty scratch database), it writes a Koha patron CSV of --patrons made-up patrons, then times,
interleaved, best and median of --repeat rounds, each into an empty patron table:

  import  `custodian.interchange.patron_import.import_file(path=...)`: reading and checking
          every row (dates, branch codes, e-mail addresses, duplicate cards), looking up the
          card numbers already here through the blind index, sealing every personal field
          under a new data key per patron, one transaction and its audit entry;
  plain   `Patron.objects.bulk_create` of the same values, already in memory (no file, no
          checks, no look-up), in one transaction. It seals too (the model's fields do it), so
          the ratio is what the import adds, not what encryption costs. Each patron's first
          sealed field makes its data key (three queries), as a plain save does;
  keyed   the same bulk_create with the data keys made and inserted a thousand at a time
          first, as the import does: the fastest plain path, and the fairer comparison.

Both leave the same number of patrons. Target (issue 12): import <= 3 x plain at 100,000.

PINs. Hashing a PIN is meant to be slow (Argon2, about 0.05-0.1 s each here), and would
dominate any import that has them: 100,000 clear PINs are hours of Argon2 whatever else the
import does. So the ratio is measured on a file with no PINs, and then, separately:

  --bcrypt-share S  the same file with a share S of the rows carrying a Koha bcrypt hash
                    (stored under a light Argon2 layer, custodian/interchange/pin_hashes.py);
  --clear N         N rows with clear PINs, imported on their own: seconds per PIN.

    .venv/bin/python benchmarks/bench_import_patrons.py [--patrons 100000] [--repeat 3]
        [--bcrypt-share 0.5] [--clear 50] [--database-url postgres://...]
"""

import argparse
import csv
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from scratch import prepare as _prepare

BRANCHES = ("CEN", "B01", "B02", "B03")


def _rows(patrons: int, *, seed: int = 12) -> list[dict]:
    from custodian.interchange.patrons import KOHA_COLUMNS
    from custodian.synth import words

    rng = random.Random(seed)
    today = dt.date.today()
    rows = []
    for n in range(patrons):
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        town, postcode = rng.choice(words.TOWNS)
        enrolled = today - dt.timedelta(days=rng.randrange(30, 3000))
        row = dict.fromkeys(KOHA_COLUMNS, "")
        row.update(
            cardnumber=f"29{n:012d}",
            surname=last,
            firstname=first,
            address=f"{rng.randint(10, 9999)} {rng.choice(words.STREETS)} St",
            city=town,
            state="CA",
            zipcode=postcode,
            email=f"{first}.{last}{n}@example.org".lower(),
            phone=f"(707) 555-01{rng.randrange(100):02d}",
            dateofbirth=(today - dt.timedelta(days=rng.randrange(2000, 30000))).isoformat(),
            branchcode=rng.choice(BRANCHES),
            categorycode="PT",
            dateenrolled=enrolled.isoformat(),
            dateexpiry=(enrolled + dt.timedelta(days=1095)).isoformat(),
            privacy=rng.choice("0122"),
        )
        rows.append(row)
    return rows


def _write(path: Path, rows: list[dict]) -> Path:
    from custodian.interchange.patrons import KOHA_COLUMNS

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=KOHA_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _empty() -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM records_patron")
        cursor.execute("DELETE FROM records_datakey")


def _plain(rows: list[dict], branches: dict, *, bulk_keys: bool = False) -> float:
    """The same patrons, values already parsed, straight into bulk_create (which seals).

    With `bulk_keys`, the data keys are made and inserted a thousand at a time first, as the
    import does, instead of one by one as each patron's first sealed field asks for it."""
    from django.db import transaction

    from custodian.records import sealing
    from custodian.records.models import DataKey, Patron

    values = [
        (
            r["cardnumber"],
            r["firstname"],
            r["surname"],
            "\n".join((r["address"], "", r["city"], r["state"], r["zipcode"])),
            r["phone"],
            r["email"],
            dt.date.fromisoformat(r["dateofbirth"]),
            branches[r["branchcode"]],
            dt.date.fromisoformat(r["dateenrolled"]),
            dt.date.fromisoformat(r["dateexpiry"]),
            r["privacy"] == "0",
        )
        for r in rows
    ]
    started = time.perf_counter()
    with transaction.atomic():
        patrons = [
            Patron(
                card_number=card,
                first_name=first,
                last_name=last,
                address=address,
                phone=phone,
                email=email,
                birth_date=born,
                home_branch_id=branch,
                registered_on=enrolled,
                expires_on=expires,
                keeps_reading_history=keeps,
            )
            for card, first, last, address, phone, email, born, branch, enrolled, expires, keeps in values
        ]
        for start in range(0, len(patrons), 1000):
            batch = patrons[start : start + 1000]
            if bulk_keys:
                DataKey.objects.bulk_create(
                    DataKey(owner_ref=owner, wrapped=wrapped, master_id=mid)
                    for owner, wrapped, mid in (sealing.new_key_row(p.ref) for p in batch)
                )
            Patron.objects.bulk_create(batch)
    return time.perf_counter() - started


def _import(path: Path) -> float:
    from custodian.interchange.patron_import import import_file

    started = time.perf_counter()
    report = import_file(path=path).report
    took = time.perf_counter() - started
    assert report.written and not report.errors, report.errors[:3]
    return took


def _count() -> int:
    from custodian.records.models import Patron

    return Patron.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patrons", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bcrypt-share", type=float, default=0.5)
    parser.add_argument("--clear", type=int, default=50)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-patrons-") as data_dir:
        _prepare(data_dir, args.database_url or None)
        import bcrypt
        from django.db import connection

        from custodian.records.models import Branch

        for code in BRANCHES:
            Branch.objects.get_or_create(code=code, defaults={"name": code})
        branches = dict(Branch.objects.values_list("code", "id"))
        rows = _rows(args.patrons)
        folder = Path(data_dir)
        path = _write(folder / "patrons.csv", rows)
        print(f"database: {connection.vendor}; {args.patrons:,} patrons, no PINs")
        plain, keyed, ours = [], [], []
        for _ in range(args.repeat):
            _empty()
            plain.append(_plain(rows, branches))
            assert _count() == args.patrons
            _empty()
            keyed.append(_plain(rows, branches, bulk_keys=True))
            assert _count() == args.patrons
            _empty()
            ours.append(_import(path))
            assert _count() == args.patrons
        for name, runs in (
            ("plain bulk_create          ", plain),
            ("plain, keys made in bulk   ", keyed),
            ("custodian import           ", ours),
        ):
            print(f"{name}: best {min(runs):7.2f} s, median {statistics.median(runs):.2f}, "
                  f"{args.patrons / min(runs):,.0f} patrons/s")  # fmt: skip
        for name, base in (("plain bulk_create", plain), ("plain, keys in bulk", keyed)):
            print(f"ratio import / {name}: {min(ours) / min(base):.2f} best, "
                  f"{statistics.median(ours) / statistics.median(base):.2f} median (target <= 3)")  # fmt: skip

        if args.bcrypt_share > 0:
            # Koha's own cost (8) for the source hashes; made once, outside any timing.
            rng = random.Random(3)
            salts = [bcrypt.gensalt(8, prefix=b"2a") for _ in range(16)]
            source = {pin: bcrypt.hashpw(pin.encode(), salts[i % 16]).decode()
                      for i, pin in enumerate(f"{n:04d}" for n in range(64))}  # fmt: skip
            hashed = [
                {**r, "password": source[rng.choice(list(source))]}
                if rng.random() < args.bcrypt_share
                else r
                for r in rows
            ]
            with_hashes = _write(folder / "patrons-bcrypt.csv", hashed)
            share = sum(1 for r in hashed if r["password"])
            _empty()
            took = _import(with_hashes)
            print(f"with {share:,} Koha bcrypt hashes: import {took:7.2f} s; ratio to the plain "
                  f"inserts without PINs {took / min(plain):.2f} (bulk_create), "
                  f"{took / min(keyed):.2f} (keys in bulk)")  # fmt: skip

        if args.clear > 0:
            clear = [
                {**r, "password": f"{n % 10_000:04d}"} for n, r in enumerate(rows[: args.clear])
            ]
            clear_path = _write(folder / "patrons-clear.csv", clear)
            _empty()
            took = _import(clear_path)
            print(f"{args.clear:,} clear PINs (Argon2 each): {took:7.2f} s, "
                  f"{took / args.clear:.3f} s per patron")  # fmt: skip


if __name__ == "__main__":
    main()
