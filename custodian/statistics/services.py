"""Counting acts as they happen, and keeping the tally in key order.

`count(act, ...)` is called once by each write service, inside its transaction, after the
act has succeeded: a refused act rolls back with its count. It is one statement, an upsert
that SQLite (3.24+) and PostgreSQL both speak:

    INSERT ... VALUES (..., 1) ON CONFLICT (key) DO UPDATE SET n = n + 1

The database does the adding under the row's lock, so two desks counting into the same
cell at once both count (tests/statistics/test_concurrency.py runs threads on PostgreSQL).
Nothing that names a patron is passed in: the caller gives the age band's source (a birth
date) and this module keeps only the band.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from custodian.policy import get_engine

UNKNOWN = "unknown"
# Children 0-12, teens 13-17, adults 18-64, 65 and over: the bands a public library's
# annual report uses (and the age at which the profiles' guardian rules change, 13 and 18).
DEFAULT_BANDS: tuple[tuple[int, int | None], ...] = ((0, 12), (13, 17), (18, 64), (65, None))
# Used when a profile names none: a cell must count at least this many.
DEFAULT_MIN_CELL_SIZE = 10


@dataclass(frozen=True)
class Settings:
    min_cell_size: int
    bands: tuple[tuple[int, int | None], ...]

    @property
    def band_codes(self) -> tuple[str, ...]:
        return tuple(band_code(b) for b in self.bands) + (UNKNOWN,)


def band_code(band: tuple[int, int | None]) -> str:
    low, high = band
    return f"{low}+" if high is None else f"{low}-{high}"


def band_words(code: str) -> str:
    """A band in words: "0 to 12", "65 and over", "Age not recorded"."""
    if code == UNKNOWN:
        return "Age not recorded"
    if code.endswith("+"):
        return f"{code[:-1]} and over"
    low, _, high = code.partition("-")
    return f"{low} to {high}"


class BadStatisticsSettings(ValueError):
    pass


def parse_settings(table: dict) -> Settings:
    """A profile's [statistics] table: `min_cell_size` and `age_bands` ([[0, 12], ..., [65]])."""
    size = table.get("min_cell_size", DEFAULT_MIN_CELL_SIZE)
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise BadStatisticsSettings("[statistics] min_cell_size must be a whole number, 1 or more")
    raw = table.get("age_bands")
    if raw is None:
        return Settings(size, DEFAULT_BANDS)
    bands: list[tuple[int, int | None]] = []
    expected = 0
    for k, band in enumerate(raw):
        last = k == len(raw) - 1
        ok = (
            isinstance(band, list)
            and len(band) in (1, 2)
            and all(isinstance(x, int) and not isinstance(x, bool) for x in band)
        )
        if not ok or band[0] != expected or (len(band) == 1) != last:
            raise BadStatisticsSettings(
                "[statistics] age_bands must run from 0 without gaps, e.g. "
                "[[0, 12], [13, 17], [18, 64], [65]] (the last open-ended)"
            )
        if len(band) == 2:
            if band[1] < band[0]:
                raise BadStatisticsSettings("[statistics] an age band ends before it starts")
            bands.append((band[0], band[1]))
            expected = band[1] + 1
        else:
            bands.append((band[0], None))
    return Settings(size, tuple(bands))


@lru_cache(maxsize=16)
def settings_for(profile: str) -> Settings:
    return parse_settings(get_engine().profile(profile).statistics or {})


def current() -> Settings:
    return settings_for(settings.CUSTODIAN_PROFILE)


def age_band(birth_date: dt.date | None, on: dt.date, bands=None) -> str:
    """The band a person born on `birth_date` is in on day `on` (UNKNOWN without a date)."""
    if birth_date is None:
        return UNKNOWN
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    age = max(0, on.year - birth_date.year - before_birthday)
    for low, high in bands or current().bands:
        if age >= low and (high is None or age <= high):
            return band_code((low, high))
    return UNKNOWN


