"""Small JSON files in the data directory that only the owner may read."""

import json
import os
from pathlib import Path


def write_private_json(path: Path, data: object) -> None:
    """Write `data` atomically to `path` with mode 0600.

    The file is created 0600 from the start (never world-readable for a moment) and moved
    into place, so a reader never sees half a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            os.fchmod(fh.fileno(), 0o600)  # an existing temp file keeps its old mode otherwise
            json.dump(data, fh, indent=2)
            fh.write("\n")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def read_json(path: Path) -> object | None:
    """The file's data, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
