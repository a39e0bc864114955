"""A profile's `[portal]` table: what the patron portal says and shows for this library.

    [portal]
    show_staff_names = false     # "Who has looked" names the staff member (default: no)
    concern_answer_days = 30     # the Director answers a patron's concern within this
    concern_clause = "VIII"      # the clause that lets a patron write to the Director
    sealed_entries = "..."       # the privacy page's words on legal requests kept secret
    sealed_entries_clause = "III.C.2.d.i ¶2"   # the clause behind them, where there is one

    [portal.summary_es]          # Spanish summaries of the privacy page's sections
    kept = "..."                 # (clause texts stay in the policy's own language)

Every key is checked here, and an unknown one is refused, naming the file and the line:
a misspelt `show_staf_names` must not silently leave a default in force.
"""

from dataclasses import dataclass, field
from pathlib import Path

from custodian.policy.errors import ProfileError

# The privacy page's sections a Spanish summary may be given for.
SUMMARY_SECTIONS = ("kept", "told", "yours", "complain", "sealed")

DEFAULT_SEALED = (
    "When the law orders the library to keep a legal request secret (for example a court "
    "order under the USA PATRIOT Act or another order of secrecy), the library may not tell "
    "anyone that the request exists, not even you. Records of such requests are not listed "
    'under "Who has looked at my record".'
)


@dataclass(frozen=True)
class PortalSettings:
    show_staff_names: bool = False
    concern_answer_days: int = 30
    sealed_entries: str = DEFAULT_SEALED
    sealed_entries_clause: str | None = None
    summary_es: dict = field(default_factory=dict)
    # The clause that lets a patron write to the Director (Jackson VIII), cited on the
    # portal's "Tell the Director" page and in its audit entries; None where there is none.
    concern_clause: str | None = None


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def load_portal(data: dict, path: Path, text: str, clauses: dict) -> PortalSettings:
    """The `[portal]` table of profile.toml (all defaults when it is absent)."""
    table = data.get("portal", {})

    def fail(message: str, key: str):
        raise ProfileError(f"[portal] {message}", path=path, line=_line_of(text, key))

    if not isinstance(table, dict):
        fail("must be a table", "portal")
    known = {
        "show_staff_names",
        "concern_answer_days",
        "concern_clause",
        "sealed_entries",
        "sealed_entries_clause",
        "summary_es",
    }
    unknown = sorted(set(table) - known)
    if unknown:
        fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})", unknown[0])
    show = table.get("show_staff_names", False)
    if not isinstance(show, bool):
        fail("show_staff_names must be true or false", "show_staff_names")
    days = table.get("concern_answer_days", 30)
    # bool is an int in Python: `true` is not a number of days.
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        fail("concern_answer_days must be a whole number of days from 1 to 366", "concern_answer")
    cited = table.get("sealed_entries_clause")
    if cited is not None and (not isinstance(cited, str) or cited not in clauses):
        fail(f"sealed_entries_clause cites unknown clause {cited!r}", "sealed_entries_clause")
    sealed = table.get("sealed_entries", DEFAULT_SEALED)
    if not isinstance(sealed, str) or not sealed.strip():
        fail("sealed_entries must be a non-empty text", "sealed_entries")
    concern_clause = table.get("concern_clause")
    if concern_clause is not None and (
        not isinstance(concern_clause, str) or concern_clause not in clauses
    ):
        fail(f"concern_clause cites unknown clause {concern_clause!r}", "concern_clause")
    summaries = table.get("summary_es", {})
    if not isinstance(summaries, dict):
        fail("summary_es must be a table", "summary_es")
    for key, value in summaries.items():
        if key not in SUMMARY_SECTIONS:
            fail(f"summary_es: unknown section {key!r} (known: {', '.join(SUMMARY_SECTIONS)})", key)
        if not isinstance(value, str) or not value.strip():
            fail(f"summary_es.{key} must be a non-empty text", key)
    return PortalSettings(
        show_staff_names=show,
        concern_answer_days=days,
        sealed_entries=" ".join(sealed.split()),
        sealed_entries_clause=cited,
        summary_es={k: " ".join(v.split()) for k, v in summaries.items()},
        concern_clause=concern_clause,
    )
