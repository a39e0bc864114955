"""Error pages and request-parameter parsing: every bad request answers 4xx in plain words.

Screens get styled pages (templates 400/403/404/500/403_csrf.html); the API keeps its own
JSON errors (custodian/api/main.py). Nothing here shows a stack trace, code or patron data.
"""

import logging

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form's safety check failed; `reason` goes to the log, not the page."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: the styled 400 page; a BadRequest's message (ours, written for people) shown.

    Other 400s (SuspiciousOperation: a bad Host header, a broken session) keep the generic
    wording: their messages are written for the log, not for the clerk.
    """
    message = str(exception) if type(exception) is BadRequest else ""
    return render(request, "400.html", {"message": message}, status=400)


def int_param(request: HttpRequest, name: str, *, default: int, low: int, high: int) -> int:
    """The whole-number query parameter `name`, or `default` when absent or empty.

    Out of range or not a whole number raises BadRequest (400, the styled 400 page) with a
    message naming the parameter and the range, never the value (it could be anything).
    """
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 12:
        raise BadRequest(f"“{name}” must be a whole number from {low} to {high}.")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(f"“{name}” must be a whole number from {low} to {high}.")
    return value


def choice_param(request: HttpRequest, name: str, choices: tuple[str, ...]) -> str | None:
    """The query parameter `name` if it is one of `choices`; None when absent or empty."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if raw not in choices:
        raise BadRequest(f"“{name}” must be one of: {', '.join(choices)}.")
    return raw


class OneLineClientErrors(logging.Filter):
    """Log a client error (4xx: denied, not found, CSRF, bad request) as one line, no traceback.

    Django attaches the exception to these records, which prints a traceback for a refusal
    that is routine (and already in the audit log). Server errors (5xx) keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
