"""Portal screens: sign in with card number and PIN, sign out, change the PIN.

Every failed sign-in gets the very same page: no card number echoed back (a shared computer
keeps no trace of it, and the page cannot differ between a wrong card and a wrong PIN).
Card numbers and PINs travel only in POST bodies, never in a URL, a log or a message.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from custodian.portal import services_signin as signin
from custodian.portal import session

# Longer than any card number or PIN: a bigger field is cut, never stored or echoed.
_MAX_TYPED = 64


def _sign_in_page(request, *, error: str | None = None, timed_out: bool = False):
    return render(
        request,
        "portal/sign_in.html",
        {
            "error": error,
            "timed_out_minutes": session.idle_seconds() // 60 if timed_out else None,
        },
    )


def _account(request):
    """The signed-in patron's home is their account page (built in account_views)."""
    from custodian.portal import account_views

    view = getattr(account_views, "account", None)
    if callable(view):
        return view(request)
    return redirect("portal:account")


@never_cache
@sensitive_post_parameters("card_number", "pin")
@require_http_methods(["GET", "POST"])
def home(request):
    if request.method == "GET":
        if session.current_reader(request) is not None:
            return _account(request)
        return _sign_in_page(request, timed_out=getattr(request, "portal_timed_out", False))
    card = request.POST.get("card_number", "")[:_MAX_TYPED]
    pin = request.POST.get("pin", "")[:_MAX_TYPED]
    if not card.strip() or not pin:
        return _sign_in_page(request, error=_("Enter your library card number and your PIN."))
    result = signin.authenticate(
        card_number=card, pin=pin, address=request.META.get("REMOTE_ADDR", "")
    )
    if result.outcome == "signed_in":
        session.sign_in(request, patron_ref=result.patron_ref)
        return redirect("portal:home")
    error = {
        "card_locked": signin.locked_card_message,
        "address_locked": signin.locked_address_message,
    }.get(result.outcome, _wrong)()
    return _sign_in_page(request, error=error)


def _wrong() -> str:
    # One sentence for every failure: it must not tell a wrong card from a wrong PIN.
    return _(
        "That card number and PIN did not match our records. Check them and try again, "
        "or ask at the library desk for a new PIN."
    )


@never_cache
@require_POST
def sign_out(request):
    session.sign_out(request)
    response = render(request, "portal/signed_out.html")
    # Signing out on a shared computer clears everything this site left in the browser.
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@never_cache
@sensitive_post_parameters("old_pin", "new_pin", "new_pin_again")
@require_http_methods(["GET", "POST"])
@session.patron_required
def pin(request):
    minimum = int(getattr(settings, "CUSTODIAN_PIN_MIN_LENGTH", 4))
    error = None
    if request.method == "POST":
        old = request.POST.get("old_pin", "")[:_MAX_TYPED]
        new = request.POST.get("new_pin", "")[:_MAX_TYPED]
        again = request.POST.get("new_pin_again", "")[:_MAX_TYPED]
        if not old or not new or not again:
            error = _("Fill in all three boxes: your current PIN and the new PIN twice.")
        elif new != again:
            error = _("The two new PINs are not the same. Type the new PIN twice.")
        else:
            try:
                signin.change_pin(
                    patron_ref=request.patron_reader.patron_ref, old_pin=old, new_pin=new
                )
            except signin.PinRefused as refusal:
                error = refusal.message
            else:
                request.session.cycle_key()
                messages.success(request, _("Your PIN has been changed. Use it next time."))
                return redirect("portal:pin")
    return render(
        request,
        "portal/pin.html",
        {"error": error, "pin_min_length": minimum, "pin_max_length": signin.PIN_MAX_LENGTH},
        status=200,
    )


urlpatterns = [
    path("", home, name="home"),
    path("sign-out/", sign_out, name="sign_out"),
    path("pin/", pin, name="pin"),
]
