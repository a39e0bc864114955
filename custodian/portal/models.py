"""What the portal keeps of its own: sign-in throttles and the patron's word to the Director."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from custodian.records.sealed_fields import SealedField


class SignInThrottle(models.Model):
    """Failed sign-ins counted per typed card number and per address.

    `key` is a keyed hash ("card:" or "address:" + HMAC), never the card number or the
    address itself, so a card that does not exist is counted exactly like one that does
    and the table says nothing to someone reading it.
    """

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField()
    last_failure_at = models.DateTimeField()
    # Set when the limit is reached; only the desk (or the cool-off for addresses) lifts it.
    locked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Sign-in throttle {self.pk}"


class Concern(models.Model):
    """A patron's complaint or question about how their records were handled (Jackson VIII):
    a case for the Director, with a due date, answered in the portal."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for the Director"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patron = models.ForeignKey("records.Patron", on_delete=models.CASCADE, related_name="concerns")
    topic = models.CharField(max_length=32)
    # The patron's words and the Director's answer can name people: sealed at rest under the
    # patron's key (docs/encryption.md).
    message = SealedField(owner="patron.ref")
    created_at = models.DateTimeField()
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    answer = SealedField(owner="patron.ref", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "answered", "closed"]), name="concern_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="concern_answered_has_answer",
            ),
            models.CheckConstraint(condition=~Q(message=""), name="concern_has_message"),
        ]

    def __str__(self) -> str:
        return f"Concern {self.ref}"
