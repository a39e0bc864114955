"""Importing a MARC catalogue, against a plain bulk insert of the same items (a benchmark,
not a test).

In one process, on a scratch database (SQLite, or --database-url), it writes --records
binary MARC records with one Koha 952 item each (title, author, ISBN, branch, call number,
collection, item type, price), then times, interleaved, best and median of --repeat rounds,
each into an empty catalogue:

  import  `custodian.interchange.catalogue_import.import_catalogue(path=...)`: reading and
          decoding the file with pymarc, checking every record (branches, barcodes, widths),
          looking up the barcodes already there, and writing in one transaction;
  plain   `Item.objects.bulk_create` of the same rows, already in memory as tuples (no file,
          no checks), in one transaction;

checks that both leave the same rows, and prints the ratio (target: import <= 3 x plain,
issue 12, at 100,000 records).

    .venv/bin/python benchmarks/bench_import_catalogue.py [--records 100000] [--repeat 3]
        [--database-url postgres://...  (an empty scratch database)]
"""

import argparse
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from scratch import prepare as _prepare

BRANCHES = ("CEN", "B01", "B02", "B03")
COLLECTIONS = (
    ("Adult fiction", "Book"),
    ("Teen", "Book"),
    ("DVDs", "DVD"),
    ("Audiobooks", "Audiobook"),
)


def _rows(records: int) -> list[tuple]:
    """(barcode, title, author, isbn, branch, call number, collection, item type, price)."""
    from custodian.synth import catalogue_words as cw
    from custodian.synth import words

    rows = []
    for n in range(records):
        adj = cw.ADJECTIVES[n % len(cw.ADJECTIVES)]
        noun = cw.NOUNS[(n // 7) % len(cw.NOUNS)]
        last = words.LAST_NAMES[(n // 3) % len(words.LAST_NAMES)]
        first = words.FIRST_NAMES[(n // 11) % len(words.FIRST_NAMES)]
        collection, kind = COLLECTIONS[n % len(COLLECTIONS)]
        rows.append((
            f"3399{n:010d}", f"The {adj} {noun}, part {n}", f"{last}, {first}",
            f"978{n:010d}", BRANCHES[n % len(BRANCHES)], f"FIC {last[:3].upper()}",
            collection, kind, Decimal(10 + n % 30) + Decimal("0.99"),
        ))  # fmt: skip
    return rows


def _write_file(path: Path, rows: list[tuple]) -> None:
    from pymarc import Field, Leader, Record, Subfield

    with path.open("wb") as handle:
        for n, (barcode, title, author, isbn, branch, call, coll, kind, price) in enumerate(rows):
            record = Record(force_utf8=True, leader=Leader("00000nam a2200000 a 4500"))
            record.add_field(Field(tag="001", data=str(n + 1)))
            record.add_field(
                Field(tag="020", indicators=[" ", " "], subfields=[Subfield("a", isbn)])
            )
            record.add_field(
                Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", author + ",")])
            )
            record.add_field(
                Field(tag="245", indicators=["1", "4"], subfields=[Subfield("a", title + ".")])
            )
            record.add_field(Field(tag="952", indicators=[" ", " "], subfields=[
                Subfield("a", branch), Subfield("b", branch), Subfield("o", call),
                Subfield("8", coll), Subfield("y", kind), Subfield("p", barcode),
                Subfield("v", f"{price}"),
            ]))  # fmt: skip
            handle.write(record.as_marc())


def _empty() -> None:
    from django.db import connection

    from custodian.records.models import Item

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Item._meta.db_table}")  # noqa: S608 (our own table name)


def _plain(rows: list[tuple], branch_ids: dict[str, int]) -> float:
    from django.db import transaction

    from custodian.records.models import Item

    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, len(rows), 2000):
            Item.objects.bulk_create([
                Item(barcode=b, title=t, author=a, isbn=i, branch_id=branch_ids[br],
                     call_number=c, collection=co, item_type=k, replacement_cost=p,
                     record_number=str(start + n + 1))
                for n, (b, t, a, i, br, c, co, k, p) in enumerate(rows[start : start + 2000])
            ])  # fmt: skip
    return time.perf_counter() - started


def _import(path: Path) -> float:
    from custodian.interchange.catalogue_import import import_catalogue

    started = time.perf_counter()
    result = import_catalogue(path=path)
    took = time.perf_counter() - started
    assert not result.errors and result.created == result.records, result.errors[:3]
    return took


def _snapshot() -> list[tuple]:
    from custodian.records.models import Item

    return sorted(
        Item.objects.values_list(
            "barcode", "title", "author", "isbn", "branch_id", "call_number", "collection",
            "item_type", "replacement_cost", "record_number", "status",
        )
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="an empty scratch database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="custodian-bench-") as data_dir:
        _prepare(data_dir, args.database_url)
        from django.db import connection

        from custodian.records.models import Branch

        branch_ids = {c: Branch.objects.create(code=c, name=f"Branch {c}").pk for c in BRANCHES}
        rows = _rows(args.records)
        path = Path(data_dir) / "catalogue.mrc"
        started = time.perf_counter()
        _write_file(path, rows)
        written = time.perf_counter() - started
        # The same rows either way (the import trims the ISBD full stop and comma).
        _import(path)
        imported = _snapshot()
        _empty()
        _plain(rows, branch_ids)
        assert _snapshot() == imported, "the import and the plain insert left different rows"
        _empty()
        times = {"import": [], "plain": []}
        for _ in range(args.repeat):
            times["plain"].append(_plain(rows, branch_ids))
            _empty()
            times["import"].append(_import(path))
            _empty()
        print(f"database: {connection.vendor}; records: {args.records:,} (one item each)")
        print(f"  file: {path.stat().st_size / 1e6:,.1f} MB, written in {written:,.2f} s")
        for name in ("import", "plain"):
            t = times[name]
            print(f"  {name:6}  best {min(t):8.3f} s   median {statistics.median(t):8.3f} s")
        ratio = statistics.median(times["import"]) / statistics.median(times["plain"])
        print(f"  ratio import / plain (median): {ratio:.3f}  (target <= 3)")


if __name__ == "__main__":
    main()
