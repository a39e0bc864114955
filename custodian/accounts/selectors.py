"""Reading staff accounts for the IT administrator: no patron data, ever."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from custodian.accounts.models import Role, StaffUser


@dataclass(frozen=True)
class StaffRow:
    id: int
    username: str
    role: str
    role_label: str
    branch: str
    active: bool
    locked: bool


def _recent_attempts():
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.exclude(username=None)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return attempts


def failures_by_address(username: str):
    """Failed sign-ins per address within the cool-off, as axes counts them."""
    attempts = _recent_attempts().filter(username=username)
    return attempts.values("ip_address").annotate(failures=Sum("failures_since_start"))


def locked_usernames() -> set[str]:
    """Usernames django-axes is refusing now at some address (failures counted as axes does:
    per username and address, within the cool-off)."""
    rows = (
        _recent_attempts()
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"))
    )
    return {r["username"] for r in rows if r["failures"] >= settings.AXES_FAILURE_LIMIT}


def staff_rows() -> list[StaffRow]:
    locked = locked_usernames()
    labels = dict(Role.choices)
    return [
        StaffRow(
            id=u.pk,
            username=u.username,
            role=u.role,
            role_label=str(labels.get(u.role, u.role)),
            branch=u.branch.name if u.branch else "",
            active=u.is_active,
            locked=u.username in locked,
        )
        for u in StaffUser.objects.select_related("branch").order_by("username")
    ]


def has_staff() -> bool:
    return StaffUser.objects.exists()
