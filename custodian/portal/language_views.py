"""Portal screens: the language switch (English / Español), signed in or not."""

from urllib.parse import urlsplit

from django.core.exceptions import BadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from custodian.portal import language as portal_language
from custodian.portal import session
from custodian.portal.services_language import set_preferred_language

PREFIX = portal_language.PORTAL_PREFIX


def _next(request) -> str:
    """Where to go back to: a page of the portal on this site, else the portal's home."""
    target = request.POST.get("next", "")
    if target.startswith(portal_language.PORTAL_PREFIX) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return PREFIX


def _came_from(request) -> str:
    """The portal page the patron came from (its path only), to go back to after choosing."""
    came = urlsplit(request.META.get("HTTP_REFERER", ""))
    here = reverse("portal:language")
    if came.netloc == request.get_host() and came.path.startswith(PREFIX) and came.path != here:
        return came.path
    return PREFIX


@require_http_methods(["GET", "POST"])
def language(request):
    if request.method == "GET":
        return render(request, "portal/language.html", {"next": _came_from(request)})
    chosen = request.POST.get("language", "")
    if chosen not in portal_language.codes():
        raise BadRequest(_("Choose English or Español."))
    request.session[portal_language.LANGUAGE_KEY] = chosen
    reader = session.current_reader(request)
    if reader is not None:
        # Signed in: kept on their record for next time (and for notices).
        set_preferred_language(patron_ref=reader.patron_ref, language=chosen)
        request.session[portal_language.LOADED_KEY] = True
    translation.activate(chosen)
    return redirect(_next(request))


urlpatterns = [
    path("language/", language, name="language"),
]
