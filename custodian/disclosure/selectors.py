"""Read-side queries for disclosure cases, filtered by who is looking.

Sealed cases are visible to the director and designees only; they never appear in a list,
count or reminder that anyone else can see.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from custodian.disclosure import vocab
from custodian.disclosure.models import Case, CounselReview, DisclosureRequest
from custodian.disclosure.services import CUSTODIAN_ROLES, role_of


def cases_for(user, *, status: str | None = None) -> QuerySet[Case]:
    role = role_of(user)
    qs = Case.objects.select_related("request", "counsel_review").order_by("-opened_at")
    if role in CUSTODIAN_ROLES:
        pass
    elif role == "branch_manager":
        qs = qs.filter(sealed=False)
    elif role == "desk":
        qs = qs.filter(sealed=False, request__created_by=user)
    else:
        return qs.none()
    if status == "open":
        qs = qs.filter(closed_at__isnull=True)
    elif status:
        qs = qs.filter(status=status)
    return qs


# Who a case waits on, in the roles' own words.
WAITS_ON = {"director": "The Library Director", "branch_manager": "The branch manager"}
_COUNSEL_PENDING = Q(counsel_review__isnull=False, counsel_review__recorded_at__isnull=True)


def _role_waited_on(user) -> str:
    role = role_of(user)
    if role in CUSTODIAN_ROLES:
        return "director"
    return "branch_manager" if role == "branch_manager" else ""


def my_queue(user) -> QuerySet[Case]:
    """Open cases waiting on this user's role (the Director's include its designees'); the desk
    is waited on by none: its part is done at the counter."""
    waited_on = _role_waited_on(user)
    qs = cases_for(user, status="open").select_related("counsel_review")
    if not waited_on:
        return qs.none()
    if waited_on == "director":
        # Counsel's review of an emergency release is recorded by the Director.
        return qs.filter(Q(assigned_role="director") | _COUNSEL_PENDING)
    return qs.filter(assigned_role=waited_on).exclude(_COUNSEL_PENDING)


def waits_on(case: Case) -> str:
    """The role an open case waits on ("" once it is closed)."""
    if case.closed_at is not None:
        return ""
    if counsel_pending(case):
        return "director"
    return case.assigned_role


def counsel_pending(case: Case) -> CounselReview | None:
    try:
        cr = case.counsel_review
    except CounselReview.DoesNotExist:
        return None
    return cr if cr.recorded_at is None else None


def age_in_words(opened_at, today: dt.date) -> str:
    days = (today - timezone.localdate(opened_at)).days
    if days <= 0:
        return "Today"
    return "1 day" if days == 1 else f"{days} days"


# What a request asks for, in the groups people use (the intake's groups).
def asks_for(fields) -> list[str]:
    """The groups of records a request asks for, in words, in a fixed order."""
    return [
        label for _, label, members in vocab.FIELD_GROUPS if any(f in members for f in fields or ())
    ]


def case_row(case: Case, *, today: dt.date) -> dict:
    """One line of a case list: enough to tell cases apart, with nothing a sealed case hides."""
    req = case.request
    who = vocab.REQUESTER_KINDS.get(req.requester_kind, req.requester_kind)
    named = ", ".join(n for n in (req.requester_name, req.requester_organisation) if n)
    if not named and req.is_officer:
        named = ", ".join(n for n in (req.officer_name, req.officer_agency) if n)
    role = waits_on(case)
    pending = counsel_pending(case) if role else None
    due = pending.due_by if pending else (case.due_on if role else None)
    due_day = timezone.localdate(due) if isinstance(due, dt.datetime) else due
    return {
        "case": case,
        "requester": who,
        # A sealed case shows who asked only on its own page.
        "name": "" if case.sealed else named,
        "document": vocab.INSTRUMENT_TYPES.get(req.instrument_type, "")
        if req.instrument_type
        else "No legal document",
        "asks_for": asks_for(req.requested),
        "age": age_in_words(case.opened_at, today),
        "waits_on": WAITS_ON.get(role, "Nobody: closed"),
        "due": due,
        "overdue": bool(due_day and due_day < today),
    }


def case_rows(cases, *, now=None) -> list[dict]:
    today = timezone.localdate(now or timezone.now())
    return [case_row(c, today=today) for c in cases]


def next_step(case, *, counsel, written, written_required) -> tuple[str, str]:
    """What the case waits for now: the section to open, and the step in words."""
    if counsel is not None and counsel.recorded_at is None:
        return "counsel", "Counsel's review of the emergency release"
    if case.closed_at is not None:
        return "", "Nothing: the case is closed"
    if case.status == "released":
        return "close", "Closing the case"
    if case.status == "approved":
        if written_required and not any(w.disclose for w in written):
            return "decision", "The Director's written decision"
        return "release", "Producing the disclosure package"
    if case.status == "declined":
        return "decision", "A written decision, or closing the case"
    return "review", "The legal review"


def reminders(user, *, now=None) -> list[dict]:
    """Due and overdue items this user may see: counsel reviews of emergency releases not
    yet recorded, and open cases past their due date."""
    now = now or timezone.now()
    role = role_of(user)
    if role in CUSTODIAN_ROLES:
        visible = cases_for(user)
        assigned = "director"
    elif role == "branch_manager":
        visible = cases_for(user)
        assigned = "branch_manager"
    else:
        return []
    out: list[dict] = []
    pending = CounselReview.objects.filter(
        recorded_at__isnull=True, case__in=visible
    ).select_related("case")
    if role not in CUSTODIAN_ROLES:
        pending = pending.none()
    for cr in pending.order_by("due_by"):
        out.append(
            {
                "kind": "counsel_review",
                "case": cr.case,
                "due": cr.due_by,
                "overdue": cr.due_by < now,
                "text": "Counsel must review the emergency release (Westchester policy 6).",
            }
        )
    today = timezone.localdate(now)
    for case in visible.filter(
        closed_at__isnull=True, due_on__isnull=False, status="open", assigned_role=assigned
    ).order_by("due_on"):
        if case.due_on <= today + dt.timedelta(days=1):
            out.append(
                {
                    "kind": "case_due",
                    "case": case,
                    "due": case.due_on,
                    "overdue": case.due_on < today,
                    "text": f"Referred request waiting on the {case.assigned_role.replace('_', ' ')}.",
                }
            )
    return out


def transparency_counts(year: int) -> dict:
    """The board's counts before suppression: for `transparency` (and tests) only; nothing
    that publishes figures may print these."""
    qs = DisclosureRequest.objects.filter(created_at__year=year)
    sealed = Q(case__sealed=True) | Q(sealed=True, case__isnull=True)
    shown = qs.exclude(sealed)

    def counts(field):
        return {
            row[field] or "none": row["n"]
            for row in shown.values(field).annotate(n=Count("id")).order_by(field)
        }

    return {
        "year": year,
        "total": shown.count(),
        "by_requester_kind": counts("requester_kind"),
        "by_document_type": counts("instrument_type"),
        "by_outcome": counts("outcome"),
        "releases": shown.filter(case__releases__isnull=False).distinct().count(),
        # Decisions that gave more than the policy engine's answer (the Director's override).
        "overrides": shown.filter(case__written_decisions__override=True).distinct().count(),
    }


BREAKDOWNS = ("by_requester_kind", "by_document_type", "by_outcome")


def transparency(year: int) -> dict:
    """Counts for the board, the API and `custodian transparency-report`, with the library's
    small-cell suppression (custodian/statistics/suppression.py): a figure below the
    profile's `min_cell_size` is "fewer than N", and others in the same breakdown are
    "withheld" so that none can be worked out from the total. The total is the same in all
    three breakdowns: if one of them needs it withheld, it is withheld in all. Requests
    whose case is sealed are left out until unsealed."""
    from custodian.statistics.services import current
    from custodian.statistics.suppression import Figure, Mark, suppress_list

    raw = transparency_counts(year)
    n = current().min_cell_size

    def publish(withhold_total: bool) -> tuple[dict, Figure]:
        out, total = {}, None
        for name in BREAKDOWNS:
            keys = list(raw[name])
            figures, grand = suppress_list(
                [raw[name][k] for k in keys],
                min_cell_size=n,
                keep_total=True,
                withhold_total=withhold_total,
            )
            out[name] = {k: f.public(n) for k, f in zip(keys, figures, strict=True)}
            if total is None or not grand.shown:
                total = grand
        return out, total

    breakdowns, total = publish(False)
    if not total.shown and total.mark is Mark.WITHHELD:
        breakdowns, total = publish(True)
    if not raw["total"]:
        total = Figure(0, Mark.SHOWN if n <= 1 else Mark.FEWER)

    def single(value: int):
        return Figure(value, Mark.FEWER if value < n else Mark.SHOWN).public(n)

    return {
        "year": year,
        "total": total.public(n),
        **breakdowns,
        "releases": single(raw["releases"]),
        "overrides": single(raw["overrides"]),
        "min_cell_size": n,
        "note": (
            "Requests under a secrecy order (a USA PATRIOT Act / FISA order or any nondisclosure order) "
            "are left out of this report while they remain sealed; it may therefore omit some requests."
        ),
        "suppression": (
            f'Figures below {n} are shown as "fewer than {n}", and some others are withheld, '
            "so that no small figure can be worked out from the totals."
        ),
    }


def sealed_patron_refs() -> set[str]:
    """Patrons with a request under seal: anything a patron (or non-custodian staff) can see,
    such as a patron's own access history, must leave out the `disclosure.*` audit entries
    for these refs until the case is unsealed."""
    refs = DisclosureRequest.objects.filter(
        Q(case__sealed=True) | Q(sealed=True, case__isnull=True), patron_ref__isnull=False
    ).values_list("patron_ref", flat=True)
    return {str(r) for r in refs}
