# Charges and payments keep no person once the patron is erased (custodian.holds.erasure).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0010_card_index_unique"),
    ]

    operations = [
        migrations.AlterField(
            model_name="charge",
            name="patron",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="charges",
                to="records.patron",
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="patron",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="payments",
                to="records.patron",
            ),
        ),
    ]
