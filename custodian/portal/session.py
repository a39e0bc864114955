"""Who is signed in to the portal, for how long, and signing out.

The portal shares Django's session (cookie, CSRF) with the staff screens but never mixes
with them: signing in as a patron flushes whatever the session held, and signing out
flushes it again. The session keeps only the patron's opaque ref, what they proved, and
when they were last seen; idle longer than the library's limit and they are signed out.
"""

import functools
import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from custodian.door import Reader

PATRON_KEY = "portal_patron_ref"
EVIDENCE_KEY = "portal_evidence"
SEEN_KEY = "portal_last_seen"
# Set at sign-in when the card is a guardian's, linked to a child's record: the menu then
# offers "My children".
CHILDREN_KEY = "portal_has_children"


def idle_seconds() -> int:
    return int(getattr(settings, "CUSTODIAN_PORTAL_IDLE_MINUTES", 15)) * 60


def sign_in(request, *, patron_ref, evidence=("card_number", "pin")) -> None:
    """Start a fresh patron session (new session key: no fixation, no staff left in it)."""
    # The language picked on the sign-in page carries over (custodian/portal/language.py).
    language = request.session.get("portal_language")
    request.session.flush()
    if language:
        request.session["portal_language"] = language
    request.session[PATRON_KEY] = str(patron_ref)
    request.session[EVIDENCE_KEY] = list(evidence)
    request.session[SEEN_KEY] = time.time()
    from custodian.portal.selectors_grants import has_linked_children

    request.session[CHILDREN_KEY] = has_linked_children(patron_ref=patron_ref)


def sign_out(request) -> None:
    request.session.flush()


def current_reader(request) -> Reader | None:
    """The signed-in patron as a door `Reader`, or None (also when idle too long)."""
    ref = request.session.get(PATRON_KEY)
    if not ref:
        return None
    seen = request.session.get(SEEN_KEY, 0)
    if time.time() - float(seen) > idle_seconds():
        sign_out(request)
        request.portal_timed_out = True
        return None
    request.session[SEEN_KEY] = time.time()
    return Reader.patron(
        ref, evidence=tuple(request.session.get(EVIDENCE_KEY) or ("card_number", "pin"))
    )


def patron_required(view):
    """Views for a signed-in patron: `request.patron_reader` is set; others go to /my/."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        reader = current_reader(request)
        if reader is None:
            if getattr(request, "portal_timed_out", False):
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": idle_seconds() // 60},
                )
            return redirect("portal:home")
        request.patron_reader = reader
        return view(request, *args, **kwargs)

    return wrapper
