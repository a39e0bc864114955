"""End to end with the real engine, the real door and the real audit log."""

import json

import pytest
from django.test import override_settings

from custodian.audit.models import AuditEntry
from custodian.audit.services import verify_log
from custodian.disclosure import rendering, services
from custodian.disclosure.models import DisclosureRequest
from custodian.disclosure.services import DisclosureError, Intake
from tests.disclosure.library import CARD, TITLES, due_dates, make_library

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(django_user_model):
    return {
        r: django_user_model.objects.create_user(username=f"{r}-u", password=None, role=r)
        for r in ("desk", "branch_manager", "director", "designee", "it_admin")
    }


@override_settings(CUSTODIAN_PROFILE="westchester")
def test_westchester_caller_through_the_door(users):
    patron = make_library()
    before = AuditEntry.objects.count()
    screen = services.intake(
        user=users["desk"],
        data=Intake(
            requester_kind="patron",
            channel="phone",
            evidence=["card_number"],
            card_number=CARD,
            requested=["loans.count", "loans.due_dates", "loans.titles"],
        ),
    )
    assert screen.say_now == [f"3 items, due {rendering.say_dates(due_dates())}"]
    assert not any(t in json.dumps(screen.say_now) for t in TITLES)
    assert str(screen.request.patron_ref) == str(patron.ref)
    assert CARD not in json.dumps(
        list(DisclosureRequest.objects.values_list("decision", "evidence", "requested"))
    )
    assert AuditEntry.objects.count() > before
    assert verify_log().ok


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_judge_warrant_package_through_the_door(users):
    make_library()
    case = services.intake(
        user=users["desk"],
        data=Intake(
            requester_kind="law_enforcement",
            channel="in_person",
            evidence=["officer_credentials"],
            card_number=CARD,
            officer_name="Det. Ruiz",
            officer_badge="311",
            instrument_type="search_warrant",
            instrument_signed_by="judge",
            instrument_court="state",
            instrument_scope=["loans.titles"],
            requested=["loans.titles", "registration.address"],
        ),
    ).case
    assert case.status == "approved"
    with pytest.raises(DisclosureError, match="written decision"):
        services.release(user=users["director"], case=case, handed_to="Det. Ruiz")
    services.write_decision(
        user=users["director"],
        case=case,
        disclose=True,
        text="Comply as to titles only.",
        basis="Judge-signed state search warrant naming current loans (III.C.2.d.i).",
    )
    rel = services.release(user=users["director"], case=case, handed_to="Det. Ruiz, badge 311")
    doc = json.loads(rel.json.read())
    assert sorted(doc["records"]["loans.titles"]) == sorted(TITLES)
    assert "12 Orchard Lane" not in json.dumps(doc)
    assert verify_log().ok


def test_unknown_card_through_the_door(users):
    make_library()
    with pytest.raises(DisclosureError, match="No patron has that card number"):
        services.intake(
            user=users["desk"],
            data=Intake(
                requester_kind="public",
                channel="in_person",
                card_number="999999",
                requested=["loans.titles"],
            ),
        )
    assert DisclosureRequest.objects.count() == 0


@override_settings(CUSTODIAN_PROFILE="sonoma-county")
def test_guardian_age_read_through_the_door(users):
    import datetime as dt

    from django.utils import timezone

    patron = make_library()
    today = timezone.localdate()
    patron.birth_date = dt.date(today.year - 15, 1, 1)
    patron.save()
    screen = services.intake(
        user=users["desk"],
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
