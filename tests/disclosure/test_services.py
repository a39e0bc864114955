"""The disclosure services end to end, with a fake engine and door (see fakes.py)."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from custodian.disclosure import services
from custodian.disclosure.models import (
    Case,
    CaseEvent,
    ChecklistItem,
    CounselReview,
    DisclosureRequest,
    Release,
)
from custodian.disclosure.services import DisclosureError, Forbidden, NotFound
from tests.disclosure.conftest import CARD
from tests.disclosure.intakes import (
    board_review,
    emergency_release,
    fisa_order,
    law_enforcement,
    member_of_the_public,
    officer,
    phone_caller_with_barcode,
    release_after_written_decision,
    subpoena,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_westchester_caller_is_told_counts_and_due_dates_only(door, staff, audit_log):
    with override_settings(CUSTODIAN_PROFILE="westchester"):
        screen = services.intake(user=staff["desk"], data=phone_caller_with_barcode())
    assert screen.say_now == ["3 items, due 4, 9 and 12 December"]
    assert "Secret" not in json.dumps(screen.say_now)
    # Only the released fields were read through the door.
    assert door.reads[-1][2] == ("loans.count", "loans.due_dates")
    req = screen.request
    assert req.profile == "westchester" and req.outcome == "partial_release"
    assert screen.case is None
    # The card number is never stored; only the opaque ref.
    assert CARD not in json.dumps(
        [str(v) for v in DisclosureRequest.objects.values().get().values()]
    )
    assert str(req.patron_ref) == door.ref
    assert audit_log[-1]["action"] == "disclosure.intake"


def test_sonoma_administrative_warrant_is_referred_nothing_told(door, staff):
    scan = SimpleUploadedFile("warrant.pdf", PDF, content_type="application/pdf")
    screen = services.intake(user=staff["desk"], data=officer(), scan=scan)
    assert screen.say_now == []
    assert screen.decision["outcome"] == "refer"
    assert "Director" in screen.referral
    case = screen.case
    assert case.kind == "referral" and case.assigned_role == "director" and not case.sealed
    codes = [i.code for i in screen.must_do]
    assert "forward_to_director" in codes and "record_officer_credentials" in codes
    assert [s.code for s in screen.officer_steps] == list("abcdefghi")
    assert "4471" in screen.officer_steps[0].note
    assert screen.request.scan_content_type == "application/pdf"
    assert door.reads == []  # nothing read at all
    report = services.incident_report(case)
    assert report["request"].officer_badge == "4471"
    from custodian.disclosure import pdf

    assert pdf.incident_pdf(report).startswith(b"%PDF")


def test_unknown_card_number_changes_nothing(door, staff, audit_log):
    with pytest.raises(DisclosureError) as err:
        services.intake(user=staff["desk"], data=officer(card_number="999"))
    assert "No patron has that card number" in err.value.message
    assert DisclosureRequest.objects.count() == 0 and Case.objects.count() == 0


@pytest.mark.parametrize(
    "content,message",
    [
        (b"MZ\x90\x00 not a document", "must be a PDF or an image"),
        (b"", "empty"),
    ],
)
def test_bad_scans_are_refused(door, staff, content, message):
    scan = SimpleUploadedFile("x.pdf", content, content_type="application/pdf")
    with pytest.raises(DisclosureError, match=message):
        services.intake(user=staff["desk"], data=officer(), scan=scan)
    assert DisclosureRequest.objects.count() == 0


@override_settings(CUSTODIAN_DISCLOSURE_MAX_SCAN_BYTES=1024)
def test_oversized_scan_is_refused(door, staff):
    scan = SimpleUploadedFile("x.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    with pytest.raises(DisclosureError, match="too large"):
        services.intake(user=staff["desk"], data=officer(), scan=scan)
    assert DisclosureRequest.objects.count() == 0


def test_image_scans_are_accepted(door, staff):
    scan = SimpleUploadedFile(
        "x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, content_type="image/png"
    )
    screen = services.intake(user=staff["desk"], data=officer(), scan=scan)
    assert screen.request.scan_content_type == "image/png"


def test_judge_signed_warrant_released_only_within_its_face(door, staff):
    data = law_enforcement(
        "search_warrant",
        "judge",
        court="state",
        requested=["loans.titles", "registration.address"],
        instrument_date_from=dt.date(2026, 1, 1),
        instrument_date_to=dt.date(2026, 12, 31),
    )
    screen = services.intake(user=staff["desk"], data=data)
    case = screen.case
    assert screen.decision["release"] == ["loans.titles"]
    assert case.status == "approved" and case.kind == "follow_up"
    with pytest.raises(DisclosureError, match="outside the document's face"):
        services.release(
            user=staff["director"],
            case=case,
            handed_to="Det. Smith",
            fields=["loans.titles", "registration.address"],
        )
    rel = services.release(user=staff["director"], case=case, handed_to="Det. Smith, badge 4471")
    assert rel.fields == ["loans.titles"]
    doc = json.loads(rel.json.read())
    assert set(doc["records"]) == {"loans.titles"}
    assert "1 Main St" not in json.dumps(doc)
    assert rel.pdf.read().startswith(b"%PDF")
    case.refresh_from_db()
    assert case.status == "released" and case.closed_at is not None
    assert case.events.filter(kind="released").exists()


def test_custody_document_gives_no_information_and_records_visit(door, staff):
    screen = services.intake(
        user=staff["desk"], data=law_enforcement("arrest_warrant", "judge", scope=[])
    )
    assert screen.custody and "give no information" in screen.headline
    assert screen.say_now == []
    assert screen.case.kind == "custody"
    assert screen.case.events.filter(kind="custody_visit").exists()


def test_fisa_order_is_sealed_from_desk_and_manager(door, staff, audit_log):
    screen = services.intake(user=staff["desk"], data=fisa_order())
    case = screen.case
    assert case.sealed and screen.sealed and case.assigned_role == "director"
    assert "tell no one" in screen.headline.lower()
    for who in ("desk", "branch_manager", "auditor"):
        with pytest.raises(NotFound):
            services.get_case(staff[who], case.ref)
        assert audit_log[-1]["outcome"] == "refused"
        assert case not in services_selectors_cases(staff[who])
    assert services.get_case(staff["designee"], case.ref) == case
    assert audit_log[-1]["outcome"] == "allowed"
    with pytest.raises(Forbidden):
        services.unseal(user=staff["designee"], case=case, reason="order lifted")
    with pytest.raises(DisclosureError):
        services.unseal(user=staff["director"], case=case, reason="")
    services.unseal(user=staff["director"], case=case, reason="Order lifted by the court")
    case.refresh_from_db()
    assert not case.sealed and case.unsealed_by == staff["director"]
    assert audit_log[-1]["action"] == "disclosure.unseal"
    assert services.get_case(staff["branch_manager"], case.ref) == case


def services_selectors_cases(user):
    from custodian.disclosure import selectors

    return list(selectors.cases_for(user))


def test_desk_cannot_record_reviews(door, staff, audit_log):
    case = services.intake(user=staff["desk"], data=officer()).case
    with pytest.raises(Forbidden):
        services.review(user=staff["desk"], case=case, instrument_valid=True)
    assert audit_log[-1] == {**audit_log[-1], "action": "disclosure.review", "outcome": "refused"}
    with pytest.raises(Forbidden):
        services.review(
            user=staff["branch_manager"], case=case, instrument_valid=True
        )  # a director's case
    assert not case.reviews.exists()


def test_jackson_subpoena_through_director_and_board_to_scoped_package(door, staff):
    with override_settings(CUSTODIAN_PROFILE="jackson-county"):
        data = subpoena(
            requested=["loans.titles", "registration.address"],
            instrument_date_from=dt.date(2026, 1, 1),
        )
        case = services.intake(user=staff["desk"], data=data).case
        assert case.request.profile == "jackson-county"
        r1 = board_review(staff["director"], case, board_consulted=False)
        assert r1.outcome == "deny"
        case.refresh_from_db()
        assert case.status == "declined"
    with override_settings(CUSTODIAN_PROFILE="jackson-county"):
        r2 = board_review(staff["director"], case, board_consulted=True)
    assert r2.outcome == "partial_release" and case.status == "approved"
    rel = release_after_written_decision(
        staff["director"],
        case,
        text="Heed the subpoena as to titles.",
        basis="Counsel found the subpoena proper; the board concurred on 20 November.",
        handed_to="County attorney",
    )
    assert rel.fields == ["loans.titles"] and rel.date_from == dt.date(2026, 1, 1)
    assert case.events.filter(kind="written_decision").exists()


def test_public_referral_reaches_branch_manager(door, staff):
    screen = services.intake(
        user=staff["desk"], data=member_of_the_public(requester_name="A spouse")
    )
    case = screen.case
    assert case.assigned_role == "branch_manager" and "branch manager" in screen.referral
    from custodian.disclosure import selectors

    assert case in selectors.cases_for(staff["branch_manager"])
    rv = services.review(
        user=staff["branch_manager"], case=case, instrument_valid=None, notes="Explained policy"
    )
    assert rv.by_role == "branch_manager"


def test_westchester_emergency_then_counsel_review(door, staff):
    with override_settings(CUSTODIAN_PROFILE="westchester"):
        now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
        case, rel = emergency_release(
            staff, handed_to="Sgt. Lee", now=now, officer_name="Sgt. Lee", officer_badge="9"
        )
        assert case.assigned_role == "director"
    assert rel.emergency
    cr = CounselReview.objects.get(case=case)
    assert cr.due_by == now + dt.timedelta(days=3)
    from custodian.disclosure import selectors

    later = now + dt.timedelta(days=5)
    items = selectors.reminders(staff["director"], now=later)
    assert any(r["kind"] == "counsel_review" and r["overdue"] for r in items)
    assert selectors.reminders(staff["desk"], now=later) == []
    with pytest.raises(Forbidden):
        services.record_counsel_review(
            user=staff["branch_manager"], case=case, counsel_name="X", conclusion="ok"
        )
    services.record_counsel_review(
        user=staff["director"],
        case=case,
        counsel_name="City Attorney",
        conclusion="Release was proper.",
    )
    assert not any(
        r["kind"] == "counsel_review" for r in selectors.reminders(staff["director"], now=later)
    )


def test_costs_and_invoice_for_westchester_subpoena(door, staff):
    with override_settings(CUSTODIAN_PROFILE="westchester"):
        data = law_enforcement("subpoena", "clerk", requested=["loans.titles"])
        case = services.intake(user=staff["desk"], data=data).case
    assert case.cost_recovery
    with pytest.raises(DisclosureError):
        services.add_cost(user=staff["director"], case=case, description="search", staff_minutes=0)
    services.add_cost(
        user=staff["director"],
        case=case,
        description="Search and copy",
        staff_minutes=90,
        hourly_rate_cents=4000,
    )
    inv = services.invoice(case)
    assert inv["total_cents"] == 6000 and inv["bill_to"] == "ICE"
    from custodian.disclosure import pdf

    assert pdf.invoice_pdf(inv).startswith(b"%PDF")


def test_checklist_ticks_record_who_and_when(door, staff):
    screen = services.intake(user=staff["desk"], data=officer())
    item = screen.officer_steps[2]
    services.set_checklist_item(user=staff["desk"], item_id=item.id, done=True, note="Said so.")
    row = ChecklistItem.objects.get(pk=item.id)
    assert row.done and row.done_by == staff["desk"] and row.done_at
    assert CaseEvent.objects.filter(kind="checklist").exists()
    with pytest.raises(Forbidden):
        services.set_checklist_item(
            user=staff["desk"], item_id=screen.officer_steps[8].id, done=True
        )


def test_other_desk_clerk_cannot_open_case(door, staff, make_user):
    case = services.intake(user=staff["desk"], data=officer()).case
    other = make_user("desk", "desk-two")
    with pytest.raises(Forbidden):
        services.get_case(other, case.ref)
    with pytest.raises(Forbidden):
        services.get_case(staff["it_admin"], case.ref)


def test_roles_that_take_no_requests(door, staff, audit_log):
    for who in ("it_admin", "auditor"):
        with pytest.raises(Forbidden):
            services.intake(user=staff[who], data=officer())
        assert audit_log[-1]["outcome"] == "refused"
    assert DisclosureRequest.objects.count() == 0


def test_bad_intake_values_are_refused(door, staff):
    with pytest.raises(DisclosureError, match="at least one field"):
        services.intake(user=staff["desk"], data=officer(requested=[]))
    with pytest.raises(DisclosureError, match="date range"):
        services.intake(
            user=staff["desk"],
            data=officer(
                instrument_date_from=dt.date(2026, 2, 1), instrument_date_to=dt.date(2026, 1, 1)
            ),
        )
    with pytest.raises(DisclosureError, match="type of legal document"):
        services.intake(user=staff["desk"], data=officer(instrument_type="", nondisclosure=True))
    assert DisclosureRequest.objects.count() == 0 and Release.objects.count() == 0


def test_release_twice_is_refused(door, staff):
    data = law_enforcement("search_warrant", "judge", requested=["loans.titles"])
    case = services.intake(user=staff["desk"], data=data).case
    stale = Case.objects.get(pk=case.pk)
    services.release(user=staff["director"], case=case, handed_to="Det. A")
    with pytest.raises(DisclosureError, match="just been released"):
        services.release(user=staff["designee"], case=stale, handed_to="Det. B")
    assert Release.objects.count() == 1
