"""The patron's written authorisations, as the desk sees them when the named person asks.

A grant is part of the patron's record (who they trust, and with what), so finding one is
a read: asked by staff taking a disclosure request, audited against the patron's ref, and
never with the agent's name in the entry (that name is a third person's personal data).
"""

import datetime as dt
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from custodian.audit.services import append_access
from custodian.door.errors import PatronNotFound
from custodian.door.readers import Reader
from custodian.records.models import Authorization

# The audit log's name for "the patron's written authorisations" (not a contract field:
# the contract asks about the record's contents, this is who may ask about them).
GRANTS_FIELD = "authorizations.records"


@dataclass(frozen=True, slots=True)
class Grant:
    """One written authorisation: what it covers and for how long."""

    id: int
    agent_name: str
    fields: tuple[str, ...]
    signed_on: dt.date
    expires_on: dt.date | None
    made_in_portal: bool
    revoked_at: dt.datetime | None = None

    def live_on(self, day: dt.date) -> bool:
        return (
            self.revoked_at is None
            and self.signed_on <= day
            and (self.expires_on is None or day <= self.expires_on)
        )

    def as_dict(self) -> dict:
        """The snapshot a disclosure request keeps (the engine's scope, the page's words)."""
        return {
            "id": self.id,
            "fields": list(self.fields),
            "signed_on": self.signed_on.isoformat(),
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "made_in_portal": self.made_in_portal,
        }


def same_person(a: str, b: str) -> bool:
    """Names match ignoring case and spacing ("Ada  lovelace" is "Ada Lovelace")."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def as_grant(row: Authorization) -> Grant:
    return Grant(
        id=row.pk,
        agent_name=row.agent_name,
        fields=tuple(row.fields or ()),
        signed_on=row.signed_on,
        expires_on=row.expires_on,
        made_in_portal=row.made_in_portal,
        revoked_at=row.revoked_at,
    )


def live_grant(*, reader: Reader, patron_ref, agent_name: str, today=None) -> Grant | None:
    """The patron's newest live grant to the person named `agent_name`, or None.

    Revoked, expired or not-yet-signed grants never match. Audited as a read of the
    patron's authorisations for the disclosure in hand (the outcome says whether one
    was found; the grant id is not personal data, the agent's name is, so it stays out).
    """
    if reader.kind != "staff":
        raise PermissionError("only staff taking a request look up a patron's grants")
    try:
        ref = UUID(str(patron_ref))
    except ValueError:
        raise PatronNotFound() from None
    today = today or timezone.localdate()
    with transaction.atomic():
        rows = Authorization.objects.filter(patron__ref=ref).order_by("-signed_on", "-pk")
        found = next(
            (
                g
                for g in map(as_grant, rows)
                if g.live_on(today) and same_person(g.agent_name, agent_name)
            ),
            None,
        )
        append_access(
            actor=reader.actor,
            role=reader.audit_role,
            purpose="disclosure",
            patron_ref=str(ref),
            fields=[GRANTS_FIELD if found is None else f"{GRANTS_FIELD}.{found.id}"],
            outcome="release" if found else "none",
            clauses=[],
            action="grant_lookup",
        )
    return found


def still_live(*, grant_id: int, patron_ref, today=None) -> bool:
    """Whether a grant found when a request was taken is still in force now: a review or a
    release decided later must not rest on a permission the patron has since withdrawn or
    that has run out. Reads only the grant's dates (the review that asks is audited)."""
    today = today or timezone.localdate()
    row = Authorization.objects.filter(pk=grant_id, patron__ref=patron_ref).first()
    return row is not None and as_grant(row).live_on(today)
