"""Writing the door's audit entries. One entry per door call, in the caller's transaction."""

from uuid import UUID

from custodian.audit.services import append_access
from custodian.door.readers import Reader
from custodian.door.ruling import Ruling


def audit_purpose(reader: Reader, purpose: str | None) -> str:
    # A patron reading their own record gives no purpose; the log still says why.
    if purpose:
        return purpose
    return "own_record" if reader.kind == "patron" else "none"


def record(
    *,
    reader: Reader,
    purpose: str | None,
    patron_ref: UUID | None,
    ruling: Ruling,
    action: str = "read",
) -> None:
    append_access(
        actor=reader.actor,
        role=reader.audit_role,
        purpose=audit_purpose(reader, purpose),
        patron_ref=str(patron_ref) if patron_ref is not None else None,
        fields=list(ruling.requested),
        outcome=ruling.outcome,
        clauses=ruling.clauses,
        action=action,
    )
