"""The statistics' tally: counts by act, branch, month, collection, item type and age band.

The key is the whole row: no surrogate id (its order would follow the order of the acts).
On SQLite the table is created WITHOUT ROWID, so no hidden rowid records the order in which
rows first appeared either. Django's SQLite schema editor cannot describe such a table: a
later migration that makes Django remake statistics_tally must create it the same way
(tests/statistics/test_tally.py fails if a rowid comes back).
"""

import django.db.models.deletion
from django.db import migrations, models

TALLY_FIELDS = [
    (
        "pk",
        models.CompositePrimaryKey(
            "act",
            "branch",
            "year",
            "month",
            "collection",
            "item_type",
            "age_band",
            blank=True,
            editable=False,
            primary_key=True,
            serialize=False,
        ),
    ),
    ("act", models.CharField(max_length=24)),
    ("year", models.PositiveSmallIntegerField()),
    ("month", models.PositiveSmallIntegerField()),
    ("collection", models.CharField(blank=True, default="", max_length=60)),
    ("item_type", models.CharField(blank=True, default="", max_length=40)),
    ("age_band", models.CharField(max_length=16)),
    ("n", models.PositiveIntegerField(default=0)),
    (
        "branch",
        models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT, related_name="+", to="records.branch"
        ),
    ),
]
ACTS = [
    "checkout",
    "return",
    "renewal",
    "hold_placed",
    "hold_filled",
    "hold_cancelled",
    "hold_expired",
    "program_registration",
    "program_attendance",
    "computer_session",
    "room_booking",
    "ill_request",
]
CONSTRAINTS = [
    models.CheckConstraint(condition=models.Q(("act__in", ACTS)), name="tally_act_known"),
    models.CheckConstraint(
        condition=models.Q(("month__gte", 1), ("month__lte", 12)), name="tally_month"
    ),
    models.CheckConstraint(condition=models.Q(("year__gte", 1900)), name="tally_year"),
    models.CheckConstraint(condition=models.Q(("n__gte", 0)), name="tally_not_negative"),
    models.CheckConstraint(
        condition=models.Q(("age_band", ""), _negated=True), name="tally_age_band_present"
    ),
]


def create_tally(apps, schema_editor):
    model = apps.get_model("statistics", "Tally")
    if schema_editor.connection.vendor != "sqlite":
        schema_editor.create_model(model)
        return
    sql, params = schema_editor.table_sql(model)
    schema_editor.execute(sql + " WITHOUT ROWID", params or None)
    schema_editor.execute(
        'CREATE INDEX "statistics_tally_branch_id_idx" ON "statistics_tally" ("branch_id")'
    )


def drop_tally(apps, schema_editor):
    schema_editor.execute('DROP TABLE "statistics_tally"')


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("records", "0007_item_collection_and_type"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Tally",
                    fields=TALLY_FIELDS,
                    options={"constraints": CONSTRAINTS},
                ),
            ],
        ),
        # After the state exists, so that the model can be described to the schema editor.
        migrations.RunPython(create_tally, drop_tally),
    ]
