"""Finding raw codes and machine timestamps in what a person reads (pages, PDFs, CLI output).

    raw_codes_in("Asked for registration.address on 2026-12-02T03:15:00.123456+00:00")
    -> ["registration.address", "2026-12-02T03:15:00.123456+00:00"]

A code is flagged only when it could not be plain English: every code of every kind
(vocabulary.WORDS, the timeline's events, the staff roles) that has an underscore or a dot
in it, and the contract's clause ids. "patron", "phone" or "deny" are codes too, but also
words, so they are never flagged. Library clause ids ("III.C.2.h") are what a policy calls
its own sections, and are not codes.
"""

from __future__ import annotations

import io
import re
from functools import cache
from html.parser import HTMLParser

from custodian.policy import vocabulary

# ISO 8601 as machines write it: with microseconds, or with the "T" between date and time.
TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\.\d+(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?"
)


def _roles() -> list[str]:
    try:
        from custodian.accounts.models import Role
    except Exception:  # Django not set up: the roles are only extra codes to look for.
        return []
    return [str(value) for value in Role.values]


def _events() -> list[str]:
    from custodian.disclosure.vocab import EVENTS

    return list(EVENTS)


@cache
def known_codes() -> tuple[str, ...]:
    """Every code that cannot be an ordinary word (it has "_" or "."), longest first."""
    codes = {code for table in vocabulary.WORDS.values() for code in table}
    codes |= set(_events()) | set(_roles())
    return tuple(sorted((c for c in codes if "_" in c or "." in c), key=lambda c: (-len(c), c)))


@cache
def _code_pattern() -> re.Pattern:
    alternatives = "|".join(re.escape(c) for c in known_codes())
    # Not part of a longer identifier, file name, address or URL path on either side.
    return re.compile(rf"(?<![\w.@/-])(?:{alternatives})(?![\w@/-]|\.\w)")


def raw_codes_in(text: str) -> list[str]:
    """The raw codes and machine timestamps in `text`, in order of appearance ([] if none)."""
    found = [(m.start(), m.group()) for m in _code_pattern().finditer(text)]
    found += [(m.start(), m.group()) for m in TIMESTAMP.finditer(text)]
    return [hit for _, hit in sorted(found)]


# Attributes a person sees or hears (tooltips, screen readers, placeholders, buttons).
_SHOWN_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "aria-description")
_SKIPPED = {"script", "style", "template"}


class _Visible(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED:
            self.skipping += 1
            return
        values = dict(attrs)
        self.parts.extend(str(values[a]) for a in _SHOWN_ATTRIBUTES if values.get(a))
        kind = (values.get("type") or "").lower()
        if tag == "input" and kind in ("submit", "button", "reset") and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag):
        if tag in _SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text of a page a person reads or hears: no scripts, no markup, no hidden values."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", " ".join(parser.parts)).strip()


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF (pypdf, a test dependency), plus its title."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    title = (reader.metadata or {}).get("/Title") or ""
    return "\n".join([str(title), *(page.extract_text() or "" for page in reader.pages)])
