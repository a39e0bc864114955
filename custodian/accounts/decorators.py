"""`role_required`: every staff screen names the roles that may open it."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from custodian import door


def role_required(*roles: str) -> Callable:
    """Let in signed-in staff whose role is one of `roles`; audit and refuse anyone else.

    A refusal is an attempt on patron data even though nothing was read, so it goes into
    the audit log (action "denied") with the patron's opaque ref when the URL names one.
    """
    if not roles:
        raise ValueError("role_required needs at least one role")
    allowed = frozenset(str(role) for role in roles)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in allowed:
                door.record_denial(
                    reader=door.Reader.staff(request.user),
                    patron_ref=kwargs.get("ref"),
                    attempted=view.__name__,
                )
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator
