"""Reads for "Who may ask about me" and the guardian's pages.

The patron's own grants and the responsible parties on their record are the patron's own
data: each page read is one audit entry (actor "patron", the patron's ref, no names).
A guardian's view of a child goes through the door (door.guardians), which asks the engine.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodian.audit.services import append_access
from custodian.door import Reader
from custodian.door.grants import GRANTS_FIELD, Grant, as_grant
from custodian.policy import decide
from custodian.records.models import Authorization, ResponsibleParty

PARTIES_FIELD = "responsible_parties.records"


@dataclass(frozen=True, slots=True)
class Guardian:
    """A parent, guardian or caretaker on the patron's record."""

    name: str
    relationship: str
    has_card: bool
    financially_responsible: bool


@dataclass(frozen=True)
class WhoMayAsk:
    current: tuple[Grant, ...]
    past: tuple[Grant, ...]
    guardians: tuple[Guardian, ...]


def has_linked_children(*, patron_ref) -> bool:
    """Whether this card is linked, as a guardian's, to any child's record (for the menu)."""
    return ResponsibleParty.objects.filter(guardian_patron__ref=patron_ref).exists()


def who_may_ask(*, reader: Reader) -> WhoMayAsk:
    """The patron's grants (live ones first, then ended ones) and the guardians on file."""
    if reader.kind != "patron" or reader.patron_ref is None:
        raise PermissionError("a patron reads only their own grants")
    today = timezone.localdate()
    with transaction.atomic():
        grants = [
            as_grant(row)
            for row in Authorization.objects.filter(patron__ref=reader.patron_ref).order_by(
                "-signed_on", "-pk"
            )
        ]
        guardians = tuple(
            Guardian(
                name=p.name,
                relationship=p.relationship,
                has_card=p.guardian_patron_id is not None,
                financially_responsible=p.financially_responsible,
            )
            for p in ResponsibleParty.objects.filter(patron__ref=reader.patron_ref).order_by("pk")
        )
        append_access(
            actor="patron",
            role="patron",
            purpose="own_record",
            patron_ref=str(reader.patron_ref),
            fields=[GRANTS_FIELD, PARTIES_FIELD],
            outcome="release",
            clauses=[],
            action="read",
        )
    return WhoMayAsk(
        current=tuple(g for g in grants if g.live_on(today) or g.signed_on > today),
        past=tuple(g for g in grants if not (g.live_on(today) or g.signed_on > today)),
        guardians=guardians,
    )


def desk_answer_for_a_grant() -> str:
    """What this library's policy does when someone the patron authorised asks at the desk
    with photo ID: "release" (the desk answers), "refer" (the Director decides), or "deny".
    Asked of the engine with no patron data, so nothing to audit."""
    decision = decide(
        {
            "profile": settings.CUSTODIAN_PROFILE,
            "requester": {"kind": "authorized_agent", "authorization_scope": ["loans.titles"]},
            "channel": "in_person",
            "evidence": ["written_authorization", "photo_id"],
            "purpose": None,
            "instrument": None,
            "review": None,
            "requested": ["loans.titles"],
        }
    )
    return decision["outcome"] if decision["outcome"] in ("refer", "deny") else "release"
