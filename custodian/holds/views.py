"""The legal holds page (/staff/holds/): the Director's list of active and released holds,
placing one by hand for a patron found by card number, releasing one with a reason; and the
"Place a legal hold" form on a disclosure case.

The Director and the designee only; a sealed case's hold is the Director's alone (missing for
anyone else). A patron is found through the door's card lookup (audited) and named on the
page by the account's opaque ref, never a card number or a name; every act is audited.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from custodian import door
from custodian.accounts.decorators import role_required
from custodian.disclosure import services as disclosure
from custodian.holds import services
from custodian.holds.forms import HandHoldForm, HoldForm, ReleaseForm

ROLES = tuple(sorted(services.HOLD_ROLES))


def _rows(holds):
    return [
        {
            "hold": h,
            "what": services.categories_in_words(h.categories),
            "range": services.range_in_words(h),
        }
        for h in holds
    ]


def _page(request, *, form=None, error=None, status=200):
    active, released = services.holds_for(request.user)
    context = {
        "active": _rows(active),
        "released": _rows(released),
        "form": form or HandHoldForm(auto_id="hold_%s"),
        "error": error,
        "release_form": ReleaseForm(auto_id=False),
    }
    return render(request, "holds/list.html", context, status=status)


@never_cache
@require_GET
@role_required(*ROLES)
def hold_list(request):
    return _page(request)


@never_cache
@require_POST
@sensitive_post_parameters("card_number")
@role_required(*ROLES)
def place_by_hand(request):
    form = HandHoldForm(request.POST, auto_id="hold_%s")
    if not form.is_valid():
        return _page(request, form=form, error="The hold was not placed: see the form.", status=400)
    d = form.cleaned_data
    try:
        found = door.find_patron(
            reader=door.Reader.staff(request.user), card_number=d["card_number"]
        )
    except door.Refused as refused:
        return _page(request, form=form, error=refused.message, status=403)
    if found is None:
        form.add_error("card_number", "No patron has that card number.")
        return _page(request, form=form, error="The hold was not placed.", status=400)
    try:
        services.place_hold(
            user=request.user,
            patron_ref=found.ref,
            categories=d["categories"],
            records_from=d["records_from"],
            records_until=d["records_until"],
            reason=d["reason"],
        )
    except services.HoldError as error:
        return _page(
            request,
            form=form,
            error=f"The hold was not placed. {error.message}",
            status=error.status,
        )
    messages.success(
        request, "The legal hold is placed. Purge and erasure now leave those records alone."
    )
    return redirect("holds:list")


@require_POST
@role_required(*ROLES)
def release(request, ref):
    try:
        hold = services.get_hold(request.user, ref)
    except services.HoldNotFound:
        raise Http404("No such hold.") from None
    except services.HoldForbidden:
        raise PermissionDenied from None
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The hold was not released: say why it is released.")
        return redirect("holds:list")
    try:
        services.release_hold(user=request.user, hold=hold, reason=form.cleaned_data["reason"])
    except services.HoldError as error:
        messages.error(request, f"The hold was not released. {error.message}")
        return redirect("holds:list")
    messages.success(request, "The legal hold is released.")
    return redirect("holds:list")


@require_POST
@role_required(*ROLES)
def place_for_case(request, ref):
    case = disclosure.get_case(request.user, ref, action="disclosure.legal_hold")
    back = redirect("disclosure:case", ref=case.ref)
    form = HoldForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(" ".join(v) for v in form.errors.values())
        messages.error(request, f"The hold was not placed: {errors}")
        return back
    if not case.request.patron_ref:
        messages.error(request, "The hold was not placed: this request names no patron.")
        return back
    d = form.cleaned_data
    try:
        services.place_hold(
            user=request.user,
            patron_ref=case.request.patron_ref,
            categories=d["categories"],
            records_from=d["records_from"],
            records_until=d["records_until"],
            reason=d["reason"],
            case=case,
        )
    except services.HoldError as error:
        messages.error(request, f"The hold was not placed. {error.message}")
        return back
    messages.success(request, "The legal hold is placed and on the case's timeline.")
    return back
