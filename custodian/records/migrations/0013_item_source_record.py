"""Item.record_number and Item.isbn: the source record a catalogue import came from."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0012_seal_free_text"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="isbn",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.AddField(
            model_name="item",
            name="record_number",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
    ]
