"""The policy versions the running system decided with, kept in the database.

Before an audit entry is appended, `note_in_force` makes sure the log of versions names the
profile in force now (its deciding files' text, by digest): the first time a version is
used a PolicyVersion row keeps its text, and each time the version in force changes a
PolicyInForce row says so. An auditor later decides an old entry with the version in force
when it was written (`version_at`), its text written back to a temporary folder.

The audit entry itself does not name the version (the chain's body format is fixed); its
time does: the version in force for an entry is the newest PolicyInForce row at or before
it. A disclosure decision also names its profile and policy_version, which narrow the choice.
"""

import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from custodian.audit.models import PolicyInForce, PolicyVersion
from custodian.policy import Engine, ProfileError, RequestError, get_engine
from custodian.policy.replay import files_digest, profile_files, write_profile

# Attribute of Django's connection: the digest this connection last saw in force (committed).
_NOTED = "_custodian_policy_in_force"
_digests: dict[int, tuple[object, str, dict]] = {}  # id(Profile) -> (profile, digest, files)
_digests_lock = threading.Lock()


def current_version(profile_name: str | None = None) -> tuple[object, str, dict]:
    """(Profile, digest, files) of the profile the engine decides with now. The folder is
    read once per loaded Profile, so the text kept is the text that was loaded."""
    profile = get_engine().profile(profile_name or settings.CUSTODIAN_PROFILE)
    found = _digests.get(id(profile))
    if found is None or found[0] is not profile:
        files = profile_files(profile.folder)
        found = (profile, files_digest(files), files)
        with _digests_lock:
            _digests[id(profile)] = found
    return found


def note_in_force(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record the version in force, if the log of versions does not already end with it.
    Runs in the caller's transaction: a rolled-back append takes its note with it."""
    connection = connections[using]
    try:
        profile, digest, files = current_version()
    except (RequestError, ProfileError, OSError):
        # No profile of the configured name (or its folder is gone): nothing decided with
        # it can be on record, and the entry itself must still be written.
        return
    # Within one outer transaction a note made earlier in it is still there (unless a
    # savepoint holding it rolled back: then that transaction's later entries fall back to
    # the version before); across transactions only a committed note counts.
    # (The outer block itself is kept, not its id(): ids of freed objects come back.)
    outer = connection.atomic_blocks[0] if connection.in_atomic_block else None
    noted = getattr(connection, _NOTED, None)
    if noted == digest or (
        outer is not None and isinstance(noted, tuple) and noted[0] == digest and noted[1] is outer
    ):
        return
    now = timezone.now()
    with transaction.atomic(using=using, savepoint=False):
        latest = PolicyInForce.objects.using(using).select_related("version").last()
        if latest is None or latest.version.digest != digest:
            version, _ = PolicyVersion.objects.using(using).get_or_create(
                digest=digest,
                defaults={
                    "profile": profile.name,
                    "policy_version": profile.policy_version,
                    "files": files,
                    "first_used_at": now,
                },
            )
            PolicyInForce.objects.using(using).create(version=version, since=now)
    if outer is None:
        setattr(connection, _NOTED, digest)  # committed just now
    else:
        setattr(connection, _NOTED, (digest, outer))
        # Django drops this callback if a savepoint around it rolls back.
        transaction.on_commit(lambda: setattr(connection, _NOTED, digest), using=using)


def forget_noted(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Check the database again on the next append (after the tables were emptied)."""
    connection = connections[using]
    if hasattr(connection, _NOTED):
        delattr(connection, _NOTED)


@dataclass(frozen=True)
class VersionChoice:
    version: PolicyVersion | None
    # How the version was chosen: "in force" (the newest at or before the time), "earliest"
    # (the time precedes every recorded version), or "not recorded" (decided as now).
    how: str


class VersionLog:
    """The recorded versions in force, read once, and an engine per version on demand."""

    def __init__(self, *, using: str = DEFAULT_DB_ALIAS):
        self.uses = list(PolicyInForce.objects.using(using).select_related("version"))
        self._engines: dict[str, Engine] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="custodian-policy-versions-")

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def version_at(self, moment, *, profile: str | None = None, label: str | None = None):
        """The version in force at `moment`: the newest use at or before it, among uses of
        `profile` (and, when some match, of policy_version `label`); else the earliest."""
        uses = [u for u in self.uses if profile is None or u.version.profile == profile]
        if label is not None and any(u.version.policy_version == label for u in uses):
            uses = [u for u in uses if u.version.policy_version == label]
        if not uses:
            return VersionChoice(None, "not recorded")
        before = [u for u in uses if u.since <= moment]
        if before:
            return VersionChoice(before[-1].version, "in force")
        return VersionChoice(uses[0].version, "earliest")

    def tampered(self) -> list[PolicyVersion]:
        """Versions whose stored text no longer matches their digest."""
        seen = {u.version.pk: u.version for u in self.uses}
        return [v for v in seen.values() if files_digest(v.files) != v.digest]

    def engine(self, version: PolicyVersion | None) -> Engine:
        """An engine deciding with this stored version (or, for None, the live engine)."""
        if version is None:
            return get_engine()
        engine = self._engines.get(version.digest)
        if engine is None:
            folder = write_profile(version.files, Path(self._tmp.name) / version.digest)
            engine = Engine(profile_dirs=[folder])
            self._engines[version.digest] = engine
        return engine
