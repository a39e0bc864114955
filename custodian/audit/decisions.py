"""Audited reads as decisions to decide again, and the auditor's check of every decision.

The door writes one entry per read (custodian/door/auditing.py): role, purpose, fields
asked, the ruling's outcome and clauses. From those the engine's question is rebuilt with
the door's own `engine_request`. Two things the door asked with are not in the entry:
the patron's age (the log keeps no personal data) and, for a patron reading their own
record, what they signed in with; the age is taken as unknown and the sign-in as the
door's default. No shipped profile's rule for staff or a patron's own record looks at
the patron's age; a draft that adds one is replayed with the age unknown.

Entries the door ruled on without asking the engine (a patron opening someone else's
record, a package opened by a role that keeps none) are denials citing no clause; they
are counted as "not decided by the policy" and skipped.
"""

import datetime as dt
import uuid
from collections.abc import Iterator

from custodian.audit import canonical
from custodian.audit.models import AuditEntry
from custodian.audit.policy_versions import VersionLog
from custodian.door.readers import Reader
from custodian.door.ruling import engine_request
from custodian.policy.replay import Item, Outcome, disagreement, ruled

# The door's entries that record an engine ruling on patron-record fields, and the purpose
# the door asked the engine with when the entry records another (packages.py).
DOOR_ACTIONS = frozenset(
    {
        "read",
        "lookup",
        "check_out",
        "check_in",
        "renew",
        "place_hold",
        "cancel_hold",
        "pay",
        "mark_lost",
    }
)
PACKAGE_ACTION = "read_package"
_ENGINE_PURPOSE = {PACKAGE_ACTION: "library_business"}
_ANY_REF = uuid.UUID(int=0)  # a patron Reader needs a ref; the request never carries it


def _purpose(action: str, role: str, recorded: str) -> str | None:
    if action in _ENGINE_PURPOSE:
        return _ENGINE_PURPOSE[action]
    if role == "patron" and recorded == "own_record":
        return None  # the log says why; the door asked with no purpose (auditing.py)
    return None if recorded == "none" else recorded


def read_item(entry, profile: str) -> Item | None:
    """The entry as a decision to decide again, or None if the policy did not decide it."""
    seq, recorded_at, role, action, purpose, fields, outcome, clauses = entry
    if action not in DOOR_ACTIONS and action != PACKAGE_ACTION:
        return None
    if not fields:
        return None  # a role turned away before anything was asked (record_denial)
    if outcome == "deny" and not clauses and (role == "patron" or action == PACKAGE_ACTION):
        return None  # the door refused without asking the engine (ruling.refusal)
    if role == "patron":
        reader = Reader.patron(_ANY_REF)
    else:
        reader = Reader(kind="staff", role=role)
    engine_purpose = _purpose(action, role, purpose)
    request = engine_request(reader=reader, purpose=engine_purpose, fields=tuple(fields), age=None)
    request["profile"] = profile
    released = tuple(fields) if outcome == "release" else ()
    return Item(
        ref=f"audit entry {seq}",
        kind="read",
        request=request,
        need_role=role if reader.kind == "staff" else None,
        all_or_nothing=action == PACKAGE_ACTION,
        recorded=Outcome(outcome, released, tuple(clauses)),
        # A partial release's fields are not in the entry: only its outcome can be compared.
        recorded_fields_known=outcome != "partial_release",
        at=recorded_at.isoformat() if isinstance(recorded_at, dt.datetime) else str(recorded_at),
        # Everything the question above was built from: equal keys, equal questions.
        key=(profile, role, engine_purpose, tuple(fields), action == PACKAGE_ACTION),
    )


_COLUMNS = ("seq", "recorded_at", "role", "action", "purpose", "fields", "outcome", "clauses")


def audited_entries(*, since: dt.datetime | None = None) -> Iterator[tuple]:
    entries = AuditEntry.objects.filter(action__in=[*DOOR_ACTIONS, PACKAGE_ACTION])
    if since is not None:
        entries = entries.filter(recorded_at__gte=canonical.timestamp(since))
    return entries.order_by("seq").values_list(*_COLUMNS).iterator(chunk_size=2000)


def count_audited(*, since: dt.datetime | None = None) -> int:
    entries = AuditEntry.objects.filter(action__in=[*DOOR_ACTIONS, PACKAGE_ACTION])
    if since is not None:
        entries = entries.filter(recorded_at__gte=canonical.timestamp(since))
    return entries.count()


def audited_reads(*, profile: str, since: dt.datetime | None = None) -> Iterator[Item]:
    """Every audited read the policy decided, as items asked of `profile`."""
    for entry in audited_entries(since=since):
        item = read_item(entry, profile)
        if item is not None:
            yield item


def check_reads(log: VersionLog, *, advance=None) -> tuple[int, int, list[dict]]:
    """(entries checked, entries skipped, findings): each audited read decided again under
    the version in force when it was written; a finding for each that disagrees."""
    checked = skipped = 0
    findings = []
    decided_before: dict[tuple, object] = {}  # (version digest, situation) -> Outcome
    for entry in audited_entries():
        recorded_at = entry[1]
        choice = log.version_at(recorded_at)
        engine = log.engine(choice.version)
        name = choice.version.profile if choice.version else _live_profile()
        item = read_item(entry, name)
        if advance is not None:
            advance(1)
        if item is None:
            skipped += 1
            continue
        checked += 1
        memo_key = (choice.version.digest if choice.version else None, item.key)
        try:
            decided = decided_before.get(memo_key)
            if decided is None:
                decided = decided_before[memo_key] = ruled(engine, item)
        except Exception as exc:  # a version that cannot decide it is itself a finding
            findings.append(_finding(item, choice, [f"cannot be decided: {exc}"]))
            continue
        problems = disagreement(item.recorded, decided, fields_known=item.recorded_fields_known)
        if problems:
            findings.append(_finding(item, choice, problems))
    return checked, skipped, findings


def _live_profile() -> str:
    from django.conf import settings

    return settings.CUSTODIAN_PROFILE


def _finding(item: Item, choice, problems: list[str]) -> dict:
    version = choice.version
    return {
        "ref": item.ref,
        "at": item.at,
        "profile": version.profile if version else item.request["profile"],
        "policy_version": version.policy_version if version else None,
        "digest": version.digest if version else None,
        "version_chosen": choice.how,
        "problems": problems,
    }
