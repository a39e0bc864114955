# Every patron now has a card index (0009): it is unique, and never empty.

from django.db import migrations, models

import custodian.records.sealed_fields


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0009_seal_existing_records"),
    ]

    operations = [
        migrations.AlterField(
            model_name="patron",
            name="card_index",
            field=custodian.records.sealed_fields.BlindIndexField(
                source=("card_index", "card_number"), unique=True
            ),
        ),
        migrations.AddConstraint(
            model_name="patron",
            constraint=models.CheckConstraint(
                condition=models.Q(("card_index", ""), _negated=True),
                name="patron_card_number_present",
            ),
        ),
    ]
