"""The blind index: HMAC-SHA256 of a normalised card number or name under the index key.

The desk finds a patron by exact match on these values without the clear text being in the
database (custodian.records.selectors). The index key is kept apart from the master keys:

- CUSTODIAN_INDEX_KEY: base64 of 32 bytes, or "NEW,OLD" while `custodian keys rotate-index`
  runs (the first is current);
- else the keyring file `index_keyring` in the data folder (JSON, like `master_keyring`),
  written by the first `rotate-index`;
- else the single-key file `index_key` (every library before index rotation existed), created
  on first use. It keeps working unchanged; a rotation moves its key into `index_keyring`.

Writes always use the current key. While a rotation is under way the keyring holds the previous
key too, and lookups match a value under either (`card_indexes`, `name_indexes`, ...), so a row
is found whether the rotation has rewritten it yet or not. Each process reads the file again
when it changes (looked at no more than once a second).
"""

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from custodian.paths import PRIVATE_FILE_MODE, data_dir, decode_key32, write_once

INDEX_ENV = "CUSTODIAN_INDEX_KEY"
INDEX_FILE = "index_key"
INDEX_KEYRING_FILE = "index_keyring"
# How often a process looks whether `custodian keys rotate-index` changed the keyring.
CHECK_SECONDS = 1.0


def _error(message: str) -> Exception:
    # Imported late: sealing imports this module (it re-exports the index functions).
    from custodian.records.sealing import SealingError

    return SealingError(message)


def key_id(raw: bytes) -> str:
    """The first 8 hex of the key's SHA-256: shown by `keys status`, never the key."""
    return hashlib.sha256(raw).hexdigest()[:8]


@dataclass(frozen=True)
class IndexKeyring:
    current: str
    keys: dict = field(repr=False)  # key id -> 32 raw bytes, the current one first
    source: str  # "environment", "keyring" (index_keyring) or "file" (index_key)
    stamp: tuple = ()

    @property
    def from_env(self) -> bool:
        return self.source == "environment"

    @property
    def rotating(self) -> bool:
        return len(self.keys) > 1


def keyring_file() -> Path:
    return data_dir() / INDEX_KEYRING_FILE


def legacy_file() -> Path:
    return data_dir() / INDEX_FILE


def _decode(text: str, what: str) -> bytes:
    from custodian.records.sealing import SealingError

    return decode_key32(text, what, SealingError)


