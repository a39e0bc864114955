"""'Who has looked at my record': the audit log's entries about one patron, for that patron.

What is listed: every entry about the patron written by someone else (staff reads, desk
actions, disclosure steps), newest first. The patron's own visits (actor "patron") are left
out: every portal page is audited as the patron's own read, so listing them would bury the
reads the patron came to see under their own clicks, and tells them nothing new.

What is never listed: the entries of a sealed case (a secrecy order: FISA, nondisclosure).
An audit entry does not name its case, so a sealed case's entries are found from the case
itself, from the database at the time the page is read (so a case sealed after a read still
hides it), and excluded inside the query, before paging: pages, their number and the
"older" link are computed over what the patron may see, so no count or gap shows. For each
request about this patron that is sealed now (the case's seal, or the request's when no
case was opened; unsealing by the Director lifts it):

1. every disclosure step about the patron ("disclosure.*") and every opening of a release
   package ("read_package") from the sealed request's own intake step onwards (found in the
   log: its taker's `disclosure.intake` entry written just after the request row was
   saved), whoever took it; and
2. the door entries each of those steps made: entries about the patron by the same member
   of staff, after their previous disclosure step about the patron and before their next,
   within `SEAL_MARGIN` of the step (the intake's card lookup and age read come just
   *before* its step; the release's read and the desk screen's just before or after).

This hides more rather than less: a second, unsealed request about the same patron handled
after a sealed one began is hidden too until the seal is lifted, and so are the same staff
member's ordinary reads of the patron within `SEAL_MARGIN` of a sealed step. It can never
show a sealed step; it hides an entry the patron may already have seen only when that
entry came minutes before a sealed intake by the same person (most likely part of it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q

from custodian.accounts.models import StaffUser
from custodian.audit import canonical
from custodian.audit.models import AuditEntry
from custodian.audit.services import record_access
from custodian.disclosure.models import DisclosureRequest, Release
from custodian.sip2.models import SipAccount

PER_PAGE = 20
SEAL_MARGIN = dt.timedelta(minutes=2)
# How long before its audit entry a request or a release row is written (same transaction).
_MATCH = dt.timedelta(seconds=60)
WHO_LOOKED = "portal.who_looked"
# The audit actor of a SIP2 machine: "sip:<account name>" (custodian/door/readers.py).
MACHINE_PREFIX = "sip:"
_BRANCH_FIELD = re.compile(r"staff_account\.(\d+)\.(branch|previous_branch)\.(\w+)")


@dataclass(frozen=True)
class Look:
    """One row of the page: codes the template turns into words (|label, |labels)."""

    at: dt.datetime
    action: str
    role: str
    branch: str  # the staff member's branch at the time, "" if none
    staff_name: str  # "" unless the profile shows staff names
    purpose: str
    fields: tuple[str, ...]
    outcome: str
    told_to: str  # requester kind of a disclosure, "" otherwise
    disclosure: bool


def _ts(moment: dt.datetime) -> str:
    return canonical.timestamp(moment)


def sealed_requests(*, patron_ref: str) -> list[DisclosureRequest]:
    """Requests about this patron that are sealed now (as disclosure.selectors counts them)."""
    return list(
        DisclosureRequest.objects.filter(patron_ref=patron_ref)
        .filter(Q(case__sealed=True) | Q(sealed=True, case__isnull=True))
        .select_related("created_by")
        .only("created_at", "created_by__username")
    )


def _sealed_exclusion(patron_ref: str) -> Q | None:
    """A Q matching every entry about `patron_ref` that belongs to a sealed case."""
    sealed = sealed_requests(patron_ref=patron_ref)
    if not sealed:
        return None
    steps = list(
        AuditEntry.objects.filter(patron_ref=patron_ref, action__startswith="disclosure.")
        .order_by("seq")
        .values_list("seq", "actor", "recorded_at", "action")
    )
    # Each sealed request's first step: its intake, logged by whoever took it right after
    # the request row was saved (same transaction). From there on, every step is hidden.
    anchors = []
    for req in sealed:
        anchors.append(
            next(
                (
                    seq
                    for seq, actor, at, action in steps
                    if action == "disclosure.intake"
                    and actor == req.created_by.get_username()
                    and at >= req.created_at
                ),
                0,  # not found (cannot happen): hide every step, never show one
            )
        )
    start = min(anchors)
    # A release package is opened (door action "read_package") with no disclosure step
    # beside it, maybe long after the release: every one from the sealed intake on is hidden.
    hidden = Q(action__startswith="disclosure.", seq__gte=start) | Q(
        action="read_package", seq__gte=start
    )
    steps = [(seq, actor, at) for seq, actor, at, _ in steps]
    for i, (seq, actor, at) in enumerate(steps):
        if seq < start:
            continue
        # The door entries this step made: by the same person, after their previous step
        # and before their next one about this patron, within SEAL_MARGIN of it.
        before = max((s for s, a, _at in steps[:i] if a == actor), default=0)
        after = min((s for s, a, _at in steps[i + 1 :] if a == actor), default=None)
        hidden |= Q(
            actor=actor, seq__gt=before, seq__lt=seq, recorded_at__gte=_ts(at - SEAL_MARGIN)
        )
        later = Q(actor=actor, seq__gt=seq, recorded_at__lte=_ts(at + SEAL_MARGIN))
        hidden |= later & Q(seq__lt=after) if after is not None else later
    return hidden


def visible_entries(*, patron_ref: str):
    """Entries about this patron the patron may see, newest first (a queryset)."""
    ref = str(patron_ref)
    entries = AuditEntry.objects.filter(patron_ref=ref).exclude(actor="patron", role="patron")
    hidden = _sealed_exclusion(ref)
    if hidden is not None:
        entries = entries.exclude(hidden)
    return entries.order_by("-seq")


class _Branches:
    """Each staff member's branch at a moment, from the staff-administration entries (which
    record every branch change with the previous one), else the account's branch now."""

    def __init__(self):
        self._accounts = {}
        self._machines = {}
        self._changes = None
        model = StaffUser._meta.get_field("branch").related_model
        self._names = dict(model.objects.values_list("pk", "name"))

    def account(self, username: str):
        if username not in self._accounts:
            self._accounts[username] = (
                StaffUser.objects.filter(username=username)
                .only("pk", "branch_id", "first_name", "last_name", "username")
                .first()
            )
        return self._accounts[username]

    def _history(self) -> dict[int, list[tuple[dt.datetime, str, str]]]:
        if self._changes is None:
            self._changes = {}
            rows = AuditEntry.objects.filter(
                action__in=("staff_create", "staff_set_branch")
            ).values_list("recorded_at", "fields")
            for at, fields in rows:
                now, before = {}, {}
                for f in fields or ():
                    m = _BRANCH_FIELD.fullmatch(f)
                    if m:
                        (before if m.group(2) == "previous_branch" else now)[int(m.group(1))] = (
                            m.group(3)
                        )
                for pk in now:
                    self._changes.setdefault(pk, []).append((at, now[pk], before.get(pk, "none")))
        return self._changes

    def at(self, username: str, moment: dt.datetime) -> str:
        if username.startswith(MACHINE_PREFIX):
            return self._machine(username[len(MACHINE_PREFIX) :])
        user = self.account(username)
        if user is None:
            return ""
        changes = sorted(self._history().get(user.pk, []))
        branch = user.branch_id
        earlier = [c for c in changes if c[0] <= moment]
        later = [c for c in changes if c[0] > moment]
        if earlier:
            branch = earlier[-1][1]
        elif later:
            branch = later[0][2]
        try:
            return self._names.get(int(branch), "")
        except (TypeError, ValueError):  # "none": no branch then
            return ""

    def _machine(self, name: str) -> str:
        """A SIP2 machine's branch (its account's; a machine does not move between them)."""
        if name not in self._machines:
            self._machines[name] = (
                SipAccount.objects.filter(name=name).values_list("branch_id", flat=True).first()
            )
        return self._names.get(self._machines[name], "")


