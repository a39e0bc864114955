"""Intakes the disclosure tests share, and the steps several of them take after one."""

import pytest

from custodian.disclosure import services
from custodian.disclosure.services import DisclosureError, Intake
from tests.disclosure.conftest import CARD


def officer(**kw) -> Intake:
    """An immigration officer at the desk with an agency-signed (administrative) warrant."""
    base = dict(
        requester_kind="immigration",
        channel="in_person",
        requested=["registration.address", "loans.titles"],
        officer_name="J. Smith",
        officer_badge="4471",
        officer_agency="ICE",
        evidence=["officer_credentials"],
        card_number=CARD,
        instrument_type="administrative_warrant",
        instrument_signed_by="agency_officer",
        instrument_scope=["registration.address"],
        stated_purpose="locate a person",
    )
    base.update(kw)
    return Intake(**base)


def law_enforcement(instrument_type, signed_by, *, court="", scope=("loans.titles",), **kw):
    """`officer`, but a police officer with a document of this type, signer, court and scope."""
    return officer(
        requester_kind="law_enforcement",
        instrument_type=instrument_type,
        instrument_signed_by=signed_by,
        instrument_court=court,
        instrument_scope=list(scope),
        **kw,
    )


def fisa_order(**kw) -> Intake:
    """A FISA order for loan titles: the case is sealed."""
    return law_enforcement("fisa_order", "judge", court="fisa", requested=["loans.titles"], **kw)


def subpoena(**kw) -> Intake:
    """A clerk-signed state subpoena for loan titles."""
    return law_enforcement("subpoena", "clerk", court="state", **kw)


def emergency_call(**kw) -> Intake:
    """The police on the phone, claiming an emergency, asking for the patron's address."""
    return Intake(
        requester_kind="law_enforcement",
        channel="phone",
        purpose="emergency",
        card_number=CARD,
        requested=["registration.address"],
        **kw,
    )


def member_of_the_public(card_number=CARD, **kw) -> Intake:
    """Someone other than the patron, in person, asking what the patron has borrowed."""
    return Intake(
        requester_kind="public",
        channel="in_person",
        card_number=card_number,
        requested=["loans.titles"],
        **kw,
    )


def phone_caller_with_barcode() -> Intake:
    """The patron on the phone giving the full barcode, asking what is checked out."""
    return Intake(
        requester_kind="patron",
        channel="phone",
        evidence=["card_number"],
        card_number=CARD,
        requested=["loans.count", "loans.due_dates", "loans.titles"],
    )


def board_review(director, case, *, board_consulted):
    """The Director's review of a valid document, counsel consulted, the board or not."""
    return services.review(
        user=director,
        case=case,
        instrument_valid=True,
        counsel_consulted=True,
        board_consulted=board_consulted,
    )


def emergency_release(staff, *, handed_to="Sgt. Lee", now=None, **kw):
    """Take `emergency_call(**kw)`; the Director confirms the emergency and releases at once.

    Returns the case and the release.
    """
    case = services.intake(user=staff["desk"], data=emergency_call(**kw)).case
    services.review(
        user=staff["director"], case=case, instrument_valid=None, emergency_confirmed=True
    )
    return case, services.release(user=staff["director"], case=case, handed_to=handed_to, now=now)


def release_after_written_decision(director, case, *, text, basis, handed_to):
    """No release before the written decision; the Director writes it (to disclose), then releases."""
    with pytest.raises(DisclosureError, match="written decision"):
        services.release(user=director, case=case, handed_to=handed_to)
    services.write_decision(user=director, case=case, disclose=True, text=text, basis=basis)
    return services.release(user=director, case=case, handed_to=handed_to)
