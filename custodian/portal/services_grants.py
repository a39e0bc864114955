"""Writes for "Who may ask about me": the patron's written grants, made and revoked online.

A grant made here is the patron's own written consent (Authorization.made_in_portal): the
patron typed the person's name, chose what they may be told and until when, and ticked a
statement saying so. The desk finds it when that person asks (door.grants.live_grant).
Audited with actor "patron" and the grant's id; never the agent's name, which is a third
person's personal data.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from custodian.audit.services import record_access
from custodian.circulation import services as circulation
from custodian.circulation.errors import AuthorizationAlreadyRevoked, CirculationError
from custodian.door import Reader
from custodian.door.grants import GRANTS_FIELD
from custodian.records.models import Authorization, Patron

# At most a year ahead: consent to be told about someone's reading should be renewed.
MAX_DAYS = 366
MAX_NAME = 200


@dataclass(frozen=True)
class Category:
    key: str
    label: object  # a lazy translation
    fields: tuple[str, ...]


# What a patron may let someone be told, in the patron's words, and the contract fields
# each covers (stored in Authorization.fields; the engine's authorization_scope).
CATEGORIES: tuple[Category, ...] = (
    Category(
        "loans",
        _("What I have checked out now, when it is due, and anything overdue or lost"),
        (
            "loans.count",
            "loans.due_dates",
            "loans.titles",
            "overdue.status",
            "overdue.count",
            "overdue.titles",
            "lost.titles",
        ),
    ),
    Category("holds", _("What I have on hold"), ("holds.count", "holds.titles")),
    Category(
        "charges",
        _("What I owe and the payments I made"),
        ("charges.amount", "charges.details", "payments.records"),
    ),
    Category(
        "history", _("My reading history (past checkouts, if I keep one)"), ("history.titles",)
    ),
    Category(
        "contact",
        _("My contact details: name, address, telephone and e-mail"),
        (
            "registration.status",
            "registration.name",
            "registration.address",
            "registration.phone",
            "registration.email",
        ),
    ),
    Category(
        "use",
        _("Programs, room bookings, computer use and interlibrary loans"),
        ("programs.records", "rooms.records", "computer.records", "ill.records"),
    ),
)
BY_KEY = {c.key: c for c in CATEGORIES}


class GrantError(Exception):
    """The grant was not made or changed; the message is fit to show the patron."""

    def __init__(self, message, field: str = ""):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


def categories_of(fields) -> list[Category]:
    """The categories a stored grant covers (a category counts when any of its fields is in)."""
    have = set(fields or ())
    return [c for c in CATEGORIES if have & set(c.fields)]


def _patron(reader: Reader) -> Patron:
    if reader.kind != "patron" or reader.patron_ref is None:
        raise PermissionError("only the signed-in patron grants access to their own record")
    return Patron.objects.get(ref=reader.patron_ref)


def _audit(*, patron: Patron, grant_id: int, action: str) -> None:
    record_access(
        actor="patron",
        role="patron",
        purpose="own_record",
        patron_ref=str(patron.ref),
        fields=[f"{GRANTS_FIELD}.{grant_id}"],
        outcome="applied",
        clauses=[],
        action=action,
    )


def make_grant(
    *,
    reader: Reader,
    agent_name: str,
    categories: list[str],
    expires_on: dt.date | None,
    confirmed: bool,
    today: dt.date | None = None,
) -> Authorization:
    """Record the patron's written grant to the person named. Raises GrantError (nothing
    changed) when the name, the parts, the date or the confirmation is missing or wrong."""
    today = today or timezone.localdate()
    name = " ".join((agent_name or "").split())
    if not name:
        raise GrantError(_("Enter the name of the person who may ask."), "agent_name")
    if len(name) > MAX_NAME:
        raise GrantError(_("That name is too long."), "agent_name")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        # A NUL cannot even be stored (PostgreSQL refuses it in text): say so, store nothing.
        raise GrantError(
            _("Type the name using letters, spaces and punctuation only."), "agent_name"
        )
    chosen = [k for k in dict.fromkeys(categories or ()) if k in BY_KEY]
    if not chosen or len(chosen) != len(set(categories or ())):
        raise GrantError(_("Choose at least one thing they may be told."), "categories")
    if expires_on is None:
        raise GrantError(_("Choose the last day they may ask."), "expires_on")
    if expires_on < today:
        raise GrantError(_("The last day cannot be in the past."), "expires_on")
    if expires_on > today + dt.timedelta(days=MAX_DAYS - 1):
        raise GrantError(_("Choose a last day within a year from today."), "expires_on")
    if not confirmed:
        raise GrantError(_("Tick the box to confirm that you give this permission."), "confirm")
    fields = [f for key in chosen for f in BY_KEY[key].fields]
    with transaction.atomic():
        patron = _patron(reader)
        try:
            row = circulation.record_authorization(
                patron=patron,
                agent_name=name,
                fields=fields,
                signed_on=today,
                expires_on=expires_on,
            )
        except CirculationError as exc:
            raise GrantError(exc.message) from None
        Authorization.objects.filter(pk=row.pk).update(made_in_portal=True)
        row.made_in_portal = True
        _audit(patron=patron, grant_id=row.pk, action="grant")
    return row


def revoke_grant(*, reader: Reader, grant_id: int, now: dt.datetime | None = None) -> None:
    """Revoke one of the patron's own grants (from now on the desk finds it no more)."""
    with transaction.atomic():
        patron = _patron(reader)
        row = Authorization.objects.filter(pk=grant_id, patron=patron).first()
        if row is None:
            # Someone else's grant and no grant at all read the same.
            raise GrantError(_("That permission was not found."))
        try:
            circulation.revoke_authorization(authorization=row, now=now)
        except AuthorizationAlreadyRevoked:
            raise GrantError(_("That permission was already withdrawn.")) from None
        _audit(patron=patron, grant_id=row.pk, action="grant_revoke")
