"""The auditor's screens at /audit/: verify the chain, read the access log, re-check every
decision against the policy. The transparency report is the disclosure board page.

Only the auditor opens them (anyone else: a 403, audited by `role_required`). Each does
what its command does, through the same code: `custodian audit verify` (verify.py),
`custodian audit check-decisions` (replaying.py), the log read through selectors.py. Running
a check, and searching the log for one patron's ref, are themselves audited. Filters are
checked: a bad one answers 400 saying which, never 500. The log holds no personal data, so
these pages show none: patrons appear only as opaque refs.
"""

import datetime as dt
import logging
import time
import uuid

from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from custodian import errors
from custodian.accounts.decorators import role_required
from custodian.accounts.models import Role
from custodian.accounts.selectors import staff_usernames
from custodian.audit import selectors, wording

log = logging.getLogger(__name__)

AUDIT_ROLES = (Role.AUDITOR,)
PER_PAGE = 50
# Past these sizes a check is left to the command line, which shows progress and cannot
# time out: verification runs at ~0.5-0.7 million entries a second in one process
# (docs/performance.md), so the screen's limit is a few seconds' work.
VERIFY_SCREEN_LIMIT = 3_000_000
VERIFY_RATE = 500_000  # entries a second, for the page's estimate (a slow machine's)
CHECK_SCREEN_LIMIT = 200_000

# The outcome filter, in the words an auditor uses: each choice covers the codes the
# different parts of the system record for it.
OUTCOME_GROUPS = {
    "released": ("Released, in full or in part", ("release", "partial_release", "released")),
    "refused": ("Refused or denied", ("deny", "refused", "withhold")),
    "referred": ("Referred to someone else", ("refer",)),
    "allowed": ("Allowed (a screen or report opened)", ("allowed",)),
    "changed": ("A change made or recorded", ("applied", "recorded", "disclose", "closed")),
}


def _audit(request, *, action: str, outcome: str, patron_ref: str | None = None) -> None:
    from custodian.audit.services import record_access

    record_access(
        actor=request.user.get_username(),
        role=request.user.role,
        purpose="audit",
        patron_ref=patron_ref,
        fields=[],
        outcome=outcome,
        clauses=[],
        action=action,
    )


@require_GET
@role_required(*AUDIT_ROLES)
def index(request):
    size = selectors.size()
    return render(request, "audit/index.html", {"entries": size, "entries_text": f"{size:,}"})


# ------------------------------------------------------------------------ the access log


def _day(request, name: str) -> dt.date | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or day.year < 2000:
        raise BadRequest(f"“{name}” must be a date written as year-month-day, e.g. 2026-12-02.")
    return day


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the library's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _patron_ref(request) -> str | None:
    raw = request.GET.get("patron", "").strip()
    if not raw:
        return None
    try:
        return str(uuid.UUID(raw)) if len(raw) <= 36 else None
    except ValueError:
        pass
    # A card number or a name typed here would be personal data: say what is wanted instead.
    raise BadRequest(
        "“patron” must be a patron reference (like 1b4e28ba-2fa1-11d2-883f-0016d3cca427), "
        "not a name or card number."
    )


