"""Reads for SIP accounts: plain values, never a password or its hash."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from custodian.sip2.models import SipAccount

_ACTIVE = "SELECT 1 FROM sip2_sipaccount WHERE id = %s AND active"


@dataclass(frozen=True, slots=True)
class AccountInfo:
    id: int
    name: str
    branch_id: int
    branch_code: str
    branch_name: str
    purpose: str  # "self_check" | "pc_booking" | "return"
    active: bool
    created_at: datetime
    last_login_at: datetime | None


def info(account: SipAccount, branch) -> AccountInfo:
    return AccountInfo(
        id=account.pk,
        name=account.name,
        branch_id=branch.pk,
        branch_code=branch.code,
        branch_name=branch.name,
        purpose=account.purpose,
        active=account.active,
        created_at=account.created_at,
        last_login_at=account.last_login_at,
    )


def list_accounts() -> list[AccountInfo]:
    rows = SipAccount.objects.select_related("branch").order_by("name")
    return [info(a, a.branch) for a in rows]


def account_named(name: str) -> AccountInfo | None:
    a = SipAccount.objects.select_related("branch").filter(name=(name or "").strip()).first()
    return info(a, a.branch) if a else None


def still_active(*, account_id: int) -> bool:
    """Asked at every message: a machine whose account was disabled is refused at once.
    One fixed statement (the ORM's query building would cost more than running it)."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE, [account_id])
        return cursor.fetchone() is not None
