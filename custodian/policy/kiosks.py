"""A profile's `[kiosks]` table: what a SIP machine of each purpose may show of a patron's
record (issue 12, docs/sip2.md).

    [kiosks]
    silent = "The policy does not address self-service machines; ..."   # or clause = "IV.b"
    self_check = ["registration.status", "registration.name", "loans.titles", ...]
    pc_booking = ["registration.status", "charges.amount"]
    return = []

The engine decides first (the patron at the machine, self-service online, with or without
the PIN); the door then keeps only the fields the machine's purpose lists here. The table
is checked when the profile loads: every purpose named, contract field names only, never
an address, phone, email or birthdate on any machine, and no titles on a return machine
(it is shared and stands in the open). It cites the clause that speaks of machines, or
says why the profile chose this where the policy is silent.
"""

from dataclasses import dataclass, field
from pathlib import Path

from custodian.policy.errors import ProfileError
from custodian.policy.vocabulary import expand_fields

PURPOSES = ("self_check", "pc_booking", "return")
# No machine ever shows these, whatever a profile says.
NEVER = frozenset(
    {
        "registration.address",
        "registration.phone",
        "registration.email",
        "registration.birthdate",
    }
)


# A profile with no `[kiosks]` table (one written before issue 12) gets these, the same as
# the four seed profiles chose: a kiosk shows the patron their own account, a PC-booking
# system only whether they may book and what they owe, a return machine nothing.
DEFAULT_FIELDS = {
    "self_check": (
        "registration.status",
        "registration.name",
        "loans.*",
        "overdue.*",
        "holds.*",
        "charges.*",
        "payments.records",
    ),
    "pc_booking": ("registration.status", "registration.name", "charges.amount"),
    "return": (),
}
DEFAULT_SILENT = "The profile has no [kiosks] table; Custodian's default applies (docs/sip2.md)."


@dataclass(frozen=True)
class KioskSettings:
    fields: dict[str, frozenset[str]] = field(default_factory=dict)
    clause: str | None = None
    silent: str = ""

    def fields_for(self, purpose: str) -> frozenset[str]:
        try:
            return self.fields[purpose]
        except KeyError:
            raise KeyError(f"no SIP machine purpose {purpose!r}") from None


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def load_kiosks(data: dict, path: Path, text: str, clauses: dict) -> KioskSettings:
    table = data.get("kiosks")
    line = _line_of(text, "[kiosks]")

    def fail(message: str, at: int | None = line):
        raise ProfileError(f"[kiosks] {message}", path=path, line=at)

    if table is None:
        return KioskSettings(
            fields={p: frozenset(expand_fields(list(f))) for p, f in DEFAULT_FIELDS.items()},
            silent=DEFAULT_SILENT,
        )
    if not isinstance(table, dict):
        fail("must be a table: say what each SIP machine may show (self_check, pc_booking, return)")
    unknown = sorted(set(table) - {"clause", "silent", *PURPOSES})
    if unknown:
        fail(f"unknown key {unknown[0]!r}", _line_of(text, f"{unknown[0]} ") or line)
    clause, silent = table.get("clause"), table.get("silent", "")
    if not isinstance(silent, str) or (clause is None) == (not silent.strip()):
        fail('needs either clause = "<clause>" or silent = "<why this default>"')
    if clause is not None and clause not in clauses:
        fail(f"cites unknown clause {clause!r}")
    out: dict[str, frozenset[str]] = {}
    for purpose in PURPOSES:
        at = _line_of(text, f"{purpose} =") or line
        if purpose not in table:
            fail(f"has no {purpose!r}: list the fields it may show ([] for none)", at)
        patterns = table[purpose]
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            fail(f"{purpose} must be a list of field names", at)
        try:
            chosen = frozenset(expand_fields(patterns))
        except KeyError as e:
            fail(f"{purpose}: unknown field {e.args[0]!r}", at)
        never = sorted(chosen & NEVER)
        if never:
            fail(f"{purpose}: no machine may show {never[0]!r}", at)
        if purpose == "return":
            titled = sorted(f for f in chosen if f.endswith(".titles") or f.endswith(".records"))
            if titled or "registration.name" in chosen:
                fail(
                    f"return: a shared return machine shows no titles or names ({(titled or ['registration.name'])[0]!r})",
                    at,
                )
        out[purpose] = chosen
    return KioskSettings(fields=out, clause=clause, silent=" ".join(silent.split()))
