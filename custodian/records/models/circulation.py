"""Circulation records: items, current loans, opted-in history, holds, charges and payments."""

from django.db import models
from django.db.models import F, Q

from custodian.records.models.patrons import Branch, Patron
from custodian.records.sealed_fields import SealedField


class Item(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        ON_LOAN = "on_loan", "On loan"
        ON_HOLD_SHELF = "on_hold_shelf", "On the hold shelf"
        LOST = "lost", "Lost"
        WITHDRAWN = "withdrawn", "Withdrawn"

    barcode = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=300, blank=True)
    call_number = models.CharField(max_length=100, blank=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="items")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    replacement_cost = models.DecimalField(max_digits=8, decimal_places=2, default=25)
    # The library's own names for its collections and item types ("Children's fiction",
    # "DVD"), as an ILS exports them; the statistics count by them.
    collection = models.CharField(max_length=60, blank=True, default="")
    item_type = models.CharField(max_length=40, blank=True, default="")
    # The bibliographic record an imported item came from (its MARC 001, or Koha's 999 $c)
    # and that record's ISBN, so an export writes the copies of one title as one record
    # again (docs/import-catalogue.md). Blank for items made here.
    record_number = models.CharField(max_length=40, blank=True, default="")
    isbn = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(barcode=""), name="item_barcode_present"),
            models.CheckConstraint(
                condition=Q(replacement_cost__gte=0), name="item_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["available", "on_loan", "on_hold_shelf", "lost", "withdrawn"]
                ),
                name="item_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.barcode} {self.title}"


class Loan(models.Model):
    """A current loan. The link to the patron lives only while the item is out."""

    # One current loan per item, enforced by the database: two desks checking out the
    # same item at once cannot both succeed.
    item = models.OneToOneField(Item, on_delete=models.PROTECT, related_name="current_loan")
    patron = models.ForeignKey(Patron, on_delete=models.PROTECT, related_name="loans")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="loans")
    checked_out_at = models.DateTimeField()
    due_on = models.DateField()
    renewals = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(renewals__gte=0), name="loan_renewals_not_negative"),
        ]
        indexes = [models.Index(fields=["patron", "due_on"])]

    def __str__(self) -> str:
        # Never a patron's name or card number: str() ends up in logs and error pages.
        return f"Loan {self.pk} due {self.due_on}"


class PastLoan(models.Model):
    """Reading history: kept only for patrons who opted in, deleted when they opt out."""

    patron = models.ForeignKey(Patron, on_delete=models.CASCADE, related_name="past_loans")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    checked_out_at = models.DateTimeField()
    returned_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_at__gte=F("checked_out_at")),
                name="past_loan_returned_after_out",
            ),
        ]

    def __str__(self) -> str:
        return f"Past loan {self.pk}"


class CirculationCount(models.Model):
    """What stays of a loan after check-in for statistics: no patron, one row per item,
    branch and check-out day, updated in place.

    No surrogate id and no timestamp finer than the day: the key is (item, branch, day), so
    neither the key order nor (on SQLite, where migration 0004 makes the table WITHOUT
    ROWID) a hidden rowid follows the order of check-ins, which the audit log records with
    each patron's ref. On PostgreSQL the retention run rewrites the table in key order; see
    docs/security.md for what raw database access still shows in between.
    """

    pk = models.CompositePrimaryKey("item", "branch", "day")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    checkouts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.checkouts} check-out(s) of item {self.item_id} on {self.day}"


class Hold(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        READY = "ready", "Ready for pickup"
        FILLED = "filled", "Filled"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    # Both NULL once the hold is closed (filled, cancelled, expired): its business is done,
    # and the row stays only as an anonymous count for statistics.
    patron = models.ForeignKey(
        Patron, null=True, blank=True, on_delete=models.CASCADE, related_name="holds"
    )
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    pickup_branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.WAITING)
    ready_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patron", "item"],
                condition=Q(status__in=["waiting", "ready"]),
                name="one_open_hold_per_patron_item",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(ready_until__isnull=False),
                name="ready_hold_has_pickup_date",
            ),
            # An item sits on the hold shelf for one patron at a time.
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="ready"), name="one_ready_hold_per_item"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "ready", "filled", "cancelled", "expired"]),
                name="hold_status_known",
            ),
            # An open hold is a patron waiting for an item; a closed one names neither.
            models.CheckConstraint(
                condition=~Q(status__in=["filled", "cancelled", "expired"])
                | Q(patron__isnull=True, item__isnull=True),
                name="closed_hold_is_anonymous",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["waiting", "ready"])
                | Q(patron__isnull=False, item__isnull=False),
                name="open_hold_names_patron_and_item",
            ),
        ]
        indexes = [models.Index(fields=["item", "status", "placed_at"])]

    def __str__(self) -> str:
        return f"Hold {self.pk} ({self.status})"


class Charge(models.Model):
    class Kind(models.TextChoices):
        OVERDUE = "overdue", "Overdue fine"
        LOST = "lost", "Lost item"
        DAMAGED = "damaged", "Damaged item"
        CARD = "card", "Replacement card"
        OTHER = "other", "Other"

    # NULL once the patron's account is erased (custodian.holds.erasure): the money record
    # stays for the accounts, with no person.
    patron = models.ForeignKey(
        Patron, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField()
    # Staff can write anything here, a name included: sealed under the patron's key, and
    # blanked when erasure or retention cuts the patron link (only the money stays).
    note = SealedField(owner="patron.ref", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=["overdue", "lost", "damaged", "card", "other"]),
                name="charge_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Charge {self.pk}: {self.get_kind_display()} ${self.amount}"


class Payment(models.Model):
    class Method(models.TextChoices):
        CASH = "cash", "Cash"
        CARD = "card", "Card"
        WAIVED = "waived", "Waived by staff"

    # NULL once the patron's account is erased, like the charge it paid.
    patron = models.ForeignKey(
        Patron, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    charge = models.ForeignKey(
        Charge, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    method = models.CharField(max_length=16, choices=Method.choices)
    paid_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(method__in=["cash", "card", "waived"]), name="payment_method_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk}: ${self.amount} ({self.method})"
