"""Writes for SIP accounts: create, disable, sign a machine in, and the demo's accounts.

Signing in has one answer for every failure: an unknown name, a wrong password and a
disabled account say the same and do the same work (an Argon2 verify, against a dummy hash
when there is nothing real to check), so neither the answer nor its timing tells whether an
account exists. Failures are counted per account name and per peer address
(`SipLoginThrottle`, keyed by HMAC, as the portal's sign-in throttle):

- a name locks after NAME_LIMIT consecutive failures and stays locked, even against the
  right password, until `custodian sip2 account create/enable` sets it going again (a
  machine with a wrong password set keeps trying every few seconds: better locked and seen);
- a peer address locks after PEER_LIMIT failures within PEER_WINDOW and unlocks itself
  PEER_COOL_OFF later.
"""

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from custodian import lockouts
from custodian.records.models import Branch
from custodian.sip2.models import Purpose, SipAccount, SipLoginThrottle
from custodian.sip2.selectors import AccountInfo, info
from custodian.synth.private_files import read_json, write_private_json

NAME_LIMIT = 10
PEER_LIMIT = 30
PEER_WINDOW = dt.timedelta(minutes=15)
PEER_COOL_OFF = dt.timedelta(minutes=15)
PASSWORD_MIN_LENGTH = 12
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
DEMO_FILE = "demo-sip-accounts.json"
_KEY_SALT = "custodian.sip2.login-throttle"

# One hasher for the process, as for PINs (argon2-cffi's RFC 9106 low-memory defaults).
_hasher = PasswordHasher()


