"""The statistics' own tables: counts written at the moment of each act, naming no one.

One table, `Tally`: how many times an act happened, by branch, calendar month, the item's
collection and type (for acts on an item) and the age band the patron was in at the time.
Never a patron id, an item id, a day or a time: nothing here can be joined back to a person,
so the counts survive every purge and erasure, and need no door.

The key is the whole row (no surrogate id, whose order would follow the order of the acts,
which the audit log records with each patron's ref). On SQLite the table is WITHOUT ROWID
(migration 0001), so it is kept in key order; on PostgreSQL `reseal()` rewrites it in key
order (see services.py and docs/statistics.md).
"""

from django.db import models
from django.db.models import Q

from custodian.records.models import Branch

# What is counted. Loans: per item (collection and type known). Others: per act.
ACTS = {
    "checkout": "Check-outs",
    "return": "Returns",
    "renewal": "Renewals",
    "hold_placed": "Holds placed",
    "hold_filled": "Holds filled",
    "hold_cancelled": "Holds cancelled",
    "hold_expired": "Holds not picked up",
    "program_registration": "Program registrations",
    "program_attendance": "Program attendance",
    "computer_session": "Computer sessions",
    "room_booking": "Room bookings",
    "ill_request": "Interlibrary loan requests",
}


class Tally(models.Model):
    pk = models.CompositePrimaryKey(
        "act", "branch", "year", "month", "collection", "item_type", "age_band"
    )
    act = models.CharField(max_length=24)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    # The library's own names (records.Item); "" for acts that are not on an item.
    collection = models.CharField(max_length=60, default="", blank=True)
    item_type = models.CharField(max_length=40, default="", blank=True)
    # A band code ("0-12", "13-17", "18-64", "65+", "unknown"), see services.age_band.
    age_band = models.CharField(max_length=16)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(act__in=list(ACTS)), name="tally_act_known"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="tally_month"),
            models.CheckConstraint(condition=Q(year__gte=1900), name="tally_year"),
            models.CheckConstraint(condition=Q(n__gte=0), name="tally_not_negative"),
            models.CheckConstraint(condition=~Q(age_band=""), name="tally_age_band_present"),
        ]

    def __str__(self) -> str:
        return f"{self.n} {self.act} {self.year}-{self.month:02d}"
