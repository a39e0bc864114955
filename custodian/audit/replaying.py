"""The two whole runs: a draft replayed against the policy in force, and the auditor's
check of every recorded decision against the version in force when it was made.

`progress(total, label)` is a context manager giving `advance(n)` (the CLI's Rich bar).
"""

import datetime as dt
from contextlib import nullcontext

from django.conf import settings

from custodian.audit import decisions
from custodian.audit.policy_versions import VersionLog
from custodian.disclosure import replay as disclosure_replay
from custodian.policy import Engine, get_engine
from custodian.policy.replay import Report, replay, ruled


def _no_progress(total, label):
    return nullcontext(lambda n: None)


def replay_draft(
    *, draft: Engine, name: str, since: dt.datetime | None = None, progress=_no_progress
) -> dict:
    """Every recorded decision of the draft's library, decided under the policy in force
    (`old`) and under the draft (`new`). The draft's library is the profile of its name, or,
    for a draft of a new name, the profile this installation runs."""
    live = get_engine()
    target = name if name in live.profiles else settings.CUSTODIAN_PROFILE

    def old(item):
        return ruled(live, item, target)

    def new(item):
        return ruled(draft, item, name)

    total = disclosure_replay.count_decisions(since=since)
    reads_included = settings.CUSTODIAN_PROFILE == target
    if reads_included:
        total += decisions.count_audited(since=since)
    skipped = {"left_out": 0, "reads": 0}

    def of_target(advance):
        for item, facts in disclosure_replay.disclosure_decisions(since=since):
            if facts["profile"] == target:
                yield item
            else:
                skipped["left_out"] += 1
                advance(1)

    def policy_reads(advance):
        for entry in decisions.audited_entries(since=since):
            item = decisions.read_item(entry, target)
            if item is None:
                skipped["reads"] += 1
                advance(1)
            else:
                yield item

    with progress(total, "replaying") as advance:
        disclosure = replay(of_target(advance), old=old, new=new, advance=advance)
        reads = Report()
        if reads_included:
            reads = replay(policy_reads(advance), old=old, new=new, advance=advance)
    draft_profile = draft.profile(name)
    live_profile = live.profiles.get(target)
    return {
        "draft": {"profile": name, "policy_version": draft_profile.policy_version},
        "live": {
            "profile": target,
            "policy_version": live_profile.policy_version if live_profile else None,
        },
        "since": since.date().isoformat() if since else None,
        "summary": {"disclosure": disclosure.counts, "reads": reads.counts},
        "sealed": {
            "counted": disclosure.sealed + reads.sealed,
            "changed": disclosure.sealed_changed + reads.sealed_changed,
        },
        "left_out": skipped["left_out"],
        "skipped_reads": skipped["reads"],
        "changes": disclosure.changes + reads.changes,
        "errors": disclosure.errors + reads.errors,
    }


def check_all(*, progress=_no_progress) -> dict:
    """Every audited read and disclosure decision against the version in force then."""
    total = decisions.count_audited() + disclosure_replay.count_decisions()
    with VersionLog() as log, progress(total, "checking") as advance:
        checked, skipped, read_findings = decisions.check_reads(log, advance=advance)
        disclosures, disclosure_findings, sealed = disclosure_replay.check_disclosures(
            log, advance=advance
        )
        tampered = [
            {"profile": v.profile, "policy_version": v.policy_version, "digest": v.digest}
            for v in log.tampered()
        ]
        versions = len({u.version_id for u in log.uses})
    return {
        "reads_checked": checked,
        "reads_skipped": skipped,
        "disclosures_checked": disclosures,
        "versions": versions,
        "tampered_versions": tampered,
        "findings": read_findings + disclosure_findings,
        "sealed_findings": sealed,
    }
