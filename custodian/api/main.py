"""The one NinjaAPI instance: session auth with CSRF, clear errors, OpenAPI at /api/openapi.json."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from custodian.disclosure.services import DisclosureError

api = NinjaAPI(
    title="Custodian API",
    version="1",
    description=(
        "Staff JSON API. Sign in through /staff/login/ (Django session); unsafe methods need the "
        "CSRF token in the X-CSRFToken header. Every call checks the caller's role and is audited."
    ),
    auth=django_auth,
    urls_namespace="api",
)


@api.exception_handler(DisclosureError)
def disclosure_error(request: HttpRequest, exc: DisclosureError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    problems = []
    for err in exc.errors:
        loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "payload"))
        problems.append(f"{loc}: {err.get('msg')}" if loc else str(err.get("msg")))
    return api.create_response(
        request,
        {"detail": "The request body is not valid: " + "; ".join(problems), "errors": exc.errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": "Sign in first (staff session required)."}, status=401
    )


from custodian.api import disclosure as _disclosure  # noqa: E402

api.add_router("/disclosure/", _disclosure.router)
