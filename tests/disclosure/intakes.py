"""Intakes the disclosure tests share."""

from custodian.disclosure.services import Intake
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


def phone_caller_with_barcode() -> Intake:
    """The patron on the phone giving the full barcode, asking what is checked out."""
    return Intake(
        requester_kind="patron",
        channel="phone",
        evidence=["card_number"],
        card_number=CARD,
        requested=["loans.count", "loans.due_dates", "loans.titles"],
    )
