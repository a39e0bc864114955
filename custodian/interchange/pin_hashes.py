"""PIN hashes brought from another system (Koha keeps bcrypt hashes), kept checkable.

The PIN column holds Argon2 hashes only (a database constraint on records.Patron). A bcrypt
hash from the source is therefore layered, never stored bare: Custodian stores an Argon2 hash
*of the bcrypt hash*, with the bcrypt salt and cost as that Argon2 hash's salt. To check a
PIN typed later, `verify_pin` (custodian.circulation.patrons) recomputes bcrypt with that
salt and checks the result against the Argon2 layer; on the first success it replaces the
layered hash with an ordinary Argon2 hash of the PIN. Neither the PIN nor the bare bcrypt
hash is ever at rest. Guessing a PIN still costs a bcrypt computation per guess, as it did in
the source; the outer layer is cheap (it adds nothing an attacker must pay beyond bcrypt, and
it keeps an import of 100,000 hashed PINs from taking hours).
"""

import base64
import re

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret

# bcrypt's settings: version, cost and the 22-character salt ("$2a$08$" + 22).
_SETTING = re.compile(rb"\$2[aby]\$\d\d\$[./A-Za-z0-9]{22}")
_LAYER = {"time_cost": 1, "memory_cost": 64, "parallelism": 1, "hash_len": 32}
_check = PasswordHasher()


def layer_bcrypt(bcrypt_hash: str) -> str:
    """The Argon2 layer over a bcrypt hash from the source (`$2a$`, `$2b$` or `$2y$`)."""
    raw = bcrypt_hash.encode("ascii")
    setting = raw[:29]
    if not _SETTING.fullmatch(setting):
        raise ValueError("not a bcrypt hash")
    return hash_secret(raw, setting, type=Type.ID, **_LAYER).decode("ascii")


def bcrypt_setting(encoded: str) -> bytes | None:
    """The bcrypt salt and cost inside a layered hash, or None for an ordinary Argon2 hash
    (whose salt is 16 random bytes, never a bcrypt setting)."""
    parts = encoded.split("$")
    if len(parts) != 6 or not parts[1].startswith("argon2"):
        return None
    salt = parts[4]
    try:
        setting = base64.b64decode(salt + "=" * (-len(salt) % 4))
    except ValueError:
        return None
    return setting if _SETTING.fullmatch(setting) else None


def check_layered(encoded: str, pin: str) -> bool:
    """True when `pin` is the PIN under a layered bcrypt hash."""
    setting = bcrypt_setting(encoded)
    if setting is None:
        return False
    try:
        recomputed = bcrypt.hashpw(pin.encode("utf-8"), setting)
        return _check.verify(encoded, recomputed)
    except (ValueError, VerificationError, InvalidHashError):
        return False


def same_bcrypt(encoded: str, bcrypt_hash: str) -> bool:
    """True when a layered hash is over exactly this bcrypt hash (an unchanged re-import)."""
    if bcrypt_setting(encoded) is None:
        return False
    try:
        return _check.verify(encoded, bcrypt_hash.encode("ascii"))
    except (VerificationError, InvalidHashError):
        return False
