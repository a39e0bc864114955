"""Personal fields sealed at rest: AES-GCM under a data key per owner, wrapped by a master key.

An owner is a UUID (a patron's `ref`, or a disclosure case's `ref` for its free text). Each
owner has one data key (32 random bytes), kept in the `DataKey` table wrapped with AES-GCM
under the library's master key (AAD = the owner's ref). A sealed value is stored as text:

    "s1." + owner ref (32 hex) + "." + base64(nonce | ciphertext | tag)

with AAD = owner ref + the field's label ("records.patron.first_name"), so a value copied to
another row or another column does not open. Destroying the owner's data key (`forget_key`)
makes every value sealed under it unreadable for good, wherever a copy of it lies, once the
master key it was wrapped under is retired too (see docs/encryption.md, "Backups").

Master keys come from CUSTODIAN_MASTER_KEY (base64 of 32 bytes; "NEW,OLD" while rotating),
else from the keyring file `master_keyring` in the data folder, created on first use and
readable by its owner only. Each master has an id (the first 8 hex of its SHA-256), stored
beside every key it wraps, so either master opens while `custodian keys rotate` runs.

The blind index (`blind_index`) is an HMAC-SHA256 under a separate index key, never rotated
with the master (`custodian keys rotate-index` rotates it): the desk finds a card number or a
name by exact match without the clear text being in the database. It lives in
custodian.records.blind_index and is re-exported here.
"""

import base64
import binascii
import functools
import hashlib
import json
import os
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from custodian.paths import PRIVATE_FILE_MODE, data_dir, decode_key32, write_once
from custodian.records import blind_index as _index

MASTER_ENV = "CUSTODIAN_MASTER_KEY"
KEYRING_FILE = "master_keyring"
PREFIX = "s1."
NONCE = 12
# Unwrapped data keys kept in memory: bounded in size and in age, so a key destroyed by
# another process (an erasure run from the command line) stops opening here within minutes.
CACHE_SIZE = int(os.environ.get("CUSTODIAN_SEALING_CACHE", "16384"))
CACHE_SECONDS = 300.0


# The owner of sealed text that belongs to no patron (a question asked without a card): its
# key is the library's own and is never forgotten.
LIBRARY_OWNER = uuid.UUID("00000000-0000-4000-8000-00000000c0de")


class SealingError(Exception):
    """A key is missing or malformed, or a sealed value is not what it claims to be."""


class SealedLookup(SealingError):
    """A clear value reached the database through a sealed column (a filter or an update)."""


class Sealed(str):
    """A value already sealed (by `seal`): the field stores it as it is."""

    __slots__ = ()


# ---------------------------------------------------------------- master keys (the keyring)


def master_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def _decode(text: str, what: str) -> bytes:
    return decode_key32(text, what, SealingError)


def keyring_file() -> Path:
    return data_dir() / KEYRING_FILE


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict  # master id -> 32 raw bytes
    from_env: bool
    stamp: float = 0.0


def _write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by its owner only."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, PRIVATE_FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _keyring_text(current: str, keys: dict) -> str:
    encoded = {mid: base64.b64encode(raw).decode() for mid, raw in keys.items()}
    return json.dumps({"current": current, "keys": encoded}, indent=1) + "\n"


