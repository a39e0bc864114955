"""Reading staff accounts for the IT administrator: no patron data, ever."""

import datetime as dt
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
    last_sign_in: dt.datetime | None = None
    branch_code: str = ""


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


def _rows(users) -> list[StaffRow]:
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
            last_sign_in=u.last_login,
            branch_code=u.branch.code if u.branch else "",
        )
        for u in users.select_related("branch").order_by("username")
    ]


def staff_rows() -> list[StaffRow]:
    return _rows(StaffUser.objects.all())


def staff_row(pk: int) -> StaffRow | None:
    """One account's row (the screens' page for one account), or None."""
    found = _rows(StaffUser.objects.filter(pk=pk))
    return found[0] if found else None


def active_it_admins() -> int:
    return StaffUser.objects.filter(role=Role.IT_ADMIN, is_active=True).count()


def has_staff() -> bool:
    return StaffUser.objects.exists()


def branch_choices() -> list[tuple[str, str]]:
    """(code, name) of every branch, for the staff screens' branch menu."""
    model = StaffUser._meta.get_field("branch").related_model  # no import of records (door)
    return list(model.objects.order_by("name").values_list("code", "name"))


def staff_usernames() -> list[str]:
    """Every staff username (the access log's "staff member" menu)."""
    return list(StaffUser.objects.order_by("username").values_list("username", flat=True))
