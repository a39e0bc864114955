"""Where Custodian keeps its data: CUSTODIAN_DATA_DIR, else the user's data directory."""

import os
import secrets
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    path = Path(os.environ.get("CUSTODIAN_DATA_DIR") or platformdirs.user_data_dir("custodian"))
    path.mkdir(parents=True, exist_ok=True)
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
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()
