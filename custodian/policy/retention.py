"""The profile's retention schedule: `[retention.<category>]`, one table per record category.

Each says how long a record is kept after its business ended (`days`) and what then happens
(`action`): `delete` the row, `strip` it (cut the link to the patron, keep the anonymous row
for statistics), or `keep` it (only audit entries: the hash chain cannot lose an entry and
holds no personal data). Each cites the seed clause that names the period or the action
(`clause = "IV.d"`), or says the seed is silent (`silent = true`) and why the default was
chosen (`why = "..."`; a cited rule may explain itself with `why` too).

No Django here: `custodian.retention` turns the schedule into queries.
"""

from dataclasses import dataclass

from custodian.policy.errors import ProfileError

# The record categories, in the order screens and summaries list them. Holds placed on a
# patron's records (custodian.holds) name these.
CATEGORIES = (
    "registration",
    "reading_history",
    "holds",
    "charges",
    "programs",
    "computer_sessions",
    "room_bookings",
    "reference_interviews",
    "ill",
    "searches",
    "video",
    "cases",
    "audit",
)
ACTIONS = ("delete", "strip", "keep")
# What each category can do: a row whose patron link cannot be cut (the column is required)
# can only be deleted; audit entries can only be kept.
ALLOWED = {
    "registration": ("delete",),
    "reading_history": ("delete",),
    "holds": ("delete", "strip"),
    "charges": ("strip",),
    "programs": ("delete",),
    "computer_sessions": ("delete", "strip"),
    "room_bookings": ("delete", "strip"),
    "reference_interviews": ("delete", "strip"),
    "ill": ("delete", "strip"),
    "searches": ("delete", "strip"),
    "video": ("delete",),
    "cases": ("strip",),
    "audit": ("keep",),
}
# Keys of `[retention]` itself that are not category tables (read elsewhere).
PLAIN_KEYS = frozenset(
    {"loan_link_after_return_days", "not_kept"}
    | {"computer_sessions_days", "video_days", "searches_days", "room_bookings_days"}
)
# The older flat periods some screens read, and the category whose `days` they mirror.
MIRRORED = {
    "computer_sessions_days": "computer_sessions",
    "video_days": "video",
    "searches_days": "searches",
    "room_bookings_days": "room_bookings",
}
RULE_KEYS = frozenset({"days", "action", "clause", "silent", "why"})


@dataclass(frozen=True)
class RetentionRule:
    category: str
    days: int | None  # None only for "keep"
    action: str  # delete | strip | keep
    clause: str | None  # the seed clause that names the period or action
    silent: bool  # the seed names neither: a default, explained by `why`
    why: str


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def load_schedule(
    data: dict, *, profile: str, path, text: str, clauses: dict
) -> dict[str, RetentionRule]:
    """Read and check `[retention.<category>]`: every category, known actions, days >= 0."""
    given = data.get("retention", {})
    where = _line_of(text, "[retention")
    if not isinstance(given, dict):
        raise ProfileError(f"profile {profile!r}: [retention] must be a table", path=path)
    tables = {k: v for k, v in given.items() if isinstance(v, dict)}
    for key in given:
        if key not in tables and key not in PLAIN_KEYS:
            raise ProfileError(
                f"profile {profile!r}: [retention] has unknown key {key!r}",
                path=path,
                line=_line_of(text, key) or where,
            )
    for name in tables:
        if name not in CATEGORIES:
            raise ProfileError(
                f"profile {profile!r}: unknown retention category {name!r} "
                f"(categories: {', '.join(CATEGORIES)})",
                path=path,
                line=_line_of(text, f"retention.{name}") or where,
            )
    schedule = {}
    for name in CATEGORIES:
        line = _line_of(text, f"[retention.{name}]") or where
        if name not in tables:
            raise ProfileError(
                f"profile {profile!r}: [retention.{name}] is missing; the schedule must say "
                "how long every category is kept",
                path=path,
                line=where,
            )
        schedule[name] = _rule(name, tables[name], profile, path, line, clauses)
    for key, category in MIRRORED.items():
        if key in given and given[key] != schedule[category].days:
            raise ProfileError(
                f"profile {profile!r}: [retention] {key} = {given[key]!r} disagrees with "
                f"[retention.{category}] days = {schedule[category].days}",
                path=path,
                line=_line_of(text, key),
            )
    return schedule


def _rule(name: str, spec: dict, profile: str, path, line, clauses: dict) -> RetentionRule:
    def fail(message: str):
        raise ProfileError(
            f"profile {profile!r}: [retention.{name}] {message}", path=path, line=line
        )

    unknown = sorted(set(spec) - RULE_KEYS)
    if unknown:
        fail(f"has unknown key {unknown[0]!r} (keys: {', '.join(sorted(RULE_KEYS))})")
    action = spec.get("action")
    if action not in ACTIONS:
        fail(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    if action not in ALLOWED[name]:
        fail(f"action {action!r} does not apply here (allowed: {', '.join(ALLOWED[name])})")
    days = spec.get("days")
    if action == "keep":
        if days is not None:
            fail('keeps its records for good: give no days with action = "keep"')
    elif isinstance(days, bool) or not isinstance(days, int):
        fail("needs days = <whole number of days after the record's business ended>")
    elif days < 0:
        fail(f"days cannot be negative ({days})")
    clause, silent, why = spec.get("clause"), spec.get("silent", False), spec.get("why", "")
    if not isinstance(silent, bool) or not isinstance(why, str):
        fail("silent must be true or false, why a sentence")
    if clause is not None and clause not in clauses:
        fail(f"cites unknown clause {clause!r}")
    if (clause is None) == (not silent):
        fail('needs either clause = "<clause>" or silent = true with why = "<reason>"')
    if silent and not why.strip():
        fail('is silent = true: say why this default in why = "..."')
    return RetentionRule(name, days, action, clause, silent, " ".join(why.split()))
