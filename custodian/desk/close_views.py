"""Closing a patron's account at the desk, at the patron's own request.

Closing erases the person for good (custodian.holds.erasure): the page says in plain words
what goes and what stays, why it cannot be undone, and asks for the proof of identity the
library's profile needs before a PIN reset (`[proofs.patron_identified]`): only the patron
may have their own account closed. Refusals (a legal hold, items still out) are shown in
words, before and after the button.
"""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from custodian import door
from custodian.accounts.decorators import role_required
from custodian.door import closing

FIELDS = ("registration.name", "registration.status")


@never_cache
@require_http_methods(["GET", "POST"])
@role_required(*closing.CLOSE_ROLES)
def close_account(request, ref):
    reader = door.Reader.staff(request.user)
    try:
        view = door.read_patron(
            reader=reader, patron_ref=ref, purpose="library_business", fields=FIELDS
        )
        preview = closing.closing_preview(reader=reader, patron_ref=ref)
    except door.PatronNotFound:
        return render(request, "desk/close_account_done.html", {"gone": True}, status=404)
    choices, needs, _clauses = closing.proof_choices()
    context = {
        "view": view,
        "preview": preview,
        "choices": choices,
        "needs": needs,
        "ticked": [],
        "error": None,
    }
    if request.method == "GET":
        return render(request, "desk/close_account.html", context)
    known = {code for code, _label in choices}
    ticked = [c for c in request.POST.getlist("evidence") if c in known]
    context["ticked"] = ticked
    if request.POST.get("understood") != "yes":
        context["error"] = (
            "The account was not closed. Tick the box to say the patron understands that "
            "closing cannot be undone."
        )
        return render(request, "desk/close_account.html", context, status=400)
    try:
        closing.close_account(reader=reader, patron_ref=ref, evidence=ticked)
    except door.PatronNotFound:
        return redirect("desk:find")
    except closing.ClosingRefused as refused:
        context["error"] = refused.message
        return render(request, "desk/close_account.html", context, status=400)
    return render(request, "desk/close_account_done.html", {"gone": False})
