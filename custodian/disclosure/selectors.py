"""Read-side queries for disclosure cases, filtered by who is looking.

Sealed cases are visible to the director and designees only; they never appear in a list,
count or reminder that anyone else can see.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from custodian.disclosure.models import Case, CounselReview, DisclosureRequest
from custodian.disclosure.services import CUSTODIAN_ROLES, role_of


def cases_for(user, *, status: str | None = None) -> QuerySet[Case]:
    role = role_of(user)
    qs = Case.objects.select_related("request").order_by("-opened_at")
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


def my_queue(user) -> QuerySet[Case]:
    """Open cases waiting on this user's role."""
    role = role_of(user)
    qs = cases_for(user, status="open")
    if role == "branch_manager":
        return qs.filter(assigned_role="branch_manager")
    if role in CUSTODIAN_ROLES:
        return qs.filter(assigned_role="director")
    return qs


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


def transparency(year: int) -> dict:
    """Counts for the board. Requests whose case is sealed are left out until unsealed."""
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
        "note": (
            "Requests under a secrecy order (a USA PATRIOT Act / FISA order or any nondisclosure order) "
            "are left out of this report while they remain sealed; it may therefore omit some requests."
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
