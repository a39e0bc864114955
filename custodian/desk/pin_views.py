"""The desk's side of online sign-in: reset a patron's PIN, lift an online sign-in lock.

A PIN reset hands the account to whoever is standing at the desk, so it is made only after
the proof of identity the library's profile asks for in person (`[proofs.patron_identified]`,
e.g. photo ID or the library card); the clerk says what was shown, the profile decides. A
PIN the library makes up is shown once, on the answer to the POST, and never stored,
logged or put in a message.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from custodian import door
from custodian.accounts.decorators import role_required
from custodian.accounts.roles import PATRON_DESK_ROLES
from custodian.policy.engine import get_engine
from custodian.policy.vocabulary import EVIDENCE_WORDS
from custodian.portal import notify
from custodian.portal import services_signin as signin

PROOF = "patron_identified"
CHANNEL = "in_person"
# What the desk may see of the patron on this screen: who they are, and the card's state.
FIELDS = ("registration.name", "registration.status")

TOLD = {
    notify.SENT_EMAIL: "The patron has been sent an email saying their PIN was changed.",
    notify.SENT_SMS: "The patron has been sent a text message saying their PIN was changed.",
    notify.SENT_PHONE: "A phone message saying the PIN was changed has been sent to the patron.",
    notify.NOT_SENT: "The patron has no way set up for us to tell them (or it cannot be used "
    "here): tell them yourself that their PIN was changed.",
}


def _proof():
    profile = get_engine().profile(settings.CUSTODIAN_PROFILE)
    return profile, profile.proofs.get(PROOF)


def _evidence_choices(proof) -> list[tuple[str, str]]:
    """What the desk may tick: every item of every in-person option the profile accepts."""
    codes: list[str] = []
    for option in proof.channels.get(CHANNEL, ()) if proof else ():
        codes += [c for c in sorted(option) if c not in codes]
    return [
        (code, EVIDENCE_WORDS[code].screen if code in EVIDENCE_WORDS else code) for code in codes
    ]


def _options_in_words(proof) -> str:
    options = proof.channels.get(CHANNEL, ()) if proof else ()
    words = [
        " and ".join(EVIDENCE_WORDS[c].phrase if c in EVIDENCE_WORDS else c for c in sorted(o))
        for o in options
    ]
    return " or ".join(words) or "a proof of identity this library's policy does not define"


def _patron_view(request, ref):
    return door.read_patron(
        reader=door.Reader.staff(request.user),
        patron_ref=ref,
        purpose="library_business",
        fields=FIELDS,
    )


@never_cache
@sensitive_post_parameters("new_pin", "new_pin_again")
@require_http_methods(["GET", "POST"])
@role_required(*PATRON_DESK_ROLES)
def pin_reset(request, ref):
    try:
        view = _patron_view(request, ref)
    except door.PatronNotFound:
        messages.warning(request, "That patron account no longer exists.")
        return redirect("desk:find")
    profile, proof = _proof()
    choices = _evidence_choices(proof)
    context = {
        "view": view,
        "choices": choices,
        "needs": _options_in_words(proof),
        "locked": signin.card_is_locked(patron_ref=ref),
        "pin_min_length": int(getattr(settings, "CUSTODIAN_PIN_MIN_LENGTH", 4)),
        "pin_max_length": signin.PIN_MAX_LENGTH,
        "error": None,
        "ticked": [],
        "how": "random",
    }
    if request.method == "GET":
        return render(request, "desk/pin_reset.html", context)

    known = {code for code, _label in choices}
    ticked = [c for c in request.POST.getlist("evidence") if c in known]
    how = "typed" if request.POST.get("how") == "typed" else "random"
    context.update(ticked=ticked, how=how)
    clauses = [proof.clause] if proof and proof.clause else []
    if proof is None or PROOF not in profile.proofs_established(CHANNEL, ticked):
        signin.record_reset_refused(user=request.user, patron_ref=ref, proof_clauses=clauses)
        context["error"] = (
            f"The PIN was not changed. Before a PIN is reset, the library's policy needs "
            f"{_options_in_words(proof)}. Tick what the patron showed you."
        )
        return render(request, "desk/pin_reset.html", context, status=400)
    new_pin = None
    if how == "typed":
        new_pin = request.POST.get("new_pin", "")[:64]
        if new_pin != request.POST.get("new_pin_again", "")[:64]:
            context["error"] = "The PIN was not changed: the two PINs typed are not the same."
            return render(request, "desk/pin_reset.html", context, status=400)
    try:
        done = signin.desk_reset_pin(
            user=request.user,
            patron_ref=ref,
            evidence=ticked,
            new_pin=new_pin,
            proof_clauses=clauses,
        )
    except signin.PinRefused as refusal:
        context["error"] = f"The PIN was not changed. {refusal.message}"
        return render(request, "desk/pin_reset.html", context, status=400)
    # Rendered, not redirected: a made-up PIN is on this one page and nowhere else.
    return render(
        request,
        "desk/pin_reset_done.html",
        {"view": view, "pin_shown": done.pin_shown, "told": TOLD[done.told]},
    )


@require_POST
@role_required(*PATRON_DESK_ROLES)
def pin_unlock(request, ref):
    try:
        had_lock = signin.unlock(user=request.user, patron_ref=ref)
    except door.PatronNotFound:
        messages.warning(request, "That patron account no longer exists.")
        return redirect("desk:find")
    messages.success(
        request,
        "Online sign-in is unlocked for this card. The patron can try their PIN again."
        if had_lock
        else "Online sign-in was not locked for this card; nothing changed.",
    )
    return redirect("desk:pin_reset", ref=ref)
