"""Portal screens: who may ask about me (written grants), and a guardian's children.

Thin views: writes in services_grants, reads in selectors_grants and the door
(door.guardians asks the engine as a guardian would be asked at the desk).
"""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from custodian.door import PatronNotFound
from custodian.door import guardians as door_guardians
from custodian.portal import selectors_grants, services_grants
from custodian.portal.session import patron_required

RELATIONSHIPS = {
    "parent": gettext_lazy("Parent"),
    "guardian": gettext_lazy("Legal guardian"),
    "caretaker": gettext_lazy("Caretaker"),
    "other": gettext_lazy("Other responsible person"),
}

# What a guardian's page asks for; the engine decides which of them the guardian sees.
CHILD_FIELDS = (
    "overdue.status",
    "overdue.count",
    "charges.amount",
    "loans.count",
    "loans.due_dates",
    "loans.titles",
    "overdue.titles",
    "lost.titles",
    "charges.details",
    "payments.records",
    "holds.count",
    "holds.titles",
    "history.titles",
)
CHILD_FIELD_WORDS = {
    "overdue.status": gettext_lazy("whether anything is overdue"),
    "overdue.count": gettext_lazy("how many items are overdue"),
    "charges.amount": gettext_lazy("how much is owed"),
    "loans.count": gettext_lazy("how many items are checked out"),
    "loans.due_dates": gettext_lazy("due dates"),
    "loans.titles": gettext_lazy("titles checked out"),
    "overdue.titles": gettext_lazy("titles of overdue items"),
    "lost.titles": gettext_lazy("titles of lost items"),
    "charges.details": gettext_lazy("what each charge is for"),
    "payments.records": gettext_lazy("payments made"),
    "holds.count": gettext_lazy("how many holds"),
    "holds.titles": gettext_lazy("titles on hold"),
    "history.titles": gettext_lazy("reading history"),
}


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _grant_rows(grants, today):
    return [
        {
            "grant": g,
            "parts": services_grants.categories_of(g.fields),
            "revoked": g.revoked_at is not None,
            "expired": g.revoked_at is None and g.expires_on is not None and g.expires_on < today,
        }
        for g in grants
    ]


@never_cache
@patron_required
@require_http_methods(["GET", "POST"])
def grants(request):
    today = timezone.localdate()
    form = {"agent_name": "", "categories": [], "expires_on": "", "confirm": False}
    error = None
    status = 200
    if request.method == "POST":
        form = {
            "agent_name": request.POST.get("agent_name", "")[:300],
            "categories": request.POST.getlist("categories")[:20],
            "expires_on": request.POST.get("expires_on", "")[:20],
            "confirm": request.POST.get("confirm") == "yes",
        }
        try:
            services_grants.make_grant(
                reader=request.patron_reader,
                agent_name=form["agent_name"],
                categories=form["categories"],
                expires_on=_date(form["expires_on"]),
                confirmed=form["confirm"],
                today=today,
            )
        except services_grants.GrantError as exc:
            error, status = exc, 400
        else:
            messages.success(request, _("Your permission is recorded."))
            return redirect("portal:grants")
    who = selectors_grants.who_may_ask(reader=request.patron_reader)
    return render(
        request,
        "portal/grants.html",
        {
            "form": form,
            "error": error,
            "categories": services_grants.CATEGORIES,
            "current": _grant_rows(who.current, today),
            "past": _grant_rows(who.past, today),
            "guardians": [
                {"who": g, "relationship": RELATIONSHIPS.get(g.relationship, g.relationship)}
                for g in who.guardians
            ],
            "desk_answer": selectors_grants.desk_answer_for_a_grant(),
            "today": today.isoformat(),
            "latest": (today + dt.timedelta(days=services_grants.MAX_DAYS - 1)).isoformat(),
            "week": (today + dt.timedelta(days=7)).isoformat(),
        },
        status=status,
    )


@never_cache
@patron_required
@require_http_methods(["GET", "POST"])
def grant_withdraw(request, grant_id: int):
    who = selectors_grants.who_may_ask(reader=request.patron_reader)
    grant = next((g for g in who.current if g.id == grant_id), None)
    if grant is None:
        raise Http404(_("That permission was not found."))
    if request.method == "POST":
        try:
            services_grants.revoke_grant(reader=request.patron_reader, grant_id=grant_id)
        except services_grants.GrantError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The permission is withdrawn."))
        return redirect("portal:grants")
    return render(
        request,
        "portal/grant_withdraw.html",
        {"grant": grant, "parts": services_grants.categories_of(grant.fields)},
    )


@never_cache
@patron_required
def children(request):
    wards = door_guardians.wards(reader=request.patron_reader)
    return render(
        request,
        "portal/children.html",
        {
            "wards": [
                {"ward": w, "relationship": RELATIONSHIPS.get(w.relationship, w.relationship)}
                for w in wards
            ]
        },
    )


@never_cache
@patron_required
def child(request, ref):
    try:
        view, purpose = door_guardians.read_ward(
            reader=request.patron_reader, child_ref=ref, fields=CHILD_FIELDS
        )
    except PatronNotFound:
        raise Http404(_("No linked account matches.")) from None
    return render(
        request,
        "portal/child.html",
        {
            "view": view,
            "recovery_only": purpose == door_guardians.RECOVERY,
            "withheld": [CHILD_FIELD_WORDS[f] for f in view.withheld],
            "shown": set(view.released),
            "overdue_status": view.get("overdue.status"),
            "overdue_count": view.get("overdue.count"),
        },
    )


urlpatterns = [
    path("who-may-ask/", grants, name="grants"),
    path("who-may-ask/<int:grant_id>/withdraw/", grant_withdraw, name="grant_withdraw"),
    path("children/", children, name="children"),
    path("children/<uuid:ref>/", child, name="child"),
]
