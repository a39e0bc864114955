"""Which language a page speaks.

Portal pages (/my/): the language the patron picked this session (the switch on every page),
else the one stored on their record, else the browser's (Django's LocaleMiddleware, which
runs just before this), else English. Every other page is a staff screen, and staff
screens are English whatever the browser says: the desk reads the Spanish scripts from
the decision page instead.
"""

from django.conf import settings
from django.utils import translation

from custodian.portal import session

LANGUAGE_KEY = "portal_language"
# Set once the stored preference has been read this session (one read, not one a page).
LOADED_KEY = "portal_language_loaded"
PORTAL_PREFIX = "/my/"


def codes() -> tuple[str, ...]:
    return tuple(code for code, _ in settings.LANGUAGES)


def portal_language(request) -> str | None:
    """The portal's own choice for this request, or None to keep the browser's."""
    chosen = request.session.get(LANGUAGE_KEY)
    if chosen in codes():
        return chosen
    ref = request.session.get(session.PATRON_KEY)
    if ref and not request.session.get(LOADED_KEY):
        from custodian.portal.services_language import preferred_language

        stored = preferred_language(patron_ref=ref)
        request.session[LOADED_KEY] = True
        if stored:
            request.session[LANGUAGE_KEY] = stored
            return stored
    return None


class PortalLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PORTAL_PREFIX):
            language = portal_language(request)
        else:
            language = settings.LANGUAGE_CODE
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