def _stamp() -> tuple:
    """What changes when the keys do: the variable, or the keyring file's time."""
    value = os.environ.get(INDEX_ENV)
    if value:
        return ("environment", hashlib.sha256(value.encode()).hexdigest())
    path = keyring_file()
    try:
        return ("keyring", str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        return ("file", str(path))


def _ordered(current: str, keys: dict) -> dict:
    return {current: keys[current], **{k: v for k, v in keys.items() if k != current}}


def _read_env(value: str, stamp: tuple) -> IndexKeyring:
    raws = [_decode(part, INDEX_ENV) for part in value.split(",") if part.strip()]
    if not raws:
        raise _error(f"{INDEX_ENV} is empty")
    keys = {key_id(raw): raw for raw in raws}
    return IndexKeyring(key_id(raws[0]), keys, "environment", stamp)


def _read_keyring_file(path: Path, stamp: tuple) -> IndexKeyring:
    try:
        data = json.loads(path.read_text())
        keys = {kid: _decode(text, str(path)) for kid, text in data["keys"].items()}
        current = data["current"]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _error(f"the index keyring {path} is damaged") from exc
    if any(key_id(raw) != kid for kid, raw in keys.items()) or current not in keys:
        raise _error(f"the index keyring {path} is damaged")
    return IndexKeyring(current, _ordered(current, keys), "keyring", stamp)


def _read_legacy_file(stamp: tuple) -> IndexKeyring:
    path = legacy_file()
    write_once(path, base64.b64encode(os.urandom(32)).decode() + "\n")
    raw = _decode(path.read_text(), str(path))
    return IndexKeyring(key_id(raw), {key_id(raw): raw}, "file", stamp)


def _read() -> IndexKeyring:
    stamp = _stamp()
    if stamp[0] == "environment":
        return _read_env(os.environ[INDEX_ENV], stamp)
    if stamp[0] == "keyring":
        return _read_keyring_file(keyring_file(), stamp)
    return _read_legacy_file(stamp)


_lock = threading.RLock()
_ring: IndexKeyring | None = None
_checked_at = 0.0


def index_keyring(*, fresh: bool = False) -> IndexKeyring:
    """The index keys, read again when asked (`fresh`) or when they have changed."""
    global _ring, _checked_at
    ring = _ring
    now = time.monotonic()
    if ring is not None and not fresh and now - _checked_at <= CHECK_SECONDS:
        return ring
    with _lock:
        if fresh or _ring is None or _stamp() != _ring.stamp:
            _ring = _read()
        _checked_at = now
        return _ring


def reset() -> None:
    """Forget the keys read so far (tests; a data folder changed under a process)."""
    global _ring
    with _lock:
        _ring = None


def index_key() -> bytes:
    """The current index key (the one every write uses)."""
    ring = index_keyring()
    return ring.keys[ring.current]


def _write_keyring(current: str, keys: dict) -> None:
    from custodian.records.sealing import _write_private

    encoded = {kid: base64.b64encode(raw).decode() for kid, raw in _ordered(current, keys).items()}
    _write_private(
        keyring_file(), json.dumps({"current": current, "keys": encoded}, indent=1) + "\n"
    )


def env_instructions() -> str:
    return (
        f"the index key comes from {INDEX_ENV}, which Custodian cannot change: make a new key "
        '(`python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"`), '
        f"set {INDEX_ENV}=NEW,OLD (the new key first, then the one there now) for every "
        "Custodian process, restart them, and run `custodian keys rotate-index` again; when it "
        f"has finished, set {INDEX_ENV}=NEW alone and restart"
    )


@contextlib.contextmanager
def _keyring_lock():
    """One writer of the keyring at a time (two `rotate-index` started at once make one key)."""
    path = data_dir() / ".index_keyring.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def add_index_key(raw: bytes | None = None) -> str:
    """Make a new index key current and return its id; the previous one stays until
    `retire_previous`. While a rotation is under way nothing is added (its key is returned).

    A library still on the single-key file `index_key` moves to `index_keyring` here: the
    keyring is written first (it takes precedence), then the old file is removed."""
    with _keyring_lock():
        ring = index_keyring(fresh=True)
        if ring.from_env:
            raise _error(env_instructions())
        if ring.rotating:
            return ring.current
        raw = raw or os.urandom(32)
        keys = dict(ring.keys)
        keys[key_id(raw)] = raw
        _write_keyring(key_id(raw), keys)
        if ring.source == "file":
            legacy_file().unlink(missing_ok=True)
        return index_keyring(fresh=True).current


def retire_previous() -> list[str]:
    """Remove every index key but the current one from the keyring file; return their ids.

    With the keys in the environment nothing can be removed here: the caller says how."""
    with _keyring_lock():
        ring = index_keyring(fresh=True)
        old = [kid for kid in ring.keys if kid != ring.current]
        if old and not ring.from_env:
            _write_keyring(ring.current, {ring.current: ring.keys[ring.current]})
            index_keyring(fresh=True)
        return old


# ---------------------------------------------------------------- the index values


def normalise_name(text: str) -> str:
    """Case, accents and spacing folded: "  José  DE la Cruz" -> "jose de la cruz"."""
    folded = text or ""
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(folded.casefold().split())


def normalise_card(text: str) -> str:
    return "".join((text or "").split())


def blind_index(kind: str, text: str, *, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the normalised text under the current index key (or `key`), 32 hex;
    "" for no text."""
    if not text:
        return ""
    message = f"{kind}\x00{text}".encode()
    return hmac.digest(key or index_key(), message, "sha256").hex()[:32]


def card_index(card_number: str, *, key: bytes | None = None) -> str:
    return blind_index("card", normalise_card(card_number), key=key)


def name_index(last_name: str, first_name: str, *, key: bytes | None = None) -> str:
    last, first = normalise_name(last_name), normalise_name(first_name)
    return blind_index("name", f"{last}|{first}", key=key) if last or first else ""


def last_name_index(last_name: str, *, key: bytes | None = None) -> str:
    return blind_index("last", normalise_name(last_name), key=key)


def _under_every_key(function, *args) -> list[str]:
    """`function(*args)` under each key of the keyring, current first, without repeats or ""."""
    values: list[str] = []
    for raw in index_keyring().keys.values():
        value = function(*args, key=raw)
        if value and value not in values:
            values.append(value)
    return values


def card_indexes(card_number: str) -> list[str]:
    """The card's index under every index key (one, except while a rotation is under way)."""
    return _under_every_key(card_index, card_number)


def name_indexes(last_name: str, first_name: str) -> list[str]:
    return _under_every_key(name_index, last_name, first_name)


def last_name_indexes(last_name: str) -> list[str]:
    return _under_every_key(last_name_index, last_name)