@require_GET
@role_required(*AUDIT_ROLES)
def access_log(request):
    staff = errors.choice_param(request, "staff", tuple(staff_usernames()))
    patron = _patron_ref(request)
    since, until = _day(request, "from"), _day(request, "to")
    if since and until and since > until:
        raise BadRequest("“from” must be on or before “to”.")
    group = errors.choice_param(request, "outcome", tuple(OUTCOME_GROUPS))
    entries = selectors.search(
        actor=staff,
        patron_ref=patron,
        start=_start_of(since) if since else None,
        end=_start_of(until + dt.timedelta(days=1)) if until else None,
        outcomes=OUTCOME_GROUPS[group][1] if group else (),
    )
    paginator = Paginator(entries, PER_PAGE)
    number = errors.int_param(request, "page", default=1, low=1, high=max(paginator.num_pages, 1))
    page = paginator.page(number)
    if patron:
        # Whose record was looked at is itself worth knowing: the patron's own history shows it.
        _audit(request, action="audit_log_search", outcome="allowed", patron_ref=patron)
    rows = [
        {
            "entry": e,
            "who": e.actor,
            "role": wording.role(e.role),
            "what": wording.action(e.action),
            "why": wording.purpose(e.purpose),
            "fields": [wording.field(f) for f in e.fields],
            "outcome": wording.outcome(e.outcome),
        }
        for e in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "rows": rows,
            "page": page,
            "count_text": f"{paginator.count:,}",
            "query": query.urlencode(),
            "staff_choices": staff_usernames(),
            "outcome_choices": [(k, v[0]) for k, v in OUTCOME_GROUPS.items()],
            "chosen": {
                "staff": staff or "",
                "patron": patron or "",
                "from": since.isoformat() if since else "",
                "to": until.isoformat() if until else "",
                "outcome": group or "",
            },
            "filtered": any((staff, patron, since, until, group)),
        },
    )


# ------------------------------------------------------------------------------ checks


@require_http_methods(["GET", "POST"])
@role_required(*AUDIT_ROLES)
def verify(request):
    """GET explains; POST (a button) runs the same verification as `custodian audit verify`."""
    size = selectors.size()
    seconds = round(size / VERIFY_RATE)
    context = {
        "size": size,
        "size_text": f"{size:,}",
        "too_big": size > VERIFY_SCREEN_LIMIT,
        "estimate": "a moment" if seconds < 2 else f"about {seconds} seconds",
        "result": None,
    }
    if request.method == "POST" and not context["too_big"]:
        from custodian.audit.services import verify_log

        # One process: a web worker should not start others (the CLI does, for big logs).
        result = verify_log(workers=1)
        context["result"] = result
        context["count_text"] = f"{result.count:,}"
        context["checkpoint_text"] = f"{result.checkpoint:,}" if result.checkpoint else ""
        context["seconds"] = f"{result.seconds:.1f}" if result.seconds >= 0.1 else "under 0.1"
        _audit(request, action="audit_verify", outcome="intact" if result.ok else "broken")
    return render(request, "audit/verify.html", context)


def _finding(f: dict) -> dict:
    try:
        at = dt.datetime.fromisoformat(str(f["at"]))
    except ValueError:
        at = None
    return {
        "ref": f["ref"],
        "at": at,
        "version": f"{f['profile']} {f['policy_version'] or '(as it is now)'}",
        "earliest": f["version_chosen"] == "earliest",
        "problems": [wording.problem(p) for p in f["problems"]],
    }


@require_http_methods(["GET", "POST"])
@role_required(*AUDIT_ROLES)
def decisions(request):
    """GET explains; POST runs `custodian audit check-decisions` and shows what it found."""
    from custodian.audit.decisions import count_audited
    from custodian.disclosure.replay import count_decisions

    total = count_audited() + count_decisions()
    context = {
        "total": total,
        "total_text": f"{total:,}",
        "too_big": total > CHECK_SCREEN_LIMIT,
        "result": None,
    }
    if request.method == "POST" and not context["too_big"]:
        from custodian.audit.replaying import check_all
        from custodian.policy.errors import ProfileError

        began = time.perf_counter()
        try:
            result = check_all()
        except ProfileError:
            # A kept policy version that no longer loads: the command line says which and why.
            log.exception("check-decisions could not load a recorded policy version")
            context["failed"] = True
            _audit(request, action="audit_check_decisions", outcome="failed")
            return render(request, "audit/decisions.html", context)
        seconds = time.perf_counter() - began
        bad = bool(result["findings"] or result["sealed_findings"] or result["tampered_versions"])
        context.update(
            result=result,
            bad=bad,
            findings=[_finding(f) for f in result["findings"]],
            seconds=f"{seconds:.1f}" if seconds >= 0.1 else "under 0.1",
        )
        _audit(request, action="audit_check_decisions", outcome="disagree" if bad else "agree")
    return render(request, "audit/decisions.html", context)
