"""Linking a guardian's own library card to a child's record, and undoing it.

The desk links only after checking, in person, the guardian's photo ID against their own
card and the relationship to the child (birth certificate, court order, or the guardian
named when the child's card was issued). The link then stands in for the child's card in
the portal: the guardian sees what the profile allows a guardian for the child's age band.
"""

import datetime as dt

from django.db import transaction

from custodian.audit.services import record_access
from custodian.circulation._common import lock
from custodian.circulation.errors import InvalidRecord
from custodian.records.models import Patron, ResponsibleParty
from custodian.records.selectors import patron_by_card


def link_guardian(
    *,
    child: Patron,
    guardian_patron: Patron,
    relationship: str,
    financially_responsible: bool = False,
    signed_on: dt.date | None = None,
    actor: str = "system",
    actor_role: str = "system",
) -> ResponsibleParty:
    """Record `guardian_patron` (their own card) as responsible for `child`. Audited.

    When the child's record already names a responsible party with the guardian's name
    and no card, that row is linked rather than a second one added.
    """
    if child.pk == guardian_patron.pk:
        raise InvalidRecord("A patron cannot be their own guardian.")
    if relationship not in ResponsibleParty.Relationship.values:
        raise InvalidRecord("Choose the relationship: parent, guardian, caretaker or other.")
    if financially_responsible and signed_on is None:
        raise InvalidRecord("Financial responsibility needs the date it was signed.")
    name = f"{guardian_patron.first_name} {guardian_patron.last_name}".strip()
    with transaction.atomic():
        lock(Patron, child.pk)
        parties = ResponsibleParty.objects.filter(patron=child)
        if parties.filter(guardian_patron=guardian_patron).exists():
            raise InvalidRecord("That card is already linked to this patron.")
        party = next(
            (
                p
                for p in parties.filter(guardian_patron__isnull=True).order_by("pk")
                if _same_name(p.name, name)
            ),
            None,
        )
        if party is None:
            party = ResponsibleParty(patron=child, name=name)
        party.guardian_patron = guardian_patron
        party.relationship = relationship
        party.financially_responsible = financially_responsible or party.financially_responsible
        party.signed_on = signed_on or party.signed_on
        party.save()
        _audit(child=child, guardian=guardian_patron, actor=actor, role=actor_role, what="link")
    return party


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def unlink_guardian(
    *, party: ResponsibleParty, actor: str = "system", actor_role: str = "system"
) -> None:
    """Remove the card link (the responsible party stays on the child's record). Audited."""
    with transaction.atomic():
        current = lock(ResponsibleParty, party.pk)
        guardian = current.guardian_patron
        if guardian is None:
            raise InvalidRecord("No card is linked to this responsible party.")
        current.guardian_patron = None
        current.save(update_fields=["guardian_patron"])
        _audit(child=current.patron, guardian=guardian, actor=actor, role=actor_role, what="unlink")
    party.guardian_patron = None


def _audit(*, child: Patron, guardian: Patron, actor: str, role: str, what: str) -> None:
    # Opaque refs only: the guardian's ref in the field name, never a name or card number.
    record_access(
        actor=actor,
        role=role,
        purpose="guardian_link",
        patron_ref=str(child.ref),
        fields=[f"responsible_party.guardian_patron.{guardian.ref.hex}"],
        outcome="applied",
        clauses=[],
        action=f"guardian_{what}",
    )


def link_guardian_by_cards(
    *,
    child_card: str,
    guardian_card: str,
    relationship: str,
    financially_responsible: bool = False,
    signed_on: dt.date | None = None,
    actor: str = "cli",
    actor_role: str = "system",
) -> ResponsibleParty:
    """`link_guardian` for the command line, which knows the two cards by number only."""
    child = patron_by_card(child_card)
    if child is None:
        raise InvalidRecord("No patron has the child's card number. Check it and try again.")
    guardian = patron_by_card(guardian_card)
    if guardian is None:
        raise InvalidRecord("No patron has the guardian's card number. Check it and try again.")
    return link_guardian(
        child=child,
        guardian_patron=guardian,
        relationship=relationship,
        financially_responsible=financially_responsible,
        signed_on=signed_on,
        actor=actor,
        actor_role=actor_role,
    )
