"""Past circulation (reading history) from the system being left: an optional second file.

A patron's reading history comes across only when their own opt-in is in the patron file of
the same run (Koha's `privacy` = 0, "keep forever"; a mapped CSV's reading-history column).
Any line for a patron without that opt-in is refused, and with it the whole run: a history
file should hold nobody else's reading (docs/import.md).

Columns (Koha's old_issues names): cardnumber, barcode, issuedate, returndate. A date is
`YYYY-MM-DD` or `YYYY-MM-DD HH:MM[:SS]`, in the library's time zone.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from custodian.interchange.patrons import FileError
from custodian.records import sealing
from custodian.records.models import Item, PastLoan

COLUMNS = ("cardnumber", "barcode", "issuedate", "returndate")
_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class HistoryRow:
    line: int
    card_number: str
    barcode: str
    out: dt.datetime
    back: dt.datetime


def read_history(lines: Iterable[str]) -> tuple[list[HistoryRow], list[str]]:
    reader = csv.DictReader(lines)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    absent = [c for c in COLUMNS if c not in header]
    if absent:
        raise FileError(f"history file, line 1: no column {', '.join(absent)}")
    rows: list[HistoryRow] = []
    errors: list[str] = []
    start = reader.line_num + 1
    for raw in reader:
        line = start
        start = reader.line_num + 1
        values = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        if not any(values.values()):
            continue
        problems = []
        if not values["cardnumber"]:
            problems.append(f"history file, line {line}: the card number (cardnumber) is empty")
        if not values["barcode"]:
            problems.append(f"history file, line {line}: the barcode (barcode) is empty")
        moments = {}
        for column in ("issuedate", "returndate"):
            moments[column] = _moment(values[column])
            if moments[column] is None:
                problems.append(
                    f"history file, line {line}: the {column} is not a date like 2024-03-01"
                )
        if not problems and moments["returndate"] < moments["issuedate"]:
            problems.append(f"history file, line {line}: returned before it was checked out")
        errors.extend(problems)
        if not problems:
            rows.append(
                HistoryRow(
                    line=line,
                    card_number=values["cardnumber"],
                    barcode=values["barcode"],
                    out=moments["issuedate"],
                    back=moments["returndate"],
                )
            )
    return rows, errors


def _moment(text: str) -> dt.datetime | None:
    for pattern in _FORMATS:
        try:
            return timezone.make_aware(dt.datetime.strptime(text, pattern))
        except ValueError:
            continue
    return None


def plan_history(*, history: list[HistoryRow], existing: dict, keeps: dict) -> tuple:
    """(rows to add as (card index, item id, out, back), errors, how many are already here).

    `existing` holds the patrons already here by card index; `keeps` each patron file row's
    reading-history choice by card index (None when the file says nothing)."""
    items = _items({r.barcode for r in history})
    patron_ids = [p.pk for p in existing.values()]
    already = set(
        PastLoan.objects.filter(patron_id__in=patron_ids).values_list(
            "patron_id", "item_id", "checked_out_at"
        )
    )
    ids = {index: p.pk for index, p in existing.items()}
    planned, errors, unchanged = [], [], 0
    seen = set()  # the same loan twice in the file is one loan
    for row in history:
        index = sealing.card_index(row.card_number)
        where = f"history file, line {row.line}"
        if index not in keeps:
            errors.append(f"{where}: the card number is not in the patron file of this run")
            continue
        if keeps[index] is not True:
            errors.append(
                f"{where}: the patron has not chosen to keep their reading history "
                "(no opt-in in the patron file), so their history is refused"
            )
            continue
        if row.barcode not in items:
            errors.append(f"{where}: no item has the barcode {row.barcode}")
            continue
        key = (index, items[row.barcode], row.out)
        if (ids.get(index), items[row.barcode], row.out) in already or key in seen:
            unchanged += 1
            continue
        seen.add(key)
        planned.append((index, items[row.barcode], row.out, row.back))
    return planned, errors, unchanged


def _items(barcodes: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    ordered = sorted(barcodes)
    for start in range(0, len(ordered), 1000):
        chunk = ordered[start : start + 1000]
        found.update(Item.objects.filter(barcode__in=chunk).values_list("barcode", "id"))
    return found
