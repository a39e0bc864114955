"""What the Retention screen shows: the profile's schedule in words, grouped by the clause
each rule cites, and today's dry run (what would go, what a legal hold keeps). Counts only:
no row, no patron."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from custodian.policy import get_engine
from custodian.retention import schedule
from custodian.retention.models import PurgeRun
from custodian.retention.services import purge

# The categories in the library's words (the screen shows no internal names).
LABELS = {
    "registration": "Registrations of expired cards",
    "reading_history": "Reading history (patrons who opted in)",
    "holds": "Holds filled, cancelled or expired",
    "charges": "Paid and waived charges",
    "programs": "Program sign-ups",
    "computer_sessions": "Public-computer sessions",
    "room_bookings": "Meeting-room bookings",
    "reference_interviews": "Reference questions",
    "ill": "Interlibrary loans",
    "searches": "Catalogue and database searches",
    "video": "Security-camera footage",
    "cases": "Disclosure cases and their documents",
    "audit": "Access-log entries",
}
ACTION_WORDS = {"delete": "Deleted", "strip": "Made anonymous", "keep": "Kept"}


@dataclass(frozen=True)
class Row:
    label: str
    rule: str  # the rule in words
    action: str  # in words
    why: str
    due: int | None  # None for "kept for good"
    held: int
    held_sealed: int
    blocked: int


@dataclass(frozen=True)
class Group:
    clause: str | None  # None: where the policy is silent
    clause_text: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class LastRun:
    started_at: object
    finished_at: object
    status: str
    changed: int
    batches: int


@dataclass(frozen=True)
class Report:
    library: str
    policy: str
    groups: tuple[Group, ...]
    due_total: int
    held_total: int
    sealed_total: int
    runs: tuple[LastRun, ...]
    measured_at: object


def retention_report(*, profile: str | None = None, now=None) -> Report:
    profile = profile or settings.CUSTODIAN_PROFILE
    loaded = get_engine().profile(profile)
    now = now or timezone.now()
    dry = purge(profile=profile, now=now, dry_run=True, categories=list(schedule.CATEGORIES))
    by_name = {c.name: c for c in dry.categories}
    groups: dict[str | None, list[Row]] = {}
    for name, rule in loaded.schedule.items():
        result = by_name[name]
        groups.setdefault(rule.clause, []).append(
            Row(
                label=LABELS[name],
                rule=schedule.what_happens(schedule.CATEGORIES[name], rule),
                action=ACTION_WORDS[rule.action],
                why=rule.why,
                due=None if rule.action == "keep" else result.rows,
                held=result.held,
                held_sealed=result.held_sealed,
                blocked=result.blocked,
            )
        )
    cited = [c for c in groups if c is not None]
    ordered = sorted(cited, key=lambda c: loaded.clause_rank.get(c, 0))
    out = [Group(c, " ".join(loaded.clauses[c].text.split()), tuple(groups[c])) for c in ordered]
    if None in groups:
        out.append(Group(None, "", tuple(groups[None])))
    runs = tuple(
        LastRun(
            started_at=r.started_at,
            finished_at=r.finished_at,
            status=r.get_status_display(),
            changed=sum(int(p.get("done", 0)) for p in r.progress.values()),
            batches=r.batches,
        )
        for r in PurgeRun.objects.filter(profile=profile)[:5]
    )
    return Report(
        library=loaded.display_name,
        policy=loaded.title,
        groups=tuple(out),
        due_total=dry.total,
        held_total=sum(c.held for c in dry.categories),
        sealed_total=sum(c.held_sealed for c in dry.categories),
        runs=runs,
        measured_at=now,
    )
