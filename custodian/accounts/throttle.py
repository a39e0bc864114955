"""What django-axes keeps of a failed sign-in's username (AXES_USERNAME_CALLABLE).

People type card numbers, names and passwords into the username field. A staff username is
kept as typed, so a lock-out can be read and lifted; anything else is kept only as a keyed
hash. The same text still hashes the same way, so repeated guesses are still counted and
throttled, but the stored value says nothing to someone reading the table or the log.
"""

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

# A prefix no staff username can have: Django usernames allow letters, digits and @.+-_.
UNKNOWN_PREFIX = "unknown:"
# The HMAC key is derived from SECRET_KEY under this purpose, so it is used for nothing else.
_KEY_SALT = "custodian.accounts.throttle.unknown-username"


def hashed_username(typed: str) -> str:
    digest = salted_hmac(_KEY_SALT, typed, algorithm="sha256").hexdigest()
    return UNKNOWN_PREFIX + digest[:32]


def username_for_throttling(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes stores and counts failures under: as typed if known, else hashed."""
    if credentials:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "POST", {}).get("username")
    if not typed:
        return None
    if get_user_model().objects.filter(username=typed).exists():
        return typed
    return hashed_username(typed)
