"""The Director's side of "Tell the Director": the concerns patrons wrote, soonest due
first (overdue ones marked), one concern with the patron's words, the answer, and closing.

Mounted at /staff/concerns/ (custodian/urls.py). The Director and the designee only: a
concern is the patron's own words about their record. The list shows neither the words nor
the patron; opening one is audited as a read of that patron's record. The concern's opaque
ref is the only thing in a URL.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from custodian.accounts.decorators import role_required
from custodian.accounts.models import Role
from custodian.errors import choice_param
from custodian.portal.selectors_concerns import concern_case, concern_list
from custodian.portal.services_concerns import (
    MAX_ANSWER,
    ConcernError,
    answer_concern,
    close_concern,
)

app_name = "concerns"
DIRECTOR_ROLES = (Role.DIRECTOR, Role.DESIGNEE)


@require_GET
@role_required(*DIRECTOR_ROLES)
def concern_index(request):
    closed = choice_param(request, "show", ("open", "closed")) == "closed"
    rows = concern_list(user=request.user, closed=closed)
    context = {
        "rows": rows,
        "closed": closed,
        "overdue": sum(1 for r in rows if r.overdue),
        "waiting": sum(1 for r in rows if r.status == "open"),
    }
    return render(request, "portal/staff/concerns.html", context)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("answer")
@role_required(*DIRECTOR_ROLES)
def concern(request, ref):
    answer, error = "", None
    if request.method == "POST":
        action = request.POST.get("action", "")
        answer = request.POST.get("answer", "")
        try:
            if action == "close":
                close_concern(user=request.user, ref=ref)
                messages.success(request, "The concern is closed. The patron still sees it.")
            elif action in ("answer", "answer_close"):
                answer_concern(
                    user=request.user, ref=ref, answer=answer, close=action == "answer_close"
                )
                messages.success(request, "The answer is saved; the patron sees it in the portal.")
            else:
                raise ConcernError("Choose what to do: answer, or close the concern.")
        except ConcernError as refusal:
            error = str(refusal)
        else:
            return redirect("concerns:list")
    try:
        row = concern_case(user=request.user, ref=ref)
    except ConcernError as missing:
        raise Http404("There is no such concern.") from missing
    context = {"c": row, "answer": answer or row.answer, "error": error, "max_answer": MAX_ANSWER}
    return render(request, "portal/staff/concern.html", context, status=400 if error else 200)


urlpatterns = [
    path("", concern_index, name="list"),
    path("<uuid:ref>/", concern, name="open"),
]
