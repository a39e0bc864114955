"""The patron's language: read once per session, stored when they choose one.

Both go through the audit log with actor "patron" (the patron's own record, their own
choice); the entry names the field, never a name or a card number.
"""

from django.db import transaction

from custodian.audit.services import record_access
from custodian.i18n import LANGUAGE_CODES
from custodian.records.models import Patron

FIELD = "preferred_language"


def preferred_language(*, patron_ref) -> str:
    """The patron's stored language ("" if they never chose one, or no such patron)."""
    with transaction.atomic():
        value = Patron.objects.filter(ref=patron_ref).values_list(FIELD, flat=True).first()
        if value is None:
            return ""
        record_access(
            actor="patron",
            role="patron",
            purpose="own_record",
            patron_ref=str(patron_ref),
            fields=[FIELD],
            outcome="allowed",
            clauses=[],
        )
    return value if value in LANGUAGE_CODES else ""


def set_preferred_language(*, patron_ref, language: str) -> None:
    """Store the patron's choice of language ("" clears it: the browser's is used)."""
    if language not in (*LANGUAGE_CODES, ""):
        raise ValueError(f"language must be one of {', '.join(LANGUAGE_CODES)}")
    with transaction.atomic():
        changed = Patron.objects.filter(ref=patron_ref).update(preferred_language=language)
        if not changed:
            raise ValueError("no such patron")
        record_access(
            actor="patron",
            role="patron",
            purpose="own_record",
            patron_ref=str(patron_ref),
            fields=[FIELD],
            outcome="applied",
            clauses=[],
            action="portal_preference",
        )
