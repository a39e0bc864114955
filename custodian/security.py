"""Response headers that keep patron data off shared desk terminals.

Django's own middleware sets the Content-Security-Policy (settings.SECURE_CSP), HSTS and the
HTTPS redirect; this module adds what Django has no setting for.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page and API answer Django itself produces.

    Desk terminals are shared: a patron's record must not wait in the browser's cache (or a
    proxy's) for the next person at the keyboard to page back to. Placed after WhiteNoise in
    MIDDLEWARE, so the static files, which carry no patron data, stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response