_UPSERT = (
    "INSERT INTO statistics_tally"
    " (act, branch_id, year, month, collection, item_type, age_band, n)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (act, branch_id, year, month, collection, item_type, age_band)"
    " DO UPDATE SET n = statistics_tally.n + excluded.n"
)
# The same, for an act on an item: its collection and type are read by the statement itself
# (a desk's check-out has not read them). SQLite needs the WHERE to parse SELECT ... ON CONFLICT.
_UPSERT_ITEM = (
    "INSERT INTO statistics_tally"
    " (act, branch_id, year, month, collection, item_type, age_band, n)"
    " SELECT %s, %s, %s, %s, collection, item_type, %s, 1 FROM records_item WHERE id = %s"
    " ON CONFLICT (act, branch_id, year, month, collection, item_type, age_band)"
    " DO UPDATE SET n = statistics_tally.n + excluded.n"
)
_TAKE_BACK = (
    "UPDATE statistics_tally SET n = n - 1 WHERE act = %s AND branch_id = %s AND year = %s"
    " AND month = %s AND collection = %s AND item_type = %s AND age_band = %s AND n > 0"
)


def count(
    act: str,
    *,
    branch_id: int,
    when: dt.datetime | dt.date,
    birth_date: dt.date | None = None,
    item_id: int | None = None,
    collection: str = "",
    item_type: str = "",
    take_back: bool = False,
    cursor=None,
) -> None:
    """Add one to the tally for this act (or take one back: an attendance unmarked).

    `when`: the moment of the act (its local month is kept, nothing finer). `birth_date`:
    the patron's, if known, only to find the band. `item_id`: for an act on an item, whose
    collection and type the statement reads (the id itself is not kept). `cursor`: the caller's open cursor, if
    any (Django's or the audit's raw one; both take %s), so the count joins its statements.
    """
    day = timezone.localdate(when) if isinstance(when, dt.datetime) else when
    band = age_band(birth_date, day)
    if item_id is not None and not take_back:
        sql, params = _UPSERT_ITEM, [act, branch_id, day.year, day.month, band, item_id]
    else:
        params = [act, branch_id, day.year, day.month, collection or "", item_type or "", band]
        sql, params = (_TAKE_BACK, params) if take_back else (_UPSERT, [*params, 1])
    if cursor is not None:
        cursor.execute(sql, params)
        return
    with connections[DEFAULT_DB_ALIAS].cursor() as own:
        own.execute(sql, params)


def reseal(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """PostgreSQL: rewrite the tally in key order in one transaction; returns the rows.

    A heap row carries the id of the transaction that last wrote it (xmin) and sits where it
    was written (ctid). A count is written inside the act's transaction, whose audit entry
    names the patron, so someone reading the raw tables could pair the most recently
    written cell with the latest entry. After TRUNCATE and one INSERT in key order every
    row has the same xmin and sits in key order. Run daily: the daily `custodian purge`
    calls it at its end (custodian.retention.services.purge), or `custodian stats reseal`. SQLite needs none of this: WITHOUT ROWID keeps key order
    and an update in place leaves no transaction id behind.
    """
    from django.db import transaction

    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE statistics_tally IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            "CREATE TEMPORARY TABLE tally_in_key_order ON COMMIT DROP AS"
            " SELECT act, branch_id, year, month, collection, item_type, age_band, n"
            " FROM statistics_tally"
        )
        cursor.execute("TRUNCATE statistics_tally")
        cursor.execute(
            "INSERT INTO statistics_tally"
            " (act, branch_id, year, month, collection, item_type, age_band, n)"
            " SELECT act, branch_id, year, month, collection, item_type, age_band, n"
            " FROM tally_in_key_order"
            " ORDER BY act, branch_id, year, month, collection, item_type, age_band"
        )
        rows = cursor.rowcount
        # Dropped now, not only at commit: a caller's outer transaction (a test, or a purge
        # run inside one) may reseal again before it commits.
        cursor.execute("DROP TABLE tally_in_key_order")
        return rows
