"""A stolen card is told apart from a lost one, and the day either was reported is kept.

Issue 9 ("At the desk"): the account page warns "This card was reported stolen on
3 November. Do not check out on it." `card_stolen` joins the known statuses (the check
constraint is replaced); `status_since` is the day the card was reported lost or stolen or
the account blocked, never before registration. Existing rows keep `card_lost` (its label is
now "Card reported lost") and an empty `status_since`: the alert then gives no day.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0004_links_end_with_their_business"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="patron",
            name="patron_status_known",
        ),
        migrations.AddField(
            model_name="patron",
            name="status_since",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="patron",
            name="status",
            field=models.CharField(
                choices=[
                    ("active", "Active"),
                    ("card_lost", "Card reported lost"),
                    ("card_stolen", "Card reported stolen"),
                    ("blocked", "Blocked"),
                    ("expired", "Expired"),
                ],
                default="active",
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="patron",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["active", "card_lost", "card_stolen", "blocked", "expired"])
                ),
                name="patron_status_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="patron",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status_since__isnull", True),
                    ("status_since__gte", models.F("registered_on")),
                    _connector="OR",
                ),
                name="patron_status_since_registration",
            ),
        ),
    ]
