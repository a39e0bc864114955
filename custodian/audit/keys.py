"""The Ed25519 key that signs checkpoints, and the public keys a verifier trusts.

The private key comes from CUSTODIAN_AUDIT_SIGNING_KEY (base64 of 32 raw bytes), else from
the file CUSTODIAN_AUDIT_SIGNING_KEY_FILE names, else from a file generated once in the data
directory and readable by its owner only. The last is the easy default and the weakest: whoever
copies the data folder gets the key with the database (`key_location_warning` says so at
start-up).
A verifier trusts the public half of that key plus any keys listed in
CUSTODIAN_AUDIT_PUBLIC_KEYS (comma-separated base64), so an auditor can check a copy of the
log on a machine that never holds the private key (set only the public keys there).
"""

import base64
import binascii
import functools
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from custodian.paths import data_dir, decode_key32, write_once

KEY_ENV = "CUSTODIAN_AUDIT_SIGNING_KEY"
PUBLIC_KEYS_ENV = "CUSTODIAN_AUDIT_PUBLIC_KEYS"
KEY_FILE_ENV = "CUSTODIAN_AUDIT_SIGNING_KEY_FILE"
KEY_FILE = "audit_signing_key"


class SigningKeyError(Exception):
    """The signing key is missing or malformed."""


def _decode_key(text: str, what: str) -> bytes:
    return decode_key32(text, what, SigningKeyError)


def key_file() -> Path:
    """Where the private key is kept when it does not come from the environment."""
    named = os.environ.get(KEY_FILE_ENV)
    return Path(named).expanduser() if named else data_dir() / KEY_FILE


def _key_from_file() -> bytes:
    path = key_file()
    write_once(path, base64.b64encode(os.urandom(32)).decode() + "\n")
    return _decode_key(path.read_text(), str(path))


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def database_folder() -> Path | None:
    """The folder of the SQLite database file (None for PostgreSQL or in-memory)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    name = str(db.get("NAME") or "")
    if "sqlite" not in db.get("ENGINE", "") or not name or "memory" in name:
        return None
    return Path(name).parent


def key_location_warning() -> str | None:
    """A start-up warning if the private key sits beside what it protects, else None.

    A key kept with the database lets anyone who copies (or steals) the data folder rewrite
    the log and re-sign it, so the checkpoints would prove nothing against them."""
    if os.environ.get(KEY_ENV):
        return None
    path = key_file()
    folders = [data_dir()]
    if (db_folder := database_folder()) is not None:
        folders.append(db_folder)
    if not any(_inside(path, folder) for folder in folders):
        return None
    return (
        f"the audit signing key is kept in {path.parent}, beside the database it protects: "
        "anyone with a copy of that folder can rewrite the audit log and sign it again. "
        f"Set {KEY_ENV} from a secret store (or {KEY_FILE_ENV} to a file on another disk), "
        "and export signed heads off this machine with `custodian audit export-head` "
        "(see docs/audit.md)."
    )


@functools.cache
def signing_key() -> Ed25519PrivateKey:
    value = os.environ.get(KEY_ENV)
    raw = _decode_key(value, KEY_ENV) if value else _key_from_file()
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def own_public_key() -> str:
    return public_key_text(signing_key().public_key())


def trusted_public_keys() -> frozenset[str]:
    """Keys whose checkpoints count. Listing keys explicitly means: do not touch the private key."""
    listed = os.environ.get(PUBLIC_KEYS_ENV, "")
    keys = {k.strip() for k in listed.split(",") if k.strip()}
    for key in keys:
        _decode_key(key, PUBLIC_KEYS_ENV)
    return frozenset(keys) if keys else frozenset({own_public_key()})


def checkpoint_message(*, tree_size: int, root_hash: str, head_hash: str, signed_at: str) -> bytes:
    """What a checkpoint signature covers: one line per value, under a fixed label."""
    return (
        f"custodian-audit-checkpoint/1\n{tree_size}\n{root_hash}\n{head_hash}\n{signed_at}\n"
    ).encode()


def sign(message: bytes) -> str:
    return base64.b64encode(signing_key().sign(message)).decode()


def signature_ok(*, public_key: str, signature: str, message: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
