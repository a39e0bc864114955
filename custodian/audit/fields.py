"""Model fields for the audit log: columns the database derives from the hashed body."""

from django.db import DEFAULT_DB_ALIAS, connections, models

from custodian.audit import canonical


class SeqField(models.BigIntegerField):
    """The sequence number as primary key; on SQLite exactly ``integer`` so it is the rowid
    and verification scans the table in seq order without touching an index."""

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)

    def rel_db_type(self, connection):
        return self.db_type(connection)


class BodyItem(models.Func):
    """Element `index` of the JSON body (text for scalars, JSON for lists)."""

    arity = 1
    output_field = models.TextField()

    def __init__(self, index: int, *, as_json: bool = False):
        self.index = int(index)
        self.as_json = as_json
        super().__init__(models.F("body"))

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"audit body columns are not supported on {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({sql}, '$[{self.index}]')", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        op = "->" if self.as_json else "->>"
        return f"(({sql})::jsonb {op} {self.index})", params

    def deconstruct(self):
        kwargs = {"as_json": True} if self.as_json else {}
        return ("custodian.audit.fields.BodyItem", (self.index,), kwargs)

    def __eq__(self, other):
        return isinstance(other, BodyItem) and (self.index, self.as_json) == (
            other.index,
            other.as_json,
        )

    def __hash__(self):
        return hash((BodyItem, self.index, self.as_json))


class BodyField(models.GeneratedField):
    """A column generated from the body: it cannot be written, only derived.

    Virtual where the database can (SQLite: nothing extra is stored, so verification reads
    small rows); stored where it must (PostgreSQL before 18).
    """

    def __init__(self, index: int, output_field: models.Field, *, as_json: bool = False, **kwargs):
        self.index = index
        self.as_json = as_json
        kwargs.pop("expression", None)
        kwargs.pop("db_persist", None)
        super().__init__(
            expression=BodyItem(index, as_json=as_json),
            output_field=output_field,
            db_persist=True,
            **kwargs,
        )

    @property
    def db_persist(self):
        features = connections[DEFAULT_DB_ALIAS].features
        return not features.supports_virtual_generated_columns

    @db_persist.setter
    def db_persist(self, value):
        pass  # decided per database above, never stored in migrations

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("db_persist", None)
        kwargs.pop("expression", None)
        kwargs["index"] = self.index
        if self.as_json:
            kwargs["as_json"] = True
        return name, "custodian.audit.fields.BodyField", args, kwargs


class UTCTimestampField(models.CharField):
    """A UTC instant kept as fixed-width ISO 8601 text (the exact text that is hashed)."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 27
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else canonical.parse_timestamp(value)

    def to_python(self, value):
        if value is None or hasattr(value, "tzinfo"):
            return value
        return canonical.parse_timestamp(value)

    def get_prep_value(self, value):
        # Compare as canonical text, never let CharField turn it back into a datetime.
        if hasattr(value, "tzinfo"):
            return canonical.timestamp(value)
        return value
