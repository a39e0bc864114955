"""The disclosure services with the real policy engine (and the fake door/audit log)."""

import datetime as dt

import pytest
from django.test import override_settings

from custodian.disclosure import selectors, services
from tests.disclosure.intakes import (
    board_review,
    emergency_release,
    fisa_order,
    member_of_the_public,
    officer,
    phone_caller_with_barcode,
    subpoena,
)

pytestmark = pytest.mark.django_db


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_sonoma_administrative_warrant(real_engine, staff, door):
    screen = services.intake(user=staff["desk"], data=officer())
    assert screen.decision["outcome"] == "refer" and screen.say_now == []
    codes = {i.code: i for i in screen.must_do}
    assert {
        "forward_to_director",
        "ask_response_address",
        "copy_documents",
        "record_officer_credentials",
        "incident_report",
    } <= set(codes)
    assert codes["copy_documents"].clause == "III.C.2.b" and codes["copy_documents"].read_aloud
    assert codes["forward_to_director"].clause == "III.C.2.d.ii"
    assert screen.case.assigned_role == "director" and len(screen.officer_steps) == 9
    assert door.reads == []


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_phone(real_engine, staff):
    screen = services.intake(user=staff["desk"], data=phone_caller_with_barcode())
    assert screen.say_now == ["3 items, due 4, 9 and 12 December"]


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_fisa_sealed_and_left_out_of_transparency(real_engine, staff):
    screen = services.intake(user=staff["desk"], data=fisa_order())
    assert screen.case.sealed
    services.intake(user=staff["desk"], data=officer())
    report = selectors.transparency(dt.date.today().year)
    assert report["total"] == "fewer than 10" and "fisa_order" not in report["by_document_type"]
    assert selectors.transparency_counts(dt.date.today().year)["total"] == 1
    assert "omit" in report["note"]
    services.unseal(user=staff["director"], case=screen.case, reason="Order lifted")
    year = dt.date.today().year
    assert selectors.transparency_counts(year)["by_document_type"].get("fisa_order") == 1
    assert selectors.transparency(year)["by_document_type"]["fisa_order"] == "fewer than 10"


@override_settings(CUSTODIAN_PROFILE="jackson-county")
def test_jackson_subpoena_board_then_release(real_engine, staff):
    case = services.intake(user=staff["desk"], data=subpoena()).case
    assert case.decision["refer_to"] == "director"
    # VIII ¶2: a review that has not conferred with the Board goes back to the Director.
    assert board_review(staff["director"], case, board_consulted=False).outcome == "refer"
    assert board_review(staff["director"], case, board_consulted=True).outcome == "partial_release"
    rel = services.release(user=staff["designee"], case=case, handed_to="Deputy Jones")
    assert rel.fields == ["loans.titles"]


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_emergency(real_engine, staff):
    case, rel = emergency_release(staff, handed_to="Sgt. Lee")
    assert rel.emergency and case.counsel_review.recorded_at is None


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_public_referred_to_branch_manager(real_engine, staff):
    screen = services.intake(user=staff["desk"], data=member_of_the_public())
    assert screen.case.assigned_role == "branch_manager"
    assert screen.must_do[0].code == "explain_policy" and screen.must_do[0].clause == "III.C.1"
