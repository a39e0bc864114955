"""Turning a door view (only the released fields) into words for the desk and a package.

Works on anything with `.get(field)` (the door's `PatronView`, or a dict in tests); it
never asks for a field that was not passed in, so it can only say what was released.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from custodian.disclosure import vocab
from custodian.words import day, when

TITLE_FIELDS = {"loans.titles", "overdue.titles", "lost.titles"}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _and(parts: list[str]) -> str:
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def say_dates(dates, today: dt.date | None = None) -> str:
    """4, 9 and 12 December — grouped by month, the year only when it is not this year."""
    today = today or timezone.localdate()
    dates = sorted(d.date() if isinstance(d, dt.datetime) else d for d in dates if d)
    groups: list[tuple[tuple[int, int], list[int]]] = []
    for d in dates:
        key = (d.year, d.month)
        if groups and groups[-1][0] == key:
            groups[-1][1].append(d.day)
        else:
            groups.append((key, [d.day]))
    parts = []
    for (year, month), days in groups:
        days = list(dict.fromkeys(days))
        label = dt.date(year, month, 1).strftime("%B") + ("" if year == today.year else f" {year}")
        head = ", ".join(str(x) for x in days[:-1])
        days_text = (head + " and " + str(days[-1])) if len(days) > 1 else str(days[0])
        parts.append(f"{days_text} {label}")
    return ", ".join(parts)


def _money(v) -> str:
    return f"${Decimal(v):,.2f}"


def _get(view, field):
    try:
        return view.get(field)
    except AttributeError:  # pragma: no cover
        return getattr(view, field, None)


def say_now(view, fields: list[str]) -> list[str]:
    """Plain sentences the clerk may say, one per released fact."""
    fields = [f for f in fields if _get(view, f) is not None]
    lines: list[str] = []
    done: set[str] = set()
    count, dues = (
        _get(view, "loans.count") if "loans.count" in fields else None,
        (_get(view, "loans.due_dates") if "loans.due_dates" in fields else None),
    )
    if count is not None and dues is not None:
        lines.append(
            f"{_plural(int(count), 'item')}, due {say_dates(dues)}"
            if count
            else "No items checked out"
        )
        done |= {"loans.count", "loans.due_dates"}
    for f in fields:
        if f in done:
            continue
        v = _get(view, f)
        if f == "loans.count":
            lines.append(f"{_plural(int(v), 'item')} checked out" if v else "No items checked out")
        elif f == "loans.due_dates":
            lines.append(f"Due {say_dates(v)}" if v else "Nothing is due")
        elif f == "overdue.status":
            lines.append(
                "Something on the account is overdue" if v else "Nothing on the account is overdue"
            )
        elif f == "overdue.count":
            lines.append(f"{_plural(int(v), 'item')} overdue" if v else "No items overdue")
        elif f == "holds.count":
            lines.append(f"{_plural(int(v), 'hold')}" if v else "No holds")
        elif f == "charges.amount":
            lines.append(f"{_money(v)} owed" if Decimal(v) else "Nothing owed")
        elif f == "registration.status":
            lines.append(f"Account status: {v}")
        elif f in TITLE_FIELDS:
            label = vocab.FIELDS[f]
            lines.append(f"{label}: " + ("; ".join(str(t) for t in v) if v else "none"))
        elif isinstance(v, (list, tuple)):
            lines.append(
                f"{vocab.FIELDS.get(f, f)}: "
                + ("; ".join(_row_text(r) for r in v) if v else "none")
            )
        elif isinstance(v, dt.date):
            lines.append(f"{vocab.FIELDS.get(f, f)}: {v:%-d %B %Y}")
        else:
            lines.append(f"{vocab.FIELDS.get(f, f)}: {v}")
    return lines


def _row_text(row) -> str:
    if dataclasses.is_dataclass(row):
        return ", ".join(str(v) for v in dataclasses.asdict(row).values() if v not in (None, ""))
    return str(row)


# ---------------------------------------------------------------- packages

DATE_KEYS = ("when", "assessed_on", "paid_on", "returned_on", "due_on", "ready_until", "at", "date")


def _row_date(row) -> dt.date | None:
    d = row if dataclasses.is_dataclass(row) else None
    for key in DATE_KEYS:
        v = (
            getattr(d, key, None)
            if d is not None
            else (row.get(key) if isinstance(row, dict) else None)
        )
        if isinstance(v, dt.datetime):
            return timezone.localtime(v).date() if timezone.is_aware(v) else v.date()
        if isinstance(v, dt.date):
            return v
    return None


def _jsonable(v: Any):
    if dataclasses.is_dataclass(v):
        return {k: _jsonable(x) for k, x in dataclasses.asdict(v).items()}
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return v


def _in_range(d: dt.date | None, lo, hi) -> bool:
    if d is None:
        return True
    return (lo is None or d >= lo) and (hi is None or d <= hi)


def package_content(view, fields: list[str], lo: dt.date | None, hi: dt.date | None) -> dict:
    """The released fields' values, limited to [lo, hi] where a record carries a date.

    Records that describe the account as it is now (current loans, holds, balances,
    registration) are dated today: outside a date range that ends before today they are
    left out rather than guessed at.
    """
    today = timezone.localdate()
    current_in_range = _in_range(today, lo, hi)
    released = set(getattr(view, "released", fields) or fields)
    out: dict[str, Any] = {}
    for f in fields:
        if f not in released:
            continue
        v = _get(view, f)
        if (
            isinstance(v, (list, tuple))
            and v
            and (dataclasses.is_dataclass(v[0]) or isinstance(v[0], dict))
        ):
            dated = [_row_date(r) for r in v]
            if any(d is not None for d in dated):
                v = [r for r, d in zip(v, dated, strict=True) if _in_range(d, lo, hi)]
            elif not current_in_range:
                v = []
        elif isinstance(v, (list, tuple)) and v and isinstance(v[0], (dt.date, dt.datetime)):
            v = [d for d in v if _in_range(d if isinstance(d, dt.date) else d.date(), lo, hi)]
        elif not current_in_range:
            v = None
        out[f] = _jsonable(v)
    return out


def missing_from(view, fields: list[str]) -> list[str]:
    released = getattr(view, "released", None)
    if released is None:
        return [f for f in fields if _get(view, f) is None]
    return [f for f in fields if f not in released]


# ---------------------------------------------------------------- a package on screen

_ROW_LABELS = {
    "returned_on": "returned",
    "due_on": "due",
    "paid_on": "paid",
    "assessed_on": "charged",
}


def _word(v) -> str:
    """A stored (JSON) value in plain words: ISO dates as "3 November 2026"."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, str):
        try:
            dt.datetime.fromisoformat(v)
        except ValueError:
            return v
        # The library's words and time zone, as on every screen (custodian.words).
        return day(v) if len(v) == 10 else when(v)
    return str(v)


def _row_words(row) -> str:
    if isinstance(row, dict):
        # What it is first (a title), then its dates: the stored JSON sorts its keys.
        present = [(k, v) for k, v in row.items() if v not in (None, "")]
        plain = [_word(v) for k, v in present if k not in _ROW_LABELS]
        dated = [f"{_ROW_LABELS[k]} {_word(v)}" for k, v in present if k in _ROW_LABELS]
        return ", ".join(plain + dated)
    return _word(row)


def package_sections(document: dict) -> list[tuple[str, list[str]]]:
    """The records of a stored package, one (field in library words, lines) per field."""
    out = []
    for f in document.get("fields", []):
        v = document.get("records", {}).get(f)
        if v is None:
            lines = ["None within the date range."]
        elif isinstance(v, list):
            lines = [_row_words(r) for r in v] or ["None."]
        else:
            lines = [_row_words(v)]
        out.append((vocab.FIELDS.get(f, f), lines))
    return out
