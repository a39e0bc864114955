"""`import_catalogue`: bibliographic records and their items from MARC 21 into the catalogue
(docs/import-catalogue.md).

All or nothing: every record is read and checked before anything is written, and any
problem anywhere means nothing is written. Items are matched by barcode, so the same file
twice changes nothing and a changed record updates its items. An item's status is set only
when the item is new: a loan, a hold shelf or a desk's "lost" is never undone by a file.

The catalogue is not patron data, and no write to it is audited anywhere in Custodian (the
generator and the admin write items without an audit entry), so a run leaves one log line
with its counts on the `custodian.interchange` logger rather than an audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from custodian.interchange.marc import MarcFileError, Title, detect_format, read_titles
from custodian.records.models import Branch, Item

log = logging.getLogger("custodian.interchange")

Progress = Callable[[str, int, int], None]

# The catalogue columns a file sets on an item it already knows (never status).
UPDATED_FIELDS = (
    "title",
    "author",
    "call_number",
    "branch_id",
    "collection",
    "item_type",
    "record_number",
    "isbn",
    "replacement_cost",
)
_LOOKUP_CHUNK = 900  # barcodes per IN (...) query, under SQLite's old variable limit


class CatalogueFileError(Exception):
    """The file cannot be used at all (missing, unknown format, not MARC). One line."""


@dataclass
class ImportResult:
    path: str
    fmt: str
    dry_run: bool
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Records with no 952 and no 852: a note each, not an error ("nothing to lend").
    without_items: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: int = 0  # records with at least one error

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors


def import_catalogue(
    *, path: Path, fmt: str = "auto", dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Read, check and (unless `dry_run` or anything is wrong) write the file's items."""
    path = Path(path)
    if not path.is_file():
        raise CatalogueFileError(f"no file at {path}")
    try:
        fmt = detect_format(path) if fmt == "auto" else fmt
    except MarcFileError as error:
        raise CatalogueFileError(str(error)) from error
    result = ImportResult(path=str(path), fmt=fmt, dry_run=dry_run)

    def reading(done: int, total: int) -> None:
        if progress is not None:
            progress("Reading (%)", done * 100 // max(total, 1), 100)

    try:
        titles = list(read_titles(path, fmt=fmt, progress=reading))
    except MarcFileError as error:
        raise CatalogueFileError(str(error)) from error
    if not titles:
        raise CatalogueFileError(f"{path.name} holds no MARC records")
    result.records = len(titles)
    rows = _check(titles, result=result)
    if result.errors:
        return result
    existing = _existing(list(rows), progress=progress)
    to_create, to_update = _plan(rows, existing, result=result)
    if progress is not None:
        progress("Checking items", len(rows), len(rows))
    if dry_run:
        return result
    with transaction.atomic():
        done = 0
        for start in range(0, len(to_create), 2000):
            batch = to_create[start : start + 2000]
            Item.objects.bulk_create(batch)
            done += len(batch)
            if progress is not None:
                progress("Writing items", done, len(to_create) + len(to_update))
        for start in range(0, len(to_update), 500):
            batch = to_update[start : start + 500]
            Item.objects.bulk_update(batch, UPDATED_FIELDS)
            done += len(batch)
            if progress is not None:
                progress("Writing items", done, len(to_create) + len(to_update))
    log.info(
        "catalogue import from %s: %d record(s), %d item(s) created, %d updated, "
        "%d unchanged, %d record(s) without items",
        path.name,
        result.records,
        result.created,
        result.updated,
        result.unchanged,
        len(result.without_items),
    )
    return result


def _check(titles: list[Title], *, result: ImportResult) -> dict[str, dict]:
    """The file's items by barcode as Item column values; every problem into result.errors."""
    branches = dict(Branch.objects.values_list("code", "id"))
    seen: dict[str, int] = {}
    rows: dict[str, dict] = {}
    for t in titles:
        problems = list(t.problems)
        if not t.copies and not t.problems:
            result.without_items.append(f"{t.label} has no items; nothing to lend (skipped)")
        for copy in t.copies:
            branch_id = branches.get(copy.branch)
            if branch_id is None:
                problems.append(
                    f"branch code {copy.branch!r} of item {copy.barcode} is not a branch here "
                    f"(the branches are {', '.join(sorted(branches)) or 'none yet'})"
                )
            if copy.barcode in seen:
                problems.append(
                    f"item barcode {copy.barcode} is also in record {seen[copy.barcode]}; "
                    "a barcode belongs to one item"
                )
                continue
            seen[copy.barcode] = t.number
            rows[copy.barcode] = {
                "title": t.title,
                "author": t.author,
                "call_number": copy.call_number,
                "branch_id": branch_id,
                "collection": copy.collection,
                "item_type": copy.item_type,
                "record_number": t.control_number,
                "isbn": t.isbn,
                "replacement_cost": copy.price,  # None: keep the item's (or the default)
                "status": copy.status,
            }
        if problems:
            result.refused += 1
            result.errors += [f"{t.label}: {p}" for p in problems]
    return rows


def _existing(barcodes: list[str], *, progress: Progress | None) -> dict[str, Item]:
    found: dict[str, Item] = {}
    columns = ("pk", "barcode", *UPDATED_FIELDS)
    for start in range(0, len(barcodes), _LOOKUP_CHUNK):
        chunk = barcodes[start : start + _LOOKUP_CHUNK]
        for item in Item.objects.filter(barcode__in=chunk).only(*columns):
            found[item.barcode] = item
        if progress is not None:
            progress("Checking items", start + len(chunk), len(barcodes))
    return found


def _plan(
    rows: dict[str, dict], existing: dict[str, Item], *, result: ImportResult
) -> tuple[list[Item], list[Item]]:
    to_create: list[Item] = []
    to_update: list[Item] = []
    for barcode, values in rows.items():
        item = existing.get(barcode)
        cost = values.pop("replacement_cost")
        status = values.pop("status")
        if item is None:
            new = Item(barcode=barcode, status=status, **values)
            if cost is not None:
                new.replacement_cost = cost
            to_create.append(new)
            continue
        if cost is not None:
            values["replacement_cost"] = cost
        changed = False
        for name, value in values.items():
            if getattr(item, name) != value:
                setattr(item, name, value)
                changed = True
        if changed:
            to_update.append(item)
        else:
            result.unchanged += 1
    result.created = len(to_create)
    result.updated = len(to_update)
    return to_create, to_update
