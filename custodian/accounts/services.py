"""Managing staff accounts: the IT administrator's writes, each one audited.

Used by `custodian staff ...` (custodian/accounts/cli.py) and usable by a browser screen:
the caller says who acts (`actor`, `actor_role`). Every refusal is a `StaffError` whose text
is one plain line and changes nothing; no message, log line or audit entry holds a password.

An audit entry names the account by its id, never its username, in the same form as other
fields (`staff_account.<id>.<what>.<value>`), so it matches the log's field syntax whatever
characters a username has; `custodian staff list --json` maps ids to usernames.
"""

from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction

from custodian.accounts.models import Role, StaffUser
from custodian.accounts.selectors import failures_by_address
from custodian.audit.services import record_access

PURPOSE = "staff_administration"


class StaffError(ValueError):
    """A refused change, in one line; nothing was changed."""


def _branch_model():
    # Branch lives with the record models, which this package may not import (the door
    # contract in pyproject.toml); a branch is no patron data, so reach it through the field.
    return StaffUser._meta.get_field("branch").related_model


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def known_roles() -> list[str]:
    return [r.value for r in Role]


def resolve_role(name: str) -> str:
    value = name.strip().lower().replace("-", "_")
    if value not in known_roles():
        raise StaffError(f"no role {name!r}; known roles: {', '.join(known_roles())}")
    return value


def resolve_branch(name: str):
    """A branch by its code or its name (either case)."""
    model = _branch_model()
    text = name.strip()
    found = (
        model.objects.filter(code__iexact=text).first()
        or model.objects.filter(name__iexact=text).first()
    )
    if found is None:
        known = ", ".join(model.objects.order_by("code").values_list("code", flat=True))
        raise StaffError(f"no branch {name!r}; known branches: {known or '(none yet)'}")
    return found


def get_staff(username: str) -> StaffUser:
    try:
        return StaffUser.objects.get(username=username)
    except StaffUser.DoesNotExist:
        raise StaffError(
            f"no staff account {username!r} (see `custodian staff list`); nothing changed"
        ) from None


def _check_password(password: str, user: StaffUser) -> None:
    if not password:
        raise StaffError("no password given; nothing changed")
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as e:
        # The validators' messages describe the rule, never the password itself.
        raise StaffError(f"password refused: {_one_line(' '.join(e.messages))}") from None


def _audit(*, actor: str, actor_role: str, action: str, fields: list[str]):
    return record_access(
        actor=actor,
        role=actor_role,
        purpose=PURPOSE,
        patron_ref=None,
        fields=fields,
        outcome="applied",
        clauses=[],
        action=action,
    )


def _field(user: StaffUser, *parts: object) -> str:
    return ".".join(["staff_account", str(user.pk), *(str(p).lower() for p in parts)])


def create_staff(
    *, username: str, role: str, password: str, branch: str | None, actor: str, actor_role: str
) -> StaffUser:
    role = resolve_role(role)
    found_branch = resolve_branch(branch) if branch else None
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise StaffError(
            f"username {username!r} may hold only letters, digits and @ . + - _; nothing changed"
        ) from None
    if StaffUser.objects.filter(username=username).exists():
        raise StaffError(f"staff account {username!r} already exists; nothing changed")
    user = StaffUser(username=username, role=role, branch=found_branch)
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        fields = [_field(user, "role", role)]
        if found_branch is not None:
            fields.append(_field(user, "branch", found_branch.pk))
        _audit(actor=actor, actor_role=actor_role, action="staff_create", fields=fields)
    return user


def _keep_an_it_admin(user: StaffUser) -> None:
    """Refuse a change that would leave no active IT administrator: nobody could then run
    the staff screens (the command line still could, but the library may not know that).

    Called inside the change's transaction: the IT administrators' rows are locked
    (PostgreSQL), so two of them stepping down at once cannot both pass the check."""
    if user.role != Role.IT_ADMIN or not user.is_active:
        return
    active = StaffUser.objects.select_for_update().filter(role=Role.IT_ADMIN, is_active=True)
    if not [pk for pk in active.values_list("pk", flat=True) if pk != user.pk]:
        raise StaffError(
            f"{user.username} is the only active IT administrator; make another account IT "
            "administrator first; nothing changed"
        )


def set_role(*, username: str, role: str, actor: str, actor_role: str) -> bool:
    """Give the account this role; False (and no entry) if it already had it."""
    role = resolve_role(role)
    user = get_staff(username)
    if user.role == role:
        return False
    with transaction.atomic():
        _keep_an_it_admin(user)
        previous = user.role
        user.role = role
        user.save(update_fields=["role"])
        _audit(
            actor=actor,
            actor_role=actor_role,
            action="staff_set_role",
            fields=[_field(user, "role", role), _field(user, "previous_role", previous)],
        )
    return True


def set_branch(*, username: str, branch: str | None, actor: str, actor_role: str) -> bool:
    """Move the account to this branch (code or name; None or "" for no branch); False (and
    no entry) if it is there already."""
    found = resolve_branch(branch) if branch else None
    user = get_staff(username)
    if user.branch_id == (found.pk if found else None):
        return False
    with transaction.atomic():
        previous = user.branch_id
        user.branch = found
        user.save(update_fields=["branch"])
        _audit(
            actor=actor,
            actor_role=actor_role,
            action="staff_set_branch",
            fields=[
                _field(user, "branch", found.pk if found else "none"),
                _field(user, "previous_branch", previous if previous is not None else "none"),
            ],
        )
    return True


def deactivate(*, username: str, actor: str, actor_role: str) -> bool:
    """Stop the account signing in (its open sessions end too); False if already inactive."""
    user = get_staff(username)
    if not user.is_active:
        return False
    with transaction.atomic():
        _keep_an_it_admin(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        _audit(
            actor=actor,
            actor_role=actor_role,
            action="staff_deactivate",
            fields=[_field(user, "active", "false")],
        )
    return True


def unlock(*, username: str, actor: str, actor_role: str) -> int:
    """Clear the account's failed sign-ins at every address; how many records went (0: none,
    and no audit entry). A known staff username is kept by axes as typed (throttle.py)."""
    from axes.utils import reset

    user = get_staff(username)
    if not failures_by_address(username).exists():
        return 0
    with transaction.atomic():
        cleared = reset(username=user.username)
        _audit(
            actor=actor,
            actor_role=actor_role,
            action="staff_unlock",
            fields=[_field(user, "lockout", "cleared")],
        )
    return cleared


def reset_password(*, username: str, password: str, actor: str, actor_role: str) -> None:
    user = get_staff(username)
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        _audit(
            actor=actor,
            actor_role=actor_role,
            action="staff_reset_password",
            fields=[_field(user, "password", "reset")],
        )
