"""The one NinjaAPI instance: session auth with CSRF, clear errors, OpenAPI at /api/openapi.json."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from custodian.disclosure.services import DisclosureError
from custodian.policy.limits import JSONRefused, strict_loads
from custodian.security import too_large_message


class StrictJSON(Parser):
    """JSON without duplicate keys, NaN or Infinity, nested at most 32 deep (the policy
    core's reader, `strict_loads`, so the API and `custodian decide` refuse the same things)."""

    def parse_body(self, request: HttpRequest):
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONRefused("the body is not UTF-8 text") from None
        return strict_loads(text)


class CustodianAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts) -> ValidationError:
        # ninja drops each error's input (it may be patron data); keep only its JSON type, so
        # "patron_age: Input should be a valid integer (got a string)" says what was sent.
        got = []
        for context in error_contexts:
            for err in context.pydantic_validation_error.errors(include_url=False):
                wrong_type = err["type"].endswith("_type") or err["type"] == "value_error"
                got.append(_json_type(err["input"]) if wrong_type else None)
        exc = super().validation_error_from_error_contexts(error_contexts)
        for err, kind in zip(exc.errors, got, strict=True):
            if kind:
                err["got"] = kind
        return exc


api = CustodianAPI(
    title="Custodian API",
    version="1",
    description=(
        "Staff JSON API. Sign in through /staff/login/ (Django session); unsafe methods need the "
        "CSRF token in the X-CSRFToken header. Every call checks the caller's role and is audited."
    ),
    auth=django_auth,
    urls_namespace="api",
    parser=StrictJSON(),
)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig):
    # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (sized in settings for a
    # base64 scan at the limit plus the other fields); say so in JSON rather than a bare 400.
    return api.create_response(request, {"detail": too_large_message()}, status=413)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    cause = exc.__cause__
    detail = (
        f"The request body cannot be read: {cause}." if isinstance(cause, JSONRefused) else str(exc)
    )
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


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
        msg = str(err.get("msg"))
        if err.get("got"):
            msg += f" (got {err['got']})"  # what kind of value was sent, never the value
        problems.append(f"{loc}: {msg}" if loc else msg)
    return api.create_response(
        request,
        {"detail": "The request is not valid: " + "; ".join(problems), "errors": exc.errors},
        status=422,
    )


def _json_type(value) -> str:
    for kind, name in ((bool, "a boolean"), ((int, float), "a number"), (str, "a string")):
        if isinstance(value, kind):
            return name
    return {list: "a list", dict: "an object", type(None): "null"}.get(type(value), "a value")


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"detail": "Sign in first (staff session required)."}, status=401
    )


from custodian.api import disclosure as _disclosure  # noqa: E402

api.add_router("/disclosure/", _disclosure.router)
