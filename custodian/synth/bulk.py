"""Fast, portable bulk writes: parameterised multi-row INSERTs, explicit keys, SQLite tuning.

Measured on this project's models, Django's bulk_create spends about nine tenths of its time
in Python building model instances and SQL (roughly 10,000 rows a second), so a million rows
would take minutes on their own. Here each table gets one INSERT statement, built once from
the model's own metadata, and rows are plain tuples sent with executemany in large batches
inside the caller's transaction. Values that need adapting (dates, times, decimals, UUIDs,
JSON) still go through the field's own get_db_prep_save, so SQLite and PostgreSQL store
exactly what Django would.
"""

import contextlib
from collections.abc import Iterable, Iterator, Sequence

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import AutoField, BigAutoField, Max, Model, SmallAutoField

from custodian.synth.progress import Tracker

BATCH = 5_000
# Field types whose Python values the database driver cannot take as they are.
ADAPTED = {"DateTimeField", "DateField", "TimeField", "DecimalField", "UUIDField", "JSONField"}
AUTO = (AutoField, BigAutoField, SmallAutoField)


def next_id(model: type[Model]) -> int:
    """The first free primary key, so rows can carry their keys without RETURNING them."""
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _adapter(field):
    """The field's value-to-database conversion, bound to the real connection once.

    Dates and times go straight to the backend's adapter (what get_db_prep_save ends in for
    a valid value); the generator only ever makes valid, aware values. The rest use the
    field's own get_db_prep_save.
    """
    real = connections[DEFAULT_DB_ALIAS]  # not the per-call proxy: it costs a lookup each time
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return real.ops.adapt_datetimefield_value
    if kind == "DateField":
        return real.ops.adapt_datefield_value
    return lambda value: field.get_db_prep_save(value, real)


class _Statement:
    """One model's INSERT for the given columns; other columns get their field defaults."""

    def __init__(self, model: type[Model], columns: Sequence[str]) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        given = [fields[name] for name in columns]
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in columns and not isinstance(f, AUTO)
        ]
        for f in rest:
            if not f.has_default() and not f.null:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value")
        # A field added to a model later still gets its default; computed once, not per row.
        self.extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        self.adapters = [
            (position, _adapter(f))
            for position, f in enumerate(given)
            if f.get_internal_type() in ADAPTED
        ]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in given + rest)
        marks = ", ".join(["%s"] * (len(given) + len(rest)))
        table = quote(model._meta.db_table)
        # Only identifiers from the model's own metadata, quoted; every value is a parameter.
        self.sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
        self.copy_sql = f"COPY {table} ({names}) FROM STDIN"

    def prepare(self, row: tuple) -> tuple:
        if self.adapters:
            row = list(row)
            for position, adapt in self.adapters:
                row[position] = adapt(row[position])
        return (*row, *self.extra)


def insert(
    model: type[Model],
    columns: Sequence[str],
    rows: Iterable[tuple],
    *,
    tracker: Tracker,
    written: dict,
) -> int:
    """Insert `rows` (tuples in the order of `columns`, field attnames) in large batches."""
    statement = _Statement(model, columns)
    count = 0
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(statement.prepare(row))
            if len(batch) >= BATCH:
                count += _flush(cursor, statement, batch, tracker)
                batch = []
        if batch:
            count += _flush(cursor, statement, batch, tracker)
    written[model.__name__] = written.get(model.__name__, 0) + count
    return count


def _flush(cursor, statement: _Statement, batch: list[tuple], tracker: Tracker) -> int:
    raw = getattr(cursor, "cursor", None)
    if connection.vendor == "postgresql" and hasattr(raw, "copy"):
        # executemany costs PostgreSQL a statement per row; psycopg 3's COPY streams the
        # rows in one go, adapting each value with the same dumpers as a parameter.
        with raw.copy(statement.copy_sql) as copy:
            for row in batch:
                copy.write_row(row)
    else:
        # SQLite runs executemany as one prepared statement, reused for every row.
        cursor.executemany(statement.sql, batch)
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
    # SQLite refuses to change the safety level inside a transaction (as under a test).
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous=OFF")
        # 2 GiB at most, taken only as the file grows: a 10-million-loan history inserts
        # into its indexes (patron, item) and the counts' key in no useful order, and with
        # a 256 MiB cache those pages went back and forth to the file (measured: the run
        # read 57 GB of pages in 20 minutes).
        cursor.execute("PRAGMA cache_size=-2097152")
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size={int(cache_size)}")
            cursor.execute("PRAGMA temp_store=DEFAULT")
