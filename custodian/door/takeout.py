"""Take my data: everything the library holds about a patron, read as the patron's own read.

One engine question for every contract field (requester patron, channel online, evidence
as proved at sign-in), one audit entry for the whole download (action
`portal.take_my_data`, the categories asked, never their contents), and one plain query
per table: rows come back as dictionaries (`.values()`), not model instances, so a patron
with ten years of history costs little more than reading those rows at all.

A category the engine withholds, or the library does not keep, is in the result with that
status and no rows: never silently missing. See docs/portal-data.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodian.door import auditing
from custodian.door import takeout_rows as rows
from custodian.door.errors import PatronNotFound
from custodian.door.readers import Reader
from custodian.door.ruling import FIELDS, Ruling, age_on, ask
from custodian.policy import get_engine
from custodian.records.models import Patron

ACTION = "portal.take_my_data"
INCLUDED, WITHHELD, NOT_KEPT = "included", "withheld", "not_kept"

# Each category and the contract fields that must all be released for it to be included.
# Categories outside the contract's vocabulary (who is responsible for the patron, the
# grants they made, their own choices, their word to the Director) are the patron's own
# dealings with the library: they go with `registration.status`, the engine's "this is the
# patron", and are named in the audit entry by the pseudo-field after them.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "registration": tuple(f for f in FIELDS if f.startswith("registration.")),
    "loans": ("loans.count", "loans.due_dates", "loans.titles"),
    "overdue": ("overdue.status", "overdue.count", "overdue.titles"),
    "lost": ("lost.titles",),
    "charges": ("charges.amount", "charges.details"),
    "payments": ("payments.records",),
    "holds": ("holds.count", "holds.titles"),
    "reading_history": ("history.titles",),
    "reading_history_choice": ("registration.status",),
    "programs": ("programs.records",),
    "computer_sessions": ("computer.records",),
    "room_bookings": ("rooms.records",),
    "reference": ("reference.records",),
    "interlibrary_loans": ("ill.records",),
    "searches": ("searches.records",),
    "camera_footage": ("video.records",),
    "responsible_parties": ("registration.status",),
    "guardian_of": ("registration.status",),
    "authorizations": ("registration.status",),
    "notice_choices": ("registration.status",),
    "concerns": ("registration.status",),
}
# The audit entry's names for the categories the contract has no field for.
EXTRA_AUDIT_FIELDS = (
    "history.choice",
    "responsible_parties.records",
    "guardian_of.records",
    "authorizations.records",
    "notices.choices",
    "concerns.records",
)


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    status: str  # included | withheld | not_kept
    data: Any  # a dict (registration, choices) or a list of dicts; None unless included


@dataclass(frozen=True, slots=True)
class Takeout:
    patron_ref: str
    library: str
    generated_at: dt.datetime
    outcome: str
    clauses: tuple[str, ...]
    explanation: str
    categories: tuple[Category, ...]

    def category(self, key: str) -> Category:
        return next(c for c in self.categories if c.key == key)


def not_kept_by_library(profile: str) -> frozenset[str]:
    """The contract fields this library keeps no records of: its profile's `[retention]
    not_kept` (as the account page reads it; a name outside the contract is refused)."""
    given = get_engine().profile(profile).retention.get("not_kept", [])
    if not isinstance(given, list) or any(f not in FIELDS for f in given):
        raise ValueError("[retention] not_kept lists the contract's field names only")
    return frozenset(given)


def take_my_data(*, reader: Reader) -> Takeout:
    """Everything held about the signed-in patron; one engine question, one audit entry."""
    if reader.kind != "patron" or reader.patron_ref is None:
        raise ValueError("Take my data is the patron's own read: a patron reader only.")
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        patron = Patron.objects.select_related("home_branch").filter(ref=reader.patron_ref).first()
        if patron is None:
            raise PatronNotFound()
        ruling = ask(
            reader=reader, purpose=None, fields=FIELDS, age=age_on(patron.birth_date, today)
        )
        categories = _collect(patron=patron, ruling=ruling, today=today)
        auditing.record(
            reader=reader,
            purpose=None,
            patron_ref=patron.ref,
            ruling=_audited(ruling),
            action=ACTION,
        )
    return Takeout(
        patron_ref=str(patron.ref),
        library=get_engine().profile(settings.CUSTODIAN_PROFILE).display_name,
        generated_at=now,
        outcome=ruling.outcome,
        clauses=tuple(ruling.clauses),
        explanation=ruling.explanation,
        categories=categories,
    )


def _audited(ruling: Ruling) -> Ruling:
    # The entry names every category asked: the contract's fields, then the others.
    return Ruling(
        requested=(*ruling.requested, *EXTRA_AUDIT_FIELDS),
        released=ruling.released,
        outcome=ruling.outcome,
        citations=ruling.citations,
    )


def _collect(*, patron: Patron, ruling: Ruling, today: dt.date) -> tuple[Category, ...]:
    released = set(ruling.released)
    unkept = not_kept_by_library(settings.CUSTODIAN_PROFILE)
    loans: list[dict] | None = None
    out = []
    for key, needs in CATEGORIES.items():
        if not released.issuperset(needs):
            out.append(Category(key, WITHHELD, None))
            continue
        if key in ("loans", "overdue", "lost"):
            # One query serves all three: overdue and lost are loans seen another way.
            loans = rows.loans(patron, today) if loans is None else loans
            data = rows.from_loans(key, loans)
        elif key == "reading_history":
            data = rows.reading_history(patron)
        else:
            data = rows.READERS[key](patron)
        # Not kept, and none there: said so. Rows that exist are the patron's to see, even
        # where the profile says the library keeps none (or the patron has opted out).
        not_kept = unkept.issuperset(needs) or (
            key == "reading_history" and not patron.keeps_reading_history
        )
        out.append(
            Category(key, NOT_KEPT, None)
            if not_kept and not data
            else Category(key, INCLUDED, data)
        )
    return tuple(out)
