"""Where Custodian keeps its data: CUSTODIAN_DATA_DIR, else the user's data directory.

Everything in that folder is the library's confidential data (the SQLite database and its WAL,
disclosure packages, scanned documents, keys, demo logins), so the folder is its owner's
alone: 0700 for folders, 0600 for files.
"""

import base64
import binascii
import logging
import os
import secrets
import stat
import tempfile
from pathlib import Path

import platformdirs

PRIVATE_UMASK = 0o077
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600

log = logging.getLogger("custodian.security")


def data_dir() -> Path:
    """The data folder, created owner-only, with the process umask made owner-only first.

    The umask covers every file created later, including the ones SQLite, Django's storage
    and the libraries create themselves (SQLite gives its -wal and -shm the database's mode).
    """
    os.umask(PRIVATE_UMASK)
    path = Path(os.environ.get("CUSTODIAN_DATA_DIR") or platformdirs.user_data_dir("custodian"))
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return path


def make_private(root: Path) -> int:
    """Take group and other permissions off `root` and everything under it; return the count.

    A data folder from an older version (or a copy, or a restore) may be 0755 with 0644
    files. Symbolic links are not followed: a link out of the folder is not ours to change.
    """
    fixed = 0
    paths = [root]
    for folder, dirnames, filenames in os.walk(root):
        paths.extend(Path(folder) / name for name in dirnames + filenames)
    for path in paths:
        try:
            st = path.lstat()
        except FileNotFoundError:
            continue  # removed while we looked (a -wal at checkpoint)
        if stat.S_ISLNK(st.st_mode) or not st.st_mode & 0o077:
            continue
        wanted = PRIVATE_DIR_MODE if stat.S_ISDIR(st.st_mode) else PRIVATE_FILE_MODE
        os.chmod(path, stat.S_IMODE(st.st_mode) & wanted)
        fixed += 1
    return fixed


def secure_data_dir() -> Path:
    """The data folder, with anything others could read made private, and a warning if so.

    The warning names how many files and folders were fixed, never their names: a file name
    (a scan, a package) could itself say something about a patron.
    """
    path = data_dir()
    fixed = make_private(path)
    if fixed:
        log.warning(
            "Data directory permissions: %d files or folders could be read by other users "
            "of this machine; they are now readable by their owner only.",
            fixed,
        )
    return path


def secret_from_env_or_file(env_name: str, file_name: str, nbytes: int = 48) -> str:
    """A secret from the environment; failing that, one generated once into the data directory.

    Secrets never live in the repository. The file is created readable by its owner only.
    """
    value = os.environ.get(env_name)
    if value:
        return value
    path = data_dir() / file_name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def write_once(path: Path, text: str) -> None:
    """Create `path` (owner-only) holding `text`, unless it exists. Written to a private
    temporary file and linked into place: link() fails if another process got there first,
    so concurrent first starts agree on one key, and no one reads a half-written file."""
    if path.exists():
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.chmod(tmp, PRIVATE_FILE_MODE)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def decode_key32(text: str, what: str, error: type[Exception]) -> bytes:
    """A 32-byte key given as base64 (an environment variable or a key file's text).

    `what` names where it came from (never the key); `error` is the caller's own exception.
    """
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise error(f"{what} is not base64") from exc
    if len(raw) != 32:
        raise error(f"{what} must be 32 bytes, base64-encoded")
    return raw
