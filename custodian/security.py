"""Response headers that keep patron data off shared desk terminals.

Django's own middleware sets the Content-Security-Policy (settings.SECURE_CSP), HSTS and the
HTTPS redirect; this module adds what Django has no setting for.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.html import escape


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


def too_large_message() -> str:
    from custodian.disclosure.services import max_scan_bytes

    megabytes = max_scan_bytes() // 1048576
    return f"The request body is too large (scan too large: at most {megabytes} MB)."


class BodyLimitMiddleware:
    """Refuse a body over DATA_UPLOAD_MAX_MEMORY_SIZE from its Content-Length, unread.

    Django caps form fields and JSON at that size but lets a multipart file of any size be
    spooled to a temporary file before a form can refuse it; an upload is a scanned document
    (at most CUSTODIAN_DISCLOSURE_MAX_SCAN_BYTES), so nothing honest comes near the limit.
    The API answers in JSON, the screens in a short page. `serve` also caps bodies sent
    without a length (waitress's max_request_body_size).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django's own parsing refuses a malformed length
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            message = too_large_message()
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=413)
            page = (
                f"<!doctype html><title>Too large</title><h1>Too large</h1><p>{escape(message)}</p>"
            )
            return HttpResponse(page, status=413)
        return self.get_response(request)
