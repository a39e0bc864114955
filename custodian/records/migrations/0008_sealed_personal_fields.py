# Personal fields sealed at rest (docs/encryption.md): data keys, blind indexes, sealed columns.

from django.db import migrations, models

import custodian.records.sealed_fields


def sealed(**kwargs):
    return custodian.records.sealed_fields.SealedField(**kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0007_item_collection_and_type"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("owner_ref", models.UUIDField(unique=True)),
                ("wrapped", models.BinaryField()),
                ("master_id", models.CharField(max_length=8)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["master_id"], name="records_dat_master__8c009c_idx")
                ],
            },
        ),
        migrations.RemoveConstraint(model_name="patron", name="patron_card_number_present"),
        migrations.RemoveIndex(model_name="patron", name="records_pat_last_na_d2bf4c_idx"),
        # Not unique yet: every existing row has "" until 0009 fills it; 0010 makes it unique.
        migrations.AddField(
            model_name="patron",
            name="card_index",
            field=custodian.records.sealed_fields.BlindIndexField(
                source=("card_index", "card_number")
            ),
        ),
        migrations.AddField(
            model_name="patron",
            name="last_name_index",
            field=custodian.records.sealed_fields.BlindIndexField(
                db_index=True, source=("last_name_index", "last_name")
            ),
        ),
        migrations.AddField(
            model_name="patron",
            name="name_index",
            field=custodian.records.sealed_fields.BlindIndexField(
                db_index=True, source=("name_index", "last_name", "first_name")
            ),
        ),
        migrations.AlterField(
            model_name="patron",
            name="card_number",
            field=sealed(max_length=32, owner="ref"),
        ),
        migrations.AlterField(
            model_name="patron", name="first_name", field=sealed(max_length=100, owner="ref")
        ),
        migrations.AlterField(
            model_name="patron", name="last_name", field=sealed(max_length=100, owner="ref")
        ),
        migrations.AlterField(
            model_name="patron", name="address", field=sealed(blank=True, owner="ref")
        ),
        migrations.AlterField(
            model_name="patron", name="phone", field=sealed(blank=True, max_length=40, owner="ref")
        ),
        migrations.AlterField(
            model_name="patron",
            name="email",
            field=sealed(blank=True, kind="email", max_length=254, owner="ref"),
        ),
        migrations.AlterField(
            model_name="patron",
            name="birth_date",
            field=sealed(blank=True, kind="date", null=True, owner="ref"),
        ),
        migrations.AlterField(
            model_name="responsibleparty",
            name="name",
            field=sealed(max_length=200, owner="patron.ref"),
        ),
        migrations.AlterField(
            model_name="responsibleparty",
            name="phone",
            field=sealed(blank=True, max_length=40, owner="patron.ref"),
        ),
        migrations.AlterField(
            model_name="authorization",
            name="agent_name",
            field=sealed(max_length=200, owner="patron.ref"),
        ),
    ]
