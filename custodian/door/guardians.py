"""A guardian, signed in to the portal with their own card, reading a linked child's record.

The engine is asked as it would be at the desk: requester `guardian` (financially
responsible when they signed for the card), the channel and proof of the guardian's own
sign-in, and the child's age. The link stands in for the child's card or card number the
policies ask a guardian to give: the desk checked the guardian's photo ID and the
relationship before linking (custodian/circulation/guardians.py), which is at least what
handing over the child's card shows. So the proof given to the engine is the guardian's
sign-in (card number and PIN), and each profile's guardian rule does the rest: what it
withholds for the child's age band stays withheld here too.
"""

from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodian.audit.services import append_access
from custodian.door.errors import PatronNotFound
from custodian.door.fields import render, standing
from custodian.door.patron_view import PatronView
from custodian.door.readers import Reader
from custodian.door.ruling import Ruling, age_on, from_decision, requested_fields
from custodian.policy import decide
from custodian.records.models import Patron, ResponsibleParty

# The only other purpose a guardian's rule may name: Jensen Regulation 3 lets a parent be
# told what is needed to recover overdue materials and settle charges, and nothing else.
RECOVERY = "overdue_recovery"
AUDIT_ROLE = "guardian"


@dataclass(frozen=True, slots=True)
class Ward:
    """A child linked to the signed-in guardian: the opaque ref, the child's first name (the
    guardian gave it when linking), and how they are related."""

    ref: UUID
    first_name: str
    relationship: str
    financially_responsible: bool


def _guardian_ref(reader: Reader) -> UUID:
    if reader.kind != "patron" or reader.patron_ref is None:
        raise PermissionError("only a signed-in patron reads as a guardian")
    return reader.patron_ref


def wards(*, reader: Reader) -> tuple[Ward, ...]:
    """The children linked to the signed-in guardian's card. One audit entry per child
    (the child's first name is read to tell the guardian which child is which)."""
    me = _guardian_ref(reader)
    with transaction.atomic():
        # First names are sealed at rest (docs/encryption.md): sorted here, not in SQL.
        rows = sorted(
            ResponsibleParty.objects.filter(guardian_patron__ref=me).select_related("patron"),
            key=lambda r: (r.patron.first_name.casefold(), r.pk),
        )
        found = tuple(
            Ward(
                ref=r.patron.ref,
                first_name=r.patron.first_name,
                relationship=r.relationship,
                financially_responsible=r.financially_responsible,
            )
            for r in rows
        )
        for ward in found:
            append_access(
                actor=reader.actor,
                role=AUDIT_ROLE,
                purpose="guardian_link",
                patron_ref=str(ward.ref),
                fields=["registration.name"],
                outcome="release",
                clauses=[],
                action="lookup",
            )
    return found


def _request(*, reader: Reader, party, fields, age, purpose) -> dict:
    request = {
        "profile": settings.CUSTODIAN_PROFILE,
        "requester": {"kind": "guardian"},
        "channel": "in_person" if "library_card" in reader.evidence else "online",
        "evidence": [e for e in reader.evidence if e != "library_card"] or ["card_number"],
        "purpose": purpose,
        "requested": list(fields),
    }
    if party.financially_responsible:
        request["requester"]["financially_responsible"] = True
    if age is not None:
        request["patron"] = {"age": age}
    return request


def _ruling(fields: tuple[str, ...], decision: dict) -> Ruling:
    return from_decision(fields, decision)


def read_ward(*, reader: Reader, child_ref, fields) -> tuple[PatronView, str | None]:
    """Read `fields` of a linked child's record as their guardian: (view, purpose used).

    Asked first with no purpose; when the policy releases nothing that way, asked again for
    overdue recovery (Jensen's only ground for a parent). The pure engine is asked twice at
    most; the one read made is audited once, with the purpose it was made for.
    An unlinked or unknown child raises PatronNotFound (audited as a refusal when the ref
    is a patron's, so probing refs leaves a trace).
    """
    me = _guardian_ref(reader)
    fields = requested_fields(fields)
    try:
        ref = UUID(str(child_ref))
    except ValueError:
        raise PatronNotFound() from None
    today = timezone.localdate()
    with transaction.atomic():
        party = (
            ResponsibleParty.objects.filter(patron__ref=ref, guardian_patron__ref=me)
            .select_related("patron")
            .first()
        )
        if party is None:
            if Patron.objects.filter(ref=ref).exists():
                append_access(
                    actor=reader.actor,
                    role=AUDIT_ROLE,
                    purpose="none",
                    patron_ref=str(ref),
                    fields=list(fields),
                    outcome="deny",
                    clauses=[],
                    action="read",
                )
        else:
            child = party.patron
            age = age_on(child.birth_date, today)
            purpose = None
            ruling = _ruling(
                fields,
                decide(_request(reader=reader, party=party, fields=fields, age=age, purpose=None)),
            )
            if not ruling.released:
                again = _ruling(
                    fields,
                    decide(
                        _request(
                            reader=reader, party=party, fields=fields, age=age, purpose=RECOVERY
                        )
                    ),
                )
                if again.released:
                    ruling, purpose = again, RECOVERY
            values = render(patron=child, released=ruling.released, today=today)
            append_access(
                actor=reader.actor,
                role=AUDIT_ROLE,
                purpose=purpose or "guardian",
                patron_ref=str(ref),
                fields=list(ruling.requested),
                outcome=ruling.outcome,
                clauses=ruling.clauses,
                action="read",
            )
    if party is None:
        raise PatronNotFound()
    view = PatronView.build(
        patron_ref=ref,
        ruling=ruling,
        values=values,
        today=today,
        standing=standing(patron=child, today=today),
    )
    return view, purpose
