"""Signed tree heads kept outside the database: the witness file.

A checkpoint in the database vouches for the log only as long as nobody deletes it or holds
the key. As RFC 6962 logs do with witnesses, `export_head` appends the newest signed head to
a file somewhere the database's administrators cannot rewrite (a mounted backup, a
write-once bucket, a printout), and `verify_log(against=...)` checks the log against every
head in it: the log's entry hash and Merkle root at each exported size must be the signed
ones, and the log may not be shorter. One line per head:

    custodian-audit-head/1 <tree_size> <root_hash> <head_hash> <signed_at> <public_key> <signature>

The signature is the checkpoint's own (`keys.checkpoint_message`), so a line can be checked
by anyone with the public key, and a line copied by hand can be compared character by
character.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

from custodian.audit import keys

LABEL = "custodian-audit-head/1"
MAX_FILE_BYTES = 64 * 1024 * 1024  # a head an hour for a century is ~200 MB; a minute's is not
_LINE = re.compile(
    r"custodian-audit-head/1 (?P<tree_size>[1-9][0-9]{0,17}) (?P<root_hash>[0-9a-f]{64})"
    r" (?P<head_hash>[0-9a-f]{64})"
    r" (?P<signed_at>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)"
    r" (?P<public_key>[A-Za-z0-9+/]{43}=) (?P<signature>[A-Za-z0-9+/]{86}==)"
)


class HeadsFileError(Exception):
    """The heads file cannot be used: unreadable, malformed, forged, or in the wrong place.
    The message is one line and names the file and line."""


@dataclass(frozen=True)
class ExportedHead:
    tree_size: int
    root_hash: str
    head_hash: str
    signed_at: str
    public_key: str
    signature: str
    line: int = 0  # where it was read from (1-based), for messages

    def text(self) -> str:
        return (
            f"{LABEL} {self.tree_size} {self.root_hash} {self.head_hash} {self.signed_at}"
            f" {self.public_key} {self.signature}"
        )

    def problem(self, trusted: frozenset[str]) -> str | None:
        """Why this head cannot be relied on, or None if its signature holds."""
        if self.public_key not in trusted:
            return "is signed by a key this installation does not trust"
        message = keys.checkpoint_message(
            tree_size=self.tree_size,
            root_hash=self.root_hash,
            head_hash=self.head_hash,
            signed_at=self.signed_at,
        )
        if not keys.signature_ok(
            public_key=self.public_key, signature=self.signature, message=message
        ):
            return "has a signature that does not verify (forged or altered)"
        return None


def parse_line(text: str, line: int = 0) -> ExportedHead | None:
    match = _LINE.fullmatch(text)
    if match is None:
        return None
    values = match.groupdict()
    return ExportedHead(**{**values, "tree_size": int(values["tree_size"])}, line=line)


def load(path: str | Path, *, trusted: frozenset[str] | None = None) -> list[ExportedHead]:
    """Every head in the file, each checked for form and signature, oldest first as written.

    Raises HeadsFileError (one line, naming the line) on the first line that is not a
    well-formed head signed by a trusted key, or when two heads disagree about one size."""
    path = Path(path)
    trusted = keys.trusted_public_keys() if trusted is None else trusted
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise HeadsFileError(f"heads file {path}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise HeadsFileError(f"heads file {path}: larger than {MAX_FILE_BYTES} bytes")
    heads: list[ExportedHead] = []
    by_size: dict[int, ExportedHead] = {}
    for number, data in enumerate(raw.split(b"\n"), start=1):
        if not data.strip():
            continue
        try:
            text = data.decode("ascii").rstrip("\r")
        except UnicodeDecodeError:
            text = None
        head = parse_line(text, number) if text is not None else None
        if head is None:
            raise HeadsFileError(
                f"heads file {path}, line {number}: not a signed head "
                f"(expected '{LABEL} <tree_size> <root> <head> <signed_at> <key> <signature>')"
            )
        if problem := head.problem(trusted):
            raise HeadsFileError(f"heads file {path}, line {number}: the head {problem}")
        seen = by_size.setdefault(head.tree_size, head)
        if (seen.root_hash, seen.head_hash) != (head.root_hash, head.head_hash):
            raise HeadsFileError(
                f"heads file {path}, line {number}: disagrees with line {seen.line} about "
                f"the first {head.tree_size} entries (two histories were signed)"
            )
        heads.append(head)
    return heads


def forbidden_folders() -> list[Path]:
    """Where a heads file must not be kept: with the data it is a witness against."""
    from custodian.paths import data_dir

    folders = [data_dir()]
    if (db_folder := keys.database_folder()) is not None:
        folders.append(db_folder)
    return [folder.resolve() for folder in folders]


def check_location(path: str | Path) -> None:
    """Refuse a heads file inside the data folder or beside the SQLite database: whoever can
    rewrite the log there can rewrite the file with it."""
    target = Path(path).expanduser().resolve()
    for folder in forbidden_folders():
        if target.is_relative_to(folder):
            raise HeadsFileError(
                f"heads file {path}: it is inside {folder}, with the database it is a witness "
                "against; keep it on another disk or machine (or pass --force)"
            )


def append(path: str | Path, head: ExportedHead) -> None:
    """Append one line, creating the file if need be, and flush it to disk."""
    fd = os.open(Path(path).expanduser(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (head.text() + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
