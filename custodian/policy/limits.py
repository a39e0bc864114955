"""Bounds on what the policy core reads, checked before parsing so hostile input fails fast.

A request (shared/contract) is a few hundred bytes, nests four deep and lists a few dozen
fields; a profile file is a few kilobytes. These limits are far above any honest input and
far below what makes the parsers slow or makes them recurse until Python gives up. Each
check raises the caller's error class with one line naming the problem. No Django here.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate

MAX_REQUEST_BYTES = 256 * 1024  # one request (a file, standard input or one --jsonl line)
MAX_TOML_BYTES = 1024 * 1024  # one profile.toml / clauses.toml
MAX_CEDAR_BYTES = 1024 * 1024  # one *.cedar file
MAX_DEPTH = 32  # nested lists/objects (a request nests 4 deep)
MAX_ITEMS = 1000  # entries in one list or object (the field vocabulary has a few dozen)

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)  # unrolled: fast on long strings
# TOML strings (multi-line first) and comments: brackets inside them do not nest anything.
_TOML_SKIP = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
)
_OPEN_CLOSE = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_BRACKETS_ONLY = str.maketrans({chr(c): None for c in range(128) if c not in _OPEN_CLOSE})
_WEIGHT = [_OPEN_CLOSE.get(c, 0) for c in range(256)]


def _depth(text: str, skip: re.Pattern) -> int:
    """The deepest bracket nesting outside strings, with no Python loop per character."""
    brackets = skip.sub("", text).translate(_BRACKETS_ONLY).encode("ascii", "ignore")
    return max(accumulate(map(_WEIGHT.__getitem__, brackets)), default=0)


def json_depth(text: str) -> int:
    """How deep the lists and objects of a JSON text nest (strings do not count)."""
    return _depth(text, _JSON_STRING)


def decode_utf8(raw: bytes, error: type[Exception], where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(
            f"{where}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})"
        ) from None


class JSONRefused(ValueError):
    """JSON in name only (or past a limit); the message says what is wrong, in one line."""


def _reject_constant(name: str):
    raise JSONRefused(f"{name} is not a JSON number")


def _no_duplicates(pairs):
    if len(pairs) > MAX_ITEMS:
        raise JSONRefused(f"an object has more than {MAX_ITEMS} keys")
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                # The same key twice is ambiguous (which one did the sender mean?): refuse it.
                raise JSONRefused(f"the key {key[:40]!r} appears twice in one object")
            seen.add(key)
    return out


# json.loads with options builds a decoder per call; this one is built once (it keeps no
# state between calls that changes what it returns).
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)


def strict_loads(text: str):
    """`json.loads` that refuses duplicate keys, NaN and Infinity, and nesting deeper than
    MAX_DEPTH (checked before parsing, so the parser never recurses into it). Shared by the
    policy commands and the JSON API."""
    # Nesting never exceeds the number of opening brackets (strings included): most
    # requests have fewer than MAX_DEPTH in all, and need no scan.
    if text.count("[") + text.count("{") > MAX_DEPTH and json_depth(text) > MAX_DEPTH:
        raise JSONRefused(f"nested more than {MAX_DEPTH} levels deep")
    try:
        if text.startswith("\ufeff"):  # what json.loads refuses before decoding
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        return _DECODER.decode(text)
    except json.JSONDecodeError as e:
        raise JSONRefused(f"invalid JSON: {e.msg} at column {e.colno}") from None
    except RecursionError:  # a nesting the scan missed; never a traceback
        raise JSONRefused("nested too deep") from None


def _too_long(value) -> bool:
    """Whether any list in a parsed JSON value has more than MAX_ITEMS entries."""
    todo = [value]
    while todo:
        value = todo.pop()
        if isinstance(value, list):
            if len(value) > MAX_ITEMS:
                return True
            todo.extend(v for v in value if isinstance(v, (list, dict)))
        elif isinstance(value, dict):
            todo.extend(v for v in value.values() if isinstance(v, (list, dict)))
    return False


def load_json(raw: bytes | str, error: type[Exception], where: str):
    """Parse one JSON request within the limits; `error(message)` for anything else."""
    if len(raw) > MAX_REQUEST_BYTES:
        raise error(f"{where}: too large (more than {MAX_REQUEST_BYTES // 1024} KB)")
    text = decode_utf8(raw, error, where) if isinstance(raw, bytes) else raw
    try:
        value = strict_loads(text)
    except JSONRefused as e:
        raise error(f"{where}: {e}") from None
    # A list of more than MAX_ITEMS entries has at least MAX_ITEMS commas between them.
    if text.count(",") >= MAX_ITEMS and _too_long(value):
        raise error(f"{where}: a list has more than {MAX_ITEMS} entries")
    return value


def check_toml_text(text: str, error, path) -> None:
    """Refuse TOML nested deeper than MAX_DEPTH before tomllib recurses into it."""
    if _depth(text, _TOML_SKIP) > MAX_DEPTH:
        raise error(f"nested more than {MAX_DEPTH} levels deep", path=path)
