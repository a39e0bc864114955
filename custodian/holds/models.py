"""A legal hold: a patron's records (some categories, a range of the records' own dates) that
purge and erasure must leave alone, because a disclosure case or the director needs them kept.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class LegalHold(models.Model):
    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty only on a released hold whose patron was erased afterwards: the hold stays in
    # the director's history, naming no one (legal_hold_active_names_patron).
    patron = models.ForeignKey(
        "records.Patron",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    # Retention category names (custodian.retention); empty means every category.
    categories = models.JSONField(default=list, blank=True)
    # The range of the records' own dates the hold covers; empty ends are open.
    records_from = models.DateField(null=True, blank=True)
    records_until = models.DateField(null=True, blank=True)
    # The disclosure case that placed it (a subpoena, a preservation letter, a court order);
    # empty when the director placed it by hand.
    case = models.ForeignKey(
        "disclosure.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_holds",
    )
    reason = models.TextField()
    # A sealed case's hold: summaries give counts only, never that the hold exists by name.
    sealed = models.BooleanField(default=False)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_has_reason"),
            models.CheckConstraint(
                condition=Q(records_from__isnull=True)
                | Q(records_until__isnull=True)
                | Q(records_until__gte=F("records_from")),
                name="legal_hold_range_in_order",
            ),
            # Releasing is an explicit act: who, when and why are all recorded.
            models.CheckConstraint(
                condition=Q(released_at__isnull=True)
                | (Q(released_by__isnull=False) & ~Q(release_reason="")),
                name="legal_hold_release_recorded",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_at__gte=F("placed_at")),
                name="legal_hold_released_after_placed",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=False) | Q(patron__isnull=False),
                name="legal_hold_active_names_patron",
            ),
        ]
        indexes = [models.Index(fields=["released_at"])]

    def __str__(self) -> str:
        return f"Legal hold {self.ref}"

    @property
    def active(self) -> bool:
        return self.released_at is None

    def covers(self, category: str) -> bool:
        return not self.categories or category in self.categories
