"""Which notices went out, so each is sent once.

A row names a loan (and the due date it was about) or a hold, never a patron or an item:
the loan or hold already ties the patron to the item while its business lasts. When the
loan ends (check-in deletes it) the database deletes the row with it; a hold's row is
deleted by the next `custodian notices send` once the hold is closed (a closed hold keeps
neither patron nor item). No time is kept: the audit log already says when.
"""

from django.db import models
from django.db.models import Q


class SentNotice(models.Model):
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        HOLD_READY = "hold_ready", "Ready to collect"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Deleted with the loan (check-in deletes it) or the hold.
    loan = models.ForeignKey(
        "records.Loan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A renewed loan has a new due date: it gets a new due-soon notice.
    due_on = models.DateField(null=True, blank=True)
    hold = models.ForeignKey(
        "records.Hold", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["due_soon", "overdue", "hold_ready"]),
                name="sent_notice_kind_known",
            ),
            # A loan notice names a loan and its due date; a hold notice, a hold only.
            models.CheckConstraint(
                condition=(
                    Q(kind="hold_ready", hold__isnull=False, loan__isnull=True, due_on__isnull=True)
                    | Q(
                        kind__in=["due_soon", "overdue"],
                        hold__isnull=True,
                        loan__isnull=False,
                        due_on__isnull=False,
                    )
                ),
                name="sent_notice_names_its_subject",
            ),
            models.UniqueConstraint(
                fields=["kind", "loan", "due_on"],
                condition=Q(loan__isnull=False),
                name="one_notice_per_loan_due_date",
            ),
            models.UniqueConstraint(
                fields=["hold"], condition=Q(hold__isnull=False), name="one_notice_per_hold"
            ),
        ]

    def __str__(self) -> str:
        return f"Sent {self.kind} notice {self.pk}"