def _read_keyring_file() -> Keyring:
    path = keyring_file()
    if not path.exists():
        raw = os.urandom(32)
        write_once(path, _keyring_text(master_id(raw), {master_id(raw): raw}))
    try:
        data = json.loads(path.read_text())
        keys = {mid: _decode(text, str(path)) for mid, text in data["keys"].items()}
        current = data["current"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SealingError(f"the master keyring {path} is damaged") from exc
    for mid, raw in keys.items():
        if master_id(raw) != mid:
            raise SealingError(f"the master keyring {path} is damaged")
    if current not in keys:
        raise SealingError(f"the master keyring {path} has no current key")
    return Keyring(current=current, keys=keys, from_env=False, stamp=path.stat().st_mtime)


def _read_keyring() -> Keyring:
    value = os.environ.get(MASTER_ENV)
    if not value:
        return _read_keyring_file()
    raws = [_decode(part, MASTER_ENV) for part in value.split(",") if part.strip()]
    if not raws:
        raise SealingError(f"{MASTER_ENV} is empty")
    keys = {master_id(raw): raw for raw in raws}
    return Keyring(current=master_id(raws[0]), keys=keys, from_env=True)


_lock = threading.RLock()
_keyring: Keyring | None = None
_checked_at = 0.0
# How often a process looks whether another one (`custodian keys rotate`) changed the file.
KEYRING_CHECK_SECONDS = 1.0


def keyring(*, fresh: bool = False) -> Keyring:
    """The master keys. Read again when asked (`fresh`) or when the file has changed (looked
    at no more than once a second)."""
    global _keyring, _checked_at
    with _lock:
        ring = _keyring
        now = time.monotonic()
        if ring is None or fresh:
            ring = _keyring = _read_keyring()
            _checked_at = now
        elif not ring.from_env and now - _checked_at > KEYRING_CHECK_SECONDS:
            _checked_at = now
            try:
                if keyring_file().stat().st_mtime != ring.stamp:
                    ring = _keyring = _read_keyring()
            except FileNotFoundError:
                ring = _keyring = _read_keyring()
        return ring


@functools.lru_cache(maxsize=8)
def _master_cipher(raw: bytes) -> AESGCM:
    return AESGCM(raw)


def _master(mid: str) -> bytes:
    ring = keyring()
    if mid not in ring.keys:
        ring = keyring(fresh=True)  # rotated by another process since we last looked
    try:
        return ring.keys[mid]
    except KeyError:
        raise SealingError(f"no master key with id {mid} in the keyring") from None


def add_master(raw: bytes | None = None) -> str:
    """Put a new master key into the keyring file as the current one; the old ones stay."""
    ring = keyring(fresh=True)
    if ring.from_env:
        raise SealingError(
            f"the master key comes from {MASTER_ENV}: put the new key first there (NEW,OLD)"
        )
    raw = raw or os.urandom(32)
    keys = dict(ring.keys)
    keys[master_id(raw)] = raw
    _write_private(keyring_file(), _keyring_text(master_id(raw), keys))
    keyring(fresh=True)
    return master_id(raw)


def retire_masters() -> list[str]:
    """Remove every master key but the current one from the keyring file; return their ids."""
    ring = keyring(fresh=True)
    old = [mid for mid in ring.keys if mid != ring.current]
    if old and not ring.from_env:
        _write_private(
            keyring_file(), _keyring_text(ring.current, {ring.current: ring.keys[ring.current]})
        )
        keyring(fresh=True)
    return old


def wrap(owner: uuid.UUID, data_key: bytes) -> tuple[bytes, str]:
    ring = keyring()
    nonce = os.urandom(NONCE)
    return nonce + _master_cipher(ring.keys[ring.current]).encrypt(nonce, data_key, owner.bytes), (
        ring.current
    )


def unwrap(owner: uuid.UUID, wrapped: bytes, mid: str) -> bytes:
    try:
        return _master_cipher(_master(mid)).decrypt(
            bytes(wrapped[:NONCE]), bytes(wrapped[NONCE:]), owner.bytes
        )
    except InvalidTag:
        raise SealingError("a data key does not open under its master key") from None


# ---------------------------------------------------------------- data keys (per owner)


def _in_transaction() -> bool:
    from django.db import connection

    return connection.in_atomic_block


def _still_queued(pending: list) -> bool:
    """Whether the on_commit hook in `pending` ([hooks list, hook, thread]) is still queued on this
    thread's connection. Django replaces the list on any rollback (of the transaction or of
    a savepoint), so the same list means yes; another list is indexed once (a bulk writer
    may have thousands of keys pending). The caller holds _lock."""
    from django.db import connection

    hooks = connection.run_on_commit
    if hooks is pending[0]:
        return True
    if not connection.in_atomic_block:
        return False
    if _queued[0] is not hooks:
        _queued[:] = [hooks, {id(entry[1]) for entry in hooks}]
    if id(pending[1]) in _queued[1]:
        pending[0] = hooks
        return True
    return False


_queued: list = [None, set()]  # the last hooks list indexed by _still_queued, its hooks' ids


class _Cache:
    """owner ref -> (AESGCM, loaded at, pending): least recently used first, bounded.

    A key created inside a transaction is *pending* until that transaction commits: only
    the thread that made it may use it, and only while its transaction is open. If the
    transaction (or the savepoint that made it) rolls back, the key's row is gone; a cached
    copy would seal values under a key no one can load again, so a pending entry whose
    on_commit hook is no longer queued (a commit would have confirmed it) is dropped."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict = OrderedDict()

    def get(self, owner: uuid.UUID):
        with _lock:
            hit = self.items.get(owner)
            if hit is None:
                return None
            if time.monotonic() - hit[1] > CACHE_SECONDS:
                del self.items[owner]
                return None
            if hit[2] is not None:
                if hit[2][2] != threading.get_ident():
                    return None
                if not _still_queued(hit[2]):
                    # Its transaction, or the savepoint that made it, rolled back.
                    del self.items[owner]
                    return None
            self.items.move_to_end(owner)
            return hit[0]

    def put(self, owner: uuid.UUID, cipher, *, created: bool = False) -> None:
        """Cache `cipher`; `created`: its key row was just written, perhaps uncommitted."""
        if self.size <= 0:
            return
        pending = None
        if created and _in_transaction():
            from django.db import transaction

            def hook():
                self._confirm(owner, cipher)

            transaction.on_commit(hook)
            pending = [transaction.get_connection().run_on_commit, hook, threading.get_ident()]
        with _lock:
            self.items[owner] = (cipher, time.monotonic(), pending)
            self.items.move_to_end(owner)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def _confirm(self, owner: uuid.UUID, cipher) -> None:
        with _lock:
            hit = self.items.get(owner)
            if hit is not None and hit[0] is cipher:
                self.items[owner] = (cipher, hit[1], None)

    def drop(self, owner: uuid.UUID) -> None:
        with _lock:
            self.items.pop(owner, None)

    def clear(self) -> None:
        with _lock:
            self.items.clear()


_cache = _Cache(CACHE_SIZE)


def clear_cache() -> None:
    """Forget every unwrapped data key held in this process (rotation, tests)."""
    _cache.clear()


def _as_uuid(owner) -> uuid.UUID:
    return owner if isinstance(owner, uuid.UUID) else uuid.UUID(str(owner))


def _load(owner: uuid.UUID, *, create: bool):
    cipher = _cache.get(owner)
    if cipher is not None:
        return cipher
    from custodian.records.models import DataKey

    row = DataKey.objects.filter(owner_ref=owner).values_list("wrapped", "master_id").first()
    if row is None:
        if not create:
            return None
        raw = os.urandom(32)
        wrapped, mid = wrap(owner, raw)
        # Two writers sealing for a new owner at once agree on whichever key landed first.
        _, created = DataKey.objects.get_or_create(
            owner_ref=owner, defaults={"wrapped": wrapped, "master_id": mid}
        )
        row = DataKey.objects.values_list("wrapped", "master_id").get(owner_ref=owner)
        cipher = AESGCM(unwrap(owner, row[0], row[1]))
        _cache.put(owner, cipher, created=created)
        return cipher
    cipher = AESGCM(unwrap(owner, row[0], row[1]))
    _cache.put(owner, cipher)
    return cipher


def ensure_key(owner) -> None:
    """Create the owner's data key now if there is none (a migration, a bulk writer)."""
    _load(_as_uuid(owner), create=True)


def new_key_row(owner) -> tuple[uuid.UUID, bytes, str]:
    """A fresh data key for a new owner, as (owner, wrapped, master id), cached for sealing.

    For bulk writers that insert the DataKey rows themselves; the caller must store it."""
    owner, wrapped, mid, cipher = new_key(owner)
    _cache.put(owner, cipher, created=True)
    return owner, wrapped, mid


def new_key(owner) -> tuple[uuid.UUID, bytes, str, AESGCM]:
    """`new_key_row` plus the key itself, not cached (for `seal_with`, a million at a time)."""
    owner = _as_uuid(owner)
    _cache.drop(owner)  # a new key for this owner: any cached one is stale
    raw = os.urandom(32)
    wrapped, mid = wrap(owner, raw)
    return owner, wrapped, mid, AESGCM(raw)


def preload(owners) -> None:
    """Open the data keys of these owners in one query (bulk writers, long lists)."""
    from custodian.records.models import DataKey

    missing = {_as_uuid(o) for o in owners}
    missing = [o for o in missing if _cache.get(o) is None]
    if not missing:
        return
    rows = DataKey.objects.filter(owner_ref__in=missing).values_list(
        "owner_ref", "wrapped", "master_id"
    )
    for owner, wrapped, mid in rows:
        _cache.put(owner, AESGCM(unwrap(owner, wrapped, mid)))


def forget_key(owner_ref) -> bool:
    """Destroy the owner's data key: everything sealed under it no longer opens.

    Deletes the DataKey row (SQLite's secure_delete zeroes its bytes in the file) and drops
    it from this process's cache. Returns whether there was a key."""
    from custodian.records.models import DataKey

    owner = _as_uuid(owner_ref)
    _cache.drop(owner)
    deleted, _ = DataKey.objects.filter(owner_ref=owner).delete()
    _cache.drop(owner)
    return bool(deleted)


# ---------------------------------------------------------------- sealing values


def _aad(owner: uuid.UUID, label: str) -> bytes:
    return owner.bytes + label.encode()


def seal(owner, label: str, value: str) -> Sealed:
    """`value` sealed under the owner's data key for the column `label` ("app.model.field")."""
    owner = _as_uuid(owner)
    return seal_with(_load(owner, create=True), owner, label, value)


def seal_with(cipher: AESGCM, owner: uuid.UUID, label: str, value: str) -> Sealed:
    """`seal` with the owner's key already in hand (`new_key`): no cache, no query."""
    nonce = os.urandom(NONCE)
    body = cipher.encrypt(nonce, value.encode(), owner.bytes + label.encode())
    return Sealed(f"{PREFIX}{owner.hex}.{base64.b64encode(nonce + body).decode()}")


def is_sealed(text) -> bool:
    return isinstance(text, str) and text.startswith(PREFIX)


def owner_of(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=text[len(PREFIX) : len(PREFIX) + 32])
    except ValueError:
        raise SealingError("a sealed value is malformed") from None


def open_sealed(text: str, label: str) -> str | None:
    """The clear value, or None when the owner's key is gone (an erased person)."""
    owner = owner_of(text)
    try:
        blob = base64.b64decode(text[len(PREFIX) + 33 :], validate=True)
    except (binascii.Error, ValueError):
        raise SealingError(f"a sealed value in {label} is malformed") from None
    aad = _aad(owner, label)
    cached = _cache.get(owner) is not None
    for attempt in range(2):
        cipher = _load(owner, create=False)
        if cipher is None:
            return None
        try:
            return cipher.decrypt(blob[:NONCE], blob[NONCE:], aad).decode()
        except (InvalidTag, ValueError):
            if not cached or attempt:
                break
            # A key cached from a transaction that was rolled back (and the owner's key made
            # again since): read it from the database once more before giving up.
            _cache.drop(owner)
    raise SealingError(f"a sealed value in {label} does not open")


# ---------------------------------------------------------------- blind index

# The index key and the index values live in custodian.records.blind_index (with the index
# keyring); re-exported here, where every caller and BlindIndexField look for them.
INDEX_ENV = _index.INDEX_ENV
INDEX_FILE = _index.INDEX_FILE
blind_index = _index.blind_index
card_index = _index.card_index
card_indexes = _index.card_indexes
index_key = _index.index_key
index_keyring = _index.index_keyring
last_name_index = _index.last_name_index
last_name_indexes = _index.last_name_indexes
name_index = _index.name_index
name_indexes = _index.name_indexes
normalise_card = _index.normalise_card
normalise_name = _index.normalise_name
