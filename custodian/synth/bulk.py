"""Fast, portable bulk writes: large bulk_create batches, explicit keys, SQLite tuning."""

import contextlib
from collections.abc import Iterable, Iterator

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

from custodian.synth.progress import Tracker

BATCH = 5_000


def next_id(model: type[Model]) -> int:
    """The first free primary key, so rows can carry their keys without RETURNING them."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert(model: type[Model], rows: Iterable[Model], *, tracker: Tracker, written: dict) -> int:
    """bulk_create `rows` in large batches; the rows may come from a generator."""
    count = 0
    batch: list[Model] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            count += _flush(model, batch, tracker)
            batch = []
    if batch:
        count += _flush(model, batch, tracker)
    written[model.__name__] = written.get(model.__name__, 0) + count
    return count


def _flush(model: type[Model], batch: list[Model], tracker: Tracker) -> int:
    model.objects.bulk_create(batch, batch_size=BATCH)
    tracker.advance(len(batch))
    return len(batch)


def reset_sequences(models: list[type[Model]]) -> None:
    """Rows were written with explicit keys; PostgreSQL's sequences must catch up."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@contextlib.contextmanager
def fast_sqlite() -> Iterator[None]:
    """Loosen SQLite's durability for this connection while the generator runs.

    A crash half-way through generation leaves a half-built library that is thrown away
    anyway, so waiting for fsync on every commit buys nothing. Restored afterwards to the
    settings' own values, so a server started in the same process is durable again.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size={int(cache_size)}")
            cursor.execute("PRAGMA temp_store=DEFAULT")
