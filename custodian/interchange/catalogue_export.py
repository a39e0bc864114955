"""`export_catalogue`: every item, as MARC 21 bibliographic records with a Koha 952 per item
(docs/import-catalogue.md).

Items imported from one record (the same `record_number`) are written as that one record
again. Only catalogue columns are read: no loan, hold, due date or patron goes near the
file, so an export can be handed to anyone.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from custodian.interchange.marc import MarcWriter, OutCopy, build_record
from custodian.records.models import Branch, Item

# The columns an export reads: the catalogue's, and nothing that names a loan or a patron.
_COLUMNS = (
    "record_number",
    "title",
    "author",
    "isbn",
    "barcode",
    "branch_id",
    "call_number",
    "collection",
    "item_type",
    "replacement_cost",
    "status",
)
# Lost and withdrawn are the statuses a 952 carries ($1, $0). Which items are out is not
# written: Koha keeps that as a due date (952 $q), and a due date belongs to a loan.
_STATUS_OUT = {"lost": "lost", "withdrawn": "withdrawn"}


@dataclass(frozen=True)
class ExportResult:
    path: str
    fmt: str
    records: int
    items: int


def export_catalogue(
    *, path: Path, fmt: str = "marc", progress: Callable[[int, int], None] | None = None
) -> ExportResult:
    """Write the whole catalogue to `path`; the file appears whole or not at all."""
    path = Path(path)
    codes = dict(Branch.objects.values_list("id", "code"))
    total = Item.objects.count()
    # Items of one source record come together; items made here (no record number) are
    # grouped by what they are, so copies of one title still make one record.
    rows = (
        Item.objects.order_by("record_number", "title", "author", "isbn", "pk")
        .values_list(*_COLUMNS)
        .iterator(chunk_size=2000)
    )
    records = items = 0
    handle = tempfile.NamedTemporaryFile(
        "wb", dir=path.parent, prefix=f".{path.name}.", delete=False
    )
    try:
        writer = MarcWriter(handle, fmt=fmt)
        key = None
        head: tuple = ()
        copies: list[OutCopy] = []

        def flush() -> None:
            nonlocal records
            if copies:
                number, title, author, isbn = head
                writer.write(
                    build_record(
                        control_number=number, title=title, author=author, isbn=isbn,
                        copies=copies,
                    )
                )  # fmt: skip
                records += 1

        for row in rows:
            number, title, author, isbn, barcode, branch_id, call, coll, kind, cost, status = row
            this = (number,) if number else ("", title, author, isbn)
            if this != key:
                flush()
                key, head, copies = this, (number, title, author, isbn), []
            copies.append(
                OutCopy(
                    barcode=barcode,
                    branch=codes[branch_id],
                    call_number=call,
                    collection=coll,
                    item_type=kind,
                    price=cost,
                    status=_STATUS_OUT.get(status, "available"),
                )
            )
            items += 1
            if progress is not None and items % 1000 == 0:
                progress(items, total)
        flush()
        writer.close()
        handle.close()
        os.replace(handle.name, path)
    except BaseException:
        handle.close()
        Path(handle.name).unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(total, total)
    return ExportResult(path=str(path), fmt=fmt, records=records, items=items)
