"""Data keys: one per owner (a patron, a case), wrapped under the library's master key."""

from django.db import models


class DataKey(models.Model):
    """An owner's data key, AES-GCM-wrapped under the master key named by `master_id`.

    Deleting the row (`sealing.forget_key`) is how a person is erased for good: everything
    sealed under the key stops opening. Never shown, never exported, never in an audit entry.
    """

    owner_ref = models.UUIDField(unique=True)
    wrapped = models.BinaryField()
    # The first 8 hex of the SHA-256 of the master key that wrapped it (rotation's progress).
    master_id = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["master_id"])]

    def __str__(self) -> str:
        return f"Data key {self.pk}"