class AccountRefused(Exception):
    """An account command that cannot be done; `message` says why in one line."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class LoginResult:
    outcome: str  # "signed_in" | "refused" | "name_locked" | "peer_locked"
    account: AccountInfo | None = None


@dataclass(frozen=True, slots=True)
class NewAccount:
    account: AccountInfo
    password: str | None  # the generated password, shown once; None when one was given


def purpose_from_word(word: str) -> str:
    """ "self-check", "self_check" → "self_check"; anything else is refused in plain words."""
    value = (word or "").strip().lower().replace("-", "_")
    if value not in Purpose.values:
        choices = ", ".join(p.replace("_", "-") for p in Purpose.values)
        raise AccountRefused(f"Unknown purpose {word!r}: use one of {choices}.")
    return value


def generate_password() -> str:
    return secrets.token_urlsafe(18)


def _hash(password: str) -> str:
    return _hasher.hash(password)


def create_account(
    *, name: str, branch_code: str, purpose: str, password: str | None = None, now=None
) -> NewAccount:
    """A new machine account. With no password, one is made up and returned to show once."""
    now = now or timezone.now()
    name = (name or "").strip()
    if not NAME_PATTERN.fullmatch(name):
        raise AccountRefused(
            "An account name is 1 to 64 letters, digits, dots, dashes or underscores."
        )
    purpose = purpose_from_word(purpose)
    branch = Branch.objects.filter(code=(branch_code or "").strip()).first()
    if branch is None:
        raise AccountRefused(f"No branch has the code {branch_code!r}.")
    made_up = password is None
    password = generate_password() if made_up else password
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountRefused(
            f"The password is too short: use at least {PASSWORD_MIN_LENGTH} characters."
        )
    if "|" in password or not password.isprintable():
        raise AccountRefused(
            "The password may not hold '|' or control characters (SIP2 cannot send them)."
        )
    try:
        with transaction.atomic():
            account = SipAccount.objects.create(
                name=name,
                branch=branch,
                purpose=purpose,
                password_hash=_hash(password),
                created_at=now,
            )
            SipLoginThrottle.objects.filter(key=name_key(name)).delete()
    except IntegrityError:
        raise AccountRefused(f"There is already a SIP account named {name!r}.") from None
    return NewAccount(account=info(account, branch), password=password if made_up else None)


def disable_account(*, name: str) -> bool:
    """Stop the machine signing in (and answering: it is refused at its next message).
    False when it was already disabled."""
    account = SipAccount.objects.filter(name=(name or "").strip()).first()
    if account is None:
        raise AccountRefused(f"There is no SIP account named {name!r}.")
    return bool(SipAccount.objects.filter(pk=account.pk, active=True).update(active=False))


def enable_account(*, name: str) -> bool:
    """Let a disabled (or locked) machine sign in again."""
    account = SipAccount.objects.filter(name=(name or "").strip()).first()
    if account is None:
        raise AccountRefused(f"There is no SIP account named {name!r}.")
    with transaction.atomic():
        SipLoginThrottle.objects.filter(key=name_key(account.name)).delete()
        return bool(SipAccount.objects.filter(pk=account.pk, active=False).update(active=True))


# Signing in ---------------------------------------------------------------------------


def _hmac(kind: str, value: str) -> str:
    return f"{kind}:" + salted_hmac(_KEY_SALT, value, algorithm="sha256").hexdigest()[:64]


def name_key(name: str) -> str:
    return _hmac("name", (name or "").strip())


def peer_key(peer: str) -> str:
    # The address without the port: a machine reconnects from a new port each time.
    # IPv4 "a.b.c.d:port"; IPv6 "[addr]:port" as the server names it.
    peer = peer or ""
    host = peer.rsplit(":", 1)[0] if peer.startswith("[") or peer.count(":") == 1 else peer
    return _hmac("peer", host)


@cache
def _dummy_hash() -> str:
    return _hash(secrets.token_hex(16))


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(*, name: str, password: str, peer: str, now=None) -> LoginResult:
    now = now or timezone.now()
    nkey, pkey = name_key(name), peer_key(peer)
    if _peer_locked(pkey, now):
        return LoginResult("peer_locked")
    if _name_locked(nkey):
        return LoginResult("name_locked")
    account = SipAccount.objects.select_related("branch").filter(name=(name or "").strip()).first()
    if account is not None and account.active:
        ok = _verify(account.password_hash, password or "")
    else:
        _verify(_dummy_hash(), password or "")
        ok = False
    if not ok:
        name_locked = _count_failure(nkey, now, limit=NAME_LIMIT)
        peer_locked = _count_failure(pkey, now, limit=PEER_LIMIT, window=PEER_WINDOW)
        if name_locked:
            return LoginResult("name_locked")
        if peer_locked:
            return LoginResult("peer_locked")
        return LoginResult("refused")
    with transaction.atomic():
        if _name_locked(nkey):
            return LoginResult("name_locked")
        SipLoginThrottle.objects.filter(key=nkey).delete()
        SipAccount.objects.filter(pk=account.pk).update(last_login_at=now)
    return LoginResult("signed_in", account=info(account, account.branch))


def _name_locked(key: str) -> bool:
    return SipLoginThrottle.objects.filter(key=key, locked_at__isnull=False).exists()


def _peer_locked(key: str, now) -> bool:
    return SipLoginThrottle.objects.filter(
        key=key, locked_at__isnull=False, locked_at__gt=now - PEER_COOL_OFF
    ).exists()


def _count_failure(key: str, now, *, limit: int, window: dt.timedelta | None = None) -> bool:
    """Count one failure under `key`; True when the key is (now) locked (custodian.lockouts)."""
    return lockouts.count_failure(
        SipLoginThrottle, key, now, limit=limit, window=window, cool_off=PEER_COOL_OFF
    )


# The demo --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DemoSipAccount:
    name: str
    password: str
    branch_code: str


def create_demo_accounts() -> list[DemoSipAccount]:
    """One self-check account per branch ("selfcheck-<code>"), idempotent.

    The passwords are kept, in plain text, only in a file in the data directory its owner
    alone can read (as the demo staff logins), so a reused demo prints the same ones; an
    account whose password is not in the file gets a new one.
    """
    path = settings.DATA_DIR / DEMO_FILE
    stored = read_json(path)
    known = {}
    if isinstance(stored, list):
        for row in stored:
            if isinstance(row, dict) and {"name", "password"} <= row.keys():
                known[str(row["name"])] = str(row["password"])
    out = []
    with transaction.atomic():
        for branch in Branch.objects.order_by("code"):
            name = f"selfcheck-{branch.code}".lower()
            name = re.sub(r"[^a-z0-9._-]", "-", name)[:64]
            password = known.get(name) or generate_password()
            account = SipAccount.objects.filter(name=name).first()
            if account is None:
                SipAccount.objects.create(
                    name=name,
                    branch=branch,
                    purpose=Purpose.SELF_CHECK,
                    password_hash=_hash(password),
                    created_at=timezone.now(),
                )
            elif name not in known or not _verify(account.password_hash, password):
                account.password_hash = _hash(password)
                account.active = True
                account.save(update_fields=["password_hash", "active"])
            SipLoginThrottle.objects.filter(key=name_key(name)).delete()
            out.append(DemoSipAccount(name=name, password=password, branch_code=branch.code))
    write_private_json(path, [_row(a) for a in out])
    return out


def _row(account: DemoSipAccount) -> dict:
    return {"name": account.name, "password": account.password, "branch_code": account.branch_code}
