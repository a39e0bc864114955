"""Patron links end with their business, and the circulation counts lose their order.

Issue 7, findings 2 and 3:

* A closed hold (filled, cancelled, expired) names neither patron nor item; an open one
  names both (check constraints). Existing closed holds are made anonymous first.
* A returned or cancelled interlibrary-loan request may lose its patron (the title stays);
  an open one must name a patron. Existing closed requests of patrons who do not keep
  reading history lose the patron here; afterwards the services and `custodian purge` do it.
* An ended computer session may be anonymous (the retention run clears it); a room booking
  may lose its patron once it has ended.
* CirculationCount has no surrogate id: its primary key is (item, branch, day). On SQLite
  the table is WITHOUT ROWID, so no hidden rowid records the order rows were written in.
  Django cannot turn an id primary key into a composite one, so the table is rebuilt here
  by hand (the model state is changed to match). Rows are copied in key order.

SQLite caveats: a later migration that makes Django remake records_circulationcount drops
WITHOUT ROWID (it must rebuild the table as `rebuild_counts` does; the attack test in
tests/circulation/test_count_side_channel.py fails if a rowid comes back), and one that
remakes records_roombooking drops 0003's overlap triggers, which is why this migration
runs `create_guard` again after altering RoomBooking.patron.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_0003 = importlib.import_module("custodian.records.migrations.0003_room_booking_no_overlap")

TABLE = "records_circulationcount"
_COLUMNS = "item_id, branch_id, day, checkouts"

SQLITE_TABLE = f"""
CREATE TABLE "{TABLE}" (
    "item_id" bigint NOT NULL REFERENCES "records_item" ("id") DEFERRABLE INITIALLY DEFERRED,
    "branch_id" bigint NOT NULL REFERENCES "records_branch" ("id") DEFERRABLE INITIALLY DEFERRED,
    "day" date NOT NULL,
    "checkouts" integer unsigned NOT NULL CHECK ("checkouts" >= 0),
    PRIMARY KEY ("item_id", "branch_id", "day")
) WITHOUT ROWID
"""
POSTGRES_TABLE = [
    f"""
    CREATE TABLE "{TABLE}" (
        "item_id" bigint NOT NULL,
        "branch_id" bigint NOT NULL,
        "day" date NOT NULL,
        "checkouts" integer NOT NULL CHECK ("checkouts" >= 0),
        CONSTRAINT "{TABLE}_pkey" PRIMARY KEY ("item_id", "branch_id", "day")
    )
    """,
    f"""ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_item_id_fk" FOREIGN KEY ("item_id")
        REFERENCES "records_item" ("id") DEFERRABLE INITIALLY DEFERRED""",
    f"""ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_branch_id_fk" FOREIGN KEY ("branch_id")
        REFERENCES "records_branch" ("id") DEFERRABLE INITIALLY DEFERRED""",
]


def restore_overlap_guard(apps, schema_editor):
    # Only SQLite remakes the table (and loses the triggers); PostgreSQL keeps its constraint.
    if schema_editor.connection.vendor == "sqlite":
        _0003.create_guard(apps, schema_editor)


def rebuild_counts(apps, schema_editor):
    """Copy the counts aside, drop the table, create it keyed (item, branch, day), copy back
    in key order. One row per key already (the old unique constraint), so nothing merges."""
    vendor = schema_editor.connection.vendor
    run = schema_editor.execute
    run(f'CREATE TEMPORARY TABLE "{TABLE}__copy" AS SELECT {_COLUMNS} FROM "{TABLE}"')
    run(f'DROP TABLE "{TABLE}"')
    if vendor == "sqlite":
        run(SQLITE_TABLE)
    else:
        for statement in POSTGRES_TABLE:
            run(statement)
    run(f'CREATE INDEX "{TABLE}_branch_id_idx" ON "{TABLE}" ("branch_id")')
    run(
        f'INSERT INTO "{TABLE}" ({_COLUMNS}) SELECT {_COLUMNS} FROM "{TABLE}__copy"'
        " ORDER BY item_id, branch_id, day"
    )
    run(f'DROP TABLE "{TABLE}__copy"')


ANONYMISE_CLOSED_HOLDS = (
    "UPDATE records_hold SET patron_id = NULL, item_id = NULL"
    " WHERE status IN ('filled', 'cancelled', 'expired')"
)
ANONYMISE_CLOSED_ILL = (
    "UPDATE records_interlibraryloanrequest SET patron_id = NULL"
    " WHERE status IN ('returned', 'cancelled') AND patron_id IN"
    " (SELECT id FROM records_patron WHERE NOT keeps_reading_history)"
)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_room_booking_no_overlap"),
    ]

    operations = [
        # --- holds ---------------------------------------------------------------------
        migrations.AlterField(
            model_name="hold",
            name="item",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="holds",
                to="records.item",
            ),
        ),
        migrations.AlterField(
            model_name="hold",
            name="patron",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="holds",
                to="records.patron",
            ),
        ),
        migrations.RunSQL(ANONYMISE_CLOSED_HOLDS, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="hold",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["filled", "cancelled", "expired"]), _negated=True),
                    models.Q(("item__isnull", True), ("patron__isnull", True)),
                    _connector="OR",
                ),
                name="closed_hold_is_anonymous",
            ),
        ),
        migrations.AddConstraint(
            model_name="hold",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["waiting", "ready"]), _negated=True),
                    models.Q(("item__isnull", False), ("patron__isnull", False)),
                    _connector="OR",
                ),
                name="open_hold_names_patron_and_item",
            ),
        ),
        # --- interlibrary loans --------------------------------------------------------
        migrations.AlterField(
            model_name="interlibraryloanrequest",
            name="patron",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ill_requests",
                to="records.patron",
            ),
        ),
        migrations.RunSQL(ANONYMISE_CLOSED_ILL, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="interlibraryloanrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["returned", "cancelled"]),
                    ("patron__isnull", False),
                    _connector="OR",
                ),
                name="open_ill_names_patron",
            ),
        ),
        # --- computer sessions and room bookings ---------------------------------------
        migrations.RemoveConstraint(
            model_name="computersession",
            name="computer_session_has_user",
        ),
        migrations.AddConstraint(
            model_name="computersession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("patron__isnull", False),
                    models.Q(("guest_pass", ""), _negated=True),
                    ("ended_at__isnull", False),
                    _connector="OR",
                ),
                name="computer_session_has_user",
            ),
        ),
        migrations.AlterField(
            model_name="roombooking",
            name="patron",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="room_bookings",
                to="records.patron",
            ),
        ),
        # SQLite remade records_roombooking just now, dropping 0003's overlap triggers.
        migrations.RunPython(restore_overlap_guard, migrations.RunPython.noop, elidable=False),
        # --- circulation counts --------------------------------------------------------
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(rebuild_counts, elidable=False)],
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="circulationcount",
                    name="one_count_per_item_branch_day",
                ),
                migrations.AddField(
                    model_name="circulationcount",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "item",
                        "branch",
                        "day",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                migrations.RemoveField(
                    model_name="circulationcount",
                    name="id",
                ),
            ],
        ),
    ]
