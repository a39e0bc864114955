"""The disclosure app's only ways out: the policy engine, the door and the audit log.

Everything the disclosure services need from other packages goes through these few
functions, so that (a) patron data is only ever read through the door and (b) tests can
replace the engine with a fake by monkeypatching one name here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings


class PatronNotFound(Exception):
    """No patron has the card number given at the desk."""


class LookupRefused(Exception):
    """The door refused this staff member a patron lookup."""


def decide(request: dict) -> dict:
    """Ask the policy engine (`custodian.policy.decide`)."""
    from custodian.policy import decide as engine_decide

    return engine_decide(request)


def request_error_types() -> tuple[type[BaseException], ...]:
    try:
        from custodian.policy import RequestError
    except ImportError:  # pragma: no cover - engine not installed
        return (ValueError,)
    return (RequestError, ValueError)


def officer_steps(profile: str) -> tuple[tuple[str, str, str], ...]:
    """The profile's checklist for officers' requests, as (code, clause, text); may be empty."""
    from custodian.policy import get_engine

    return get_engine().profile(profile).officer_steps


def scripts(profile: str):
    """The profile's words to say for each outcome and obligation (policy.scripts.Scripts)."""
    from custodian.policy import get_engine

    return get_engine().profile(profile).scripts


def profile_name() -> str:
    return settings.CUSTODIAN_PROFILE


def staff_reader(user):
    from custodian.door import Reader

    return Reader.staff(user)


def find_patron_ref(*, user, card_number: str) -> str:
    """Resolve a card number to the patron's opaque ref through the door (audited there)."""
    from custodian import door
    from custodian.door.errors import PatronNotFound as DoorNotFound
    from custodian.door.errors import Refused

    try:
        found = door.find_patron(reader=staff_reader(user), card_number=card_number)
    except DoorNotFound as exc:
        raise PatronNotFound(str(exc)) from exc
    except Refused as exc:
        raise LookupRefused(exc.message) from exc
    if found is None:
        raise PatronNotFound("No patron has that card number.")
    return str(found.ref)


def read_fields(
    *, user, patron_ref: str, fields: list[str], purpose: str = "library_business"
) -> Any:
    """Read exactly `fields` of one patron through the door (which audits the read)."""
    from custodian import door

    return door.read_patron(
        reader=staff_reader(user), patron_ref=str(patron_ref), purpose=purpose, fields=list(fields)
    )


def live_grant(*, user, patron_ref: str, agent_name: str, today=None):
    """The patron's live written authorisation naming `agent_name` (door.grants.Grant), or
    None. Read through the door, which audits it without the agent's name."""
    from custodian.door.grants import live_grant as door_live_grant

    return door_live_grant(
        reader=staff_reader(user), patron_ref=str(patron_ref), agent_name=agent_name, today=today
    )


def grant_still_live(*, grant_id: int, patron_ref) -> bool:
    """Whether the patron's grant found at intake is still in force (not withdrawn, not
    expired)."""
    from custodian.door.grants import still_live

    return still_live(grant_id=grant_id, patron_ref=patron_ref)


def read_package(*, user, patron_ref: str, fields: list[str], hand_over: bool = False) -> Any:
    """Whether this user may see a stored package of `fields` (the door rules and audits it)."""
    from custodian import door

    return door.read_package(
        reader=staff_reader(user),
        patron_ref=str(patron_ref),
        fields=list(fields),
        hand_over=hand_over,
    )


def audit(
    *, user, action: str, outcome: str, patron_ref=None, fields=(), clauses=(), purpose="disclosure"
):
    """Append one audit entry (opaque refs only: never names or card numbers)."""
    from custodian.audit.services import record_access

    actor = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    role = getattr(user, "role", "") or "anonymous"
    return record_access(
        actor=actor,
        role=role,
        purpose=purpose,
        patron_ref=str(patron_ref) if patron_ref else None,
        fields=list(fields),
        outcome=outcome,
        clauses=list(clauses),
        action=action,
    )


def _get(obj, name):
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)
