"""The generated library keeps its profile's retention schedule, as if `custodian purge` had
run every day of its past: a new library gives the daily purge nothing to do.

Two ways, each where it is cheapest:
- expired cards are dated within the schedule when they are made (phase_patrons), since
  erasing a person is more than a DELETE;
- everything else is made as before, counted in the statistics (which the purge never
  touches), and then the schedule's own queries (custodian.retention.schedule.due) delete
  or make anonymous what it says, set-based, in the generator's transaction. Using the
  purge's own queries means the purge cannot disagree with the generator.

Reading history is left as made: `--past-loans N` gives exactly N past loans, and a
`--history-years` longer than the profile keeps them makes rows the purge would remove
(what the purge benchmark asks for; docs/generate.md).
"""

from django.conf import settings

from custodian.policy.retention import CATEGORIES
from custodian.records.models import Payment
from custodian.retention import schedule
from custodian.synth.context import Context

CHUNK = 5_000  # keys per statement
# What this phase applies: every category but registration (phase_patrons dates expired
# cards within the period), reading history (left as made, above), and the cases and audit
# entries, which the generator never makes.
APPLIED = tuple(
    c for c in CATEGORIES if c not in ("registration", "reading_history", "cases", "audit")
)


def kept_days(category: str) -> int:
    """How many days the library's profile keeps a category's rows after their business."""
    rule = schedule.rules(settings.CUSTODIAN_PROFILE)[category]
    return rule.days if rule.days is not None else 0


def _chunks(ids: list, size: int = CHUNK):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def apply_schedule(*, ctx: Context) -> dict[str, int]:
    """Delete or strip what the schedule says has had its time; returns rows per category.

    The due rows' keys are read first and changed by key: on PostgreSQL the tables were
    filled in this transaction, so the planner has no statistics for them yet and a
    DELETE ... WHERE id IN (a join on the same table) can take minutes (it did)."""
    rules = schedule.rules(settings.CUSTODIAN_PROFILE)
    done: dict[str, int] = {}
    for name in APPLIED:
        category, rule = schedule.CATEGORIES[name], rules[name]
        if rule.action == "keep":
            continue
        model = category.model
        ids = list(schedule.due(category, rule, now=ctx.now).values_list("pk", flat=True))
        done[name] = 0
        for chunk in _chunks(ids):
            by_key = model.objects.filter(pk__in=chunk)
            if rule.action == "delete":
                done[name] += by_key.delete()[1].get(model._meta.label, 0)
            else:
                if name == "charges":
                    # As the purge strips a settled charge: its payments lose the patron too.
                    Payment.objects.filter(charge__in=chunk, patron__isnull=False).update(
                        patron=None
                    )
                done[name] += by_key.update(**category.strip)
        if rule.action == "delete":
            # The summary's "rows written" is what the library holds at the end.
            label = model.__name__
            ctx.written[label] = ctx.written.get(label, 0) - done[name]
    return done
