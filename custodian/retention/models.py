"""A purge run: what `custodian purge` has done so far, so that a run killed half-way is
finished by the next one with nothing lost or done twice."""

from django.db import models
from django.db.models import F, Q


class PurgeRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running (or interrupted)"
        FINISHED = "finished", "Finished"
        SUPERSEDED = "superseded", "Left for a run with other options"

    profile = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    # The moment the schedule's periods are measured from; a resumed run keeps it.
    as_of = models.DateTimeField()
    # `--before DATE`: only records whose business ended before this day.
    before = models.DateField(null=True, blank=True)
    categories = models.JSONField(default=list)
    # category -> {"last": primary key done up to, "done": rows changed, "held": rows kept for
    # an open legal hold, "held_sealed": ... for a sealed one, "blocked": cards that cannot be
    # erased yet, "finished": bool}. Written in the same transaction as each batch.
    progress = models.JSONField(default=dict)
    batches = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["running", "finished", "superseded"]),
                name="purge_run_status_known",
            ),
            # A finished run says when; a running one has not finished.
            models.CheckConstraint(
                condition=(Q(status="running") & Q(finished_at__isnull=True))
                | (
                    ~Q(status="running")
                    & Q(finished_at__isnull=False)
                    & Q(finished_at__gte=F("started_at"))
                ),
                name="purge_run_finished_when_done",
            ),
        ]

    def __str__(self) -> str:
        return f"Purge run {self.pk} ({self.status})"
