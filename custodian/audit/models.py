"""The audit log's tables. Entries and checkpoints are append-only; only the head row moves.

Rows are written by `custodian.audit.services` with plain INSERTs; the ORM is for reading.
Updates and deletes are refused here and, underneath, by database triggers (migration 0002).
"""

from django.db import models

from custodian.audit import canonical
from custodian.audit.fields import BodyField, SeqField, UTCTimestampField


class AppendOnlyError(Exception):
    """Someone tried to change or delete an audit row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit rows cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit rows cannot be deleted")

    # bulk_update goes through update(); _raw_delete is what cascades use.
    def _raw_delete(self, using):
        raise AppendOnlyError("audit rows cannot be deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        raise AppendOnlyError("audit rows are written by custodian.audit.services only")

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit rows cannot be deleted")


class AuditEntry(AppendOnlyModel):
    """One access to patron data. Every column but `seq` and `body` is derived from `body`."""

    seq = SeqField(primary_key=True)
    body = models.TextField()
    prev_hash = BodyField(canonical.PREV_HASH, models.CharField(max_length=64))
    recorded_at = BodyField(canonical.RECORDED_AT, UTCTimestampField())
    actor = BodyField(canonical.ACTOR, models.CharField(max_length=150))
    role = BodyField(canonical.ROLE, models.CharField(max_length=80))
    action = BodyField(canonical.ACTION, models.CharField(max_length=80))
    purpose = BodyField(canonical.PURPOSE, models.CharField(max_length=80))
    patron_ref = BodyField(canonical.PATRON_REF, models.CharField(max_length=36))
    fields = BodyField(canonical.FIELDS, models.JSONField(), as_json=True)
    outcome = BodyField(canonical.OUTCOME, models.CharField(max_length=80))
    clauses = BodyField(canonical.CLAUSES, models.JSONField(), as_json=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["patron_ref", "seq"], name="audit_entry_patron"),
            models.Index(fields=["recorded_at"], name="audit_entry_time"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"audit entry {self.seq}"

    @property
    def entry_hash(self) -> str:
        """Not stored: the next entry's prev_hash, the head row and checkpoints hold it."""
        return canonical.entry_hash(self.body)


class AuditHead(models.Model):
    """The single row (id 1) naming the newest entry. Appends lock it, so seqs never fork.

    `frontier` is the Merkle frontier after `seq` leaves (hex, largest subtree first).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=canonical.GENESIS_HASH)
    frontier = models.TextField(default="", blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")
        ]

    def __str__(self):
        return f"audit head at {self.seq}"


class AuditCheckpoint(AppendOnlyModel):
    """A signed statement: the log's first `tree_size` entries have this Merkle root and
    end with this entry hash. `frontier` lets the next checkpoint's root be checked
    without rehashing the whole tree; it must fold to `root_hash`."""

    tree_size = models.BigIntegerField(primary_key=True)
    root_hash = models.CharField(max_length=64)
    head_hash = models.CharField(max_length=64)
    frontier = models.TextField(blank=True)
    signed_at = models.CharField(max_length=27)
    public_key = models.CharField(max_length=44)
    signature = models.CharField(max_length=88)

    class Meta:
        ordering = ["tree_size"]

    def __str__(self):
        return f"audit checkpoint at {self.tree_size}"


class PolicyVersion(models.Model):
    """The text of one version of a policy profile, kept for as long as the log it decided:
    an auditor decides an old entry again with the rules in force when it was written.
    `digest` is files_digest(files) (custodian/policy/replay.py), so an edited text shows."""

    digest = models.CharField(max_length=64, unique=True)
    profile = models.CharField(max_length=64)
    policy_version = models.CharField(max_length=80)
    files = models.JSONField(help_text="The deciding files of the profile folder, by name.")
    first_used_at = models.DateTimeField()

    class Meta:
        ordering = ["first_used_at", "id"]

    def __str__(self):
        return f"{self.profile} {self.policy_version} ({self.digest[:12]})"


class PolicyInForce(models.Model):
    """From `since`, the running system decided with `version` (until the next row)."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="uses")
    since = models.DateTimeField()

    class Meta:
        ordering = ["since", "id"]
        indexes = [models.Index(fields=["since"], name="policy_in_force_since")]

    def __str__(self):
        return f"{self.version} from {self.since:%Y-%m-%d %H:%M:%S}"
