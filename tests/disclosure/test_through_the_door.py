"""End to end with the real engine, the real door and the real audit log."""

import json

import pytest
from django.test import override_settings

from custodian.audit.models import AuditEntry
from custodian.audit.services import verify_log
from custodian.disclosure import rendering, services
from custodian.disclosure.models import DisclosureRequest
from custodian.disclosure.services import DisclosureError, Intake
from tests.disclosure.intakes import (
    law_enforcement,
    member_of_the_public,
    phone_caller_with_barcode,
    release_after_written_decision,
)
from tests.disclosure.library import CARD, TITLES, due_dates, make_library

pytestmark = pytest.mark.django_db


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_caller_through_the_door(staff):
    patron = make_library()
    before = AuditEntry.objects.count()
    screen = services.intake(user=staff["desk"], data=phone_caller_with_barcode())
    assert screen.say_now == [f"3 items, due {rendering.say_dates(due_dates())}"]
    assert not any(t in json.dumps(screen.say_now) for t in TITLES)
    assert str(screen.request.patron_ref) == str(patron.ref)
    assert CARD not in json.dumps(
        list(DisclosureRequest.objects.values_list("decision", "evidence", "requested"))
    )
    assert AuditEntry.objects.count() > before
    assert verify_log().ok


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_judge_warrant_package_through_the_door(staff):
    make_library()
    data = law_enforcement(
        "search_warrant",
        "judge",
        court="state",
        requested=["loans.titles", "registration.address"],
        officer_name="Det. Ruiz",
        officer_badge="311",
        officer_agency="",
        stated_purpose="",
    )
    case = services.intake(user=staff["desk"], data=data).case
    assert case.status == "approved"
    rel = release_after_written_decision(
        staff["director"],
        case,
        text="Comply as to titles only.",
        basis="Judge-signed state search warrant naming current loans (III.C.2.d.i).",
        handed_to="Det. Ruiz, badge 311",
    )
    doc = json.loads(rel.json.read())
    assert sorted(doc["records"]["loans.titles"]) == sorted(TITLES)
    assert "12 Orchard Lane" not in json.dumps(doc)
    assert verify_log().ok


def test_unknown_card_through_the_door(staff):
    make_library()
    with pytest.raises(DisclosureError, match="No patron has that card number"):
        services.intake(user=staff["desk"], data=member_of_the_public(card_number="999999"))
    assert DisclosureRequest.objects.count() == 0


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_guardian_age_read_through_the_door(staff):
    import datetime as dt

    from django.utils import timezone

    patron = make_library()
    today = timezone.localdate()
    patron.birth_date = dt.date(today.year - 15, 1, 1)
    patron.save()
    screen = services.intake(
        user=staff["desk"],
        data=Intake(
            requester_kind="guardian",
            channel="in_person",
            evidence=["card_number"],
            card_number=CARD,
            requested=["overdue.status", "loans.titles"],
        ),
    )
    assert screen.request.patron_age == 15
    assert screen.decision["release"] == ["overdue.status"]
    assert screen.say_now == ["Nothing on the account is overdue"]