def _told_to(entry: AuditEntry, patron_ref: str) -> str:
    """The requester kind a disclosure step told, found from its request or release row."""
    at = entry.recorded_at
    if entry.action == "disclosure.intake":
        req = (
            DisclosureRequest.objects.filter(
                patron_ref=patron_ref,
                created_by__username=entry.actor,
                created_at__gte=at - _MATCH,
                created_at__lte=at,
            )
            .order_by("-created_at")
            .first()
        )
        return req.requester_kind if req else ""
    if entry.action == "disclosure.release":
        rel = (
            Release.objects.filter(
                case__request__patron_ref=patron_ref,
                by__username=entry.actor,
                created_at__gte=at - _MATCH,
                created_at__lte=at,
            )
            .select_related("case__request")
            .order_by("-created_at")
            .first()
        )
        return rel.case.request.requester_kind if rel else ""
    return ""


def _told(entry: AuditEntry) -> tuple[str, ...]:
    # An intake names what the engine decided to release; nothing was told if it withheld.
    if entry.action == "disclosure.intake" and entry.outcome not in ("release", "partial_release"):
        return ()
    return tuple(entry.fields or ())


def page_of_looks(*, patron_ref, page: int, show_staff_names: bool) -> tuple[Page, list[Look]]:
    """One page of the patron's "who has looked", and its rows in words-ready form.

    Reading it is recorded as the patron's own read ("portal.who_looked"); the entry names
    no field and no other entry (it reveals nothing, and the page never lists it)."""
    ref = str(patron_ref)
    paginator = Paginator(visible_entries(patron_ref=ref), PER_PAGE)
    shown = paginator.get_page(page)
    branches = _Branches()
    rows = []
    for entry in shown.object_list:
        disclosure = entry.action.startswith("disclosure.")
        staff = entry.role not in ("patron", "system", "anonymous")
        name = ""
        if show_staff_names and staff:
            user = branches.account(entry.actor)
            name = (user.get_full_name() or user.get_username()) if user else ""
        rows.append(
            Look(
                at=entry.recorded_at,
                action=entry.action,
                role=entry.role,
                branch=branches.at(entry.actor, entry.recorded_at) if staff else "",
                staff_name=name,
                purpose=entry.purpose,
                fields=_told(entry),
                outcome=entry.outcome,
                told_to=_told_to(entry, ref) if disclosure else "",
                disclosure=disclosure,
            )
        )
    record_access(
        actor="patron",
        role="patron",
        purpose="own_record",
        patron_ref=ref,
        fields=[],
        outcome="allowed",
        clauses=[],
        action=WHO_LOOKED,
    )
    return shown, rows
