"""The disclosure JSON API: same roles and rules as the screens; bad bodies change nothing."""

import base64
import json

import pytest
from django.test import Client, override_settings

from custodian.disclosure.models import Case, DisclosureRequest, Review
from tests.disclosure.conftest import CARD

pytestmark = pytest.mark.django_db


def officer_body(**extra):
    body = {
        "requester_kind": "immigration",
        "channel": "in_person",
        "evidence": ["officer_credentials"],
        "officer": {"name": "J. Smith", "badge": "4471", "agency": "ICE"},
        "card_number": CARD,
        "instrument": {
            "type": "administrative_warrant",
            "signed_by": "agency_officer",
            "scope": ["registration.address"],
        },
        "requested": ["registration.address", "loans.titles"],
    }
    body.update(extra)
    return body


def police_body(instrument_type, court, **extra):
    """`officer_body`, but a police officer with a judge-signed document naming loan titles."""
    instrument = {
        "type": instrument_type,
        "signed_by": "judge",
        "court": court,
        "scope": ["loans.titles"],
    }
    return officer_body(requester_kind="law_enforcement", instrument=instrument, **extra)


def post(client, url, body):
    return client.post(
        url,
        json.dumps(body) if not isinstance(body, (str, bytes)) else body,
        content_type="application/json",
    )


def test_openapi_document(client):
    resp = client.get("/api/openapi.json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    assert "/api/disclosure/requests" in paths and "/api/disclosure/cases/{ref}/reviews" in paths


def test_intake_and_case_flow(client, staff, door):
    client.force_login(staff["desk"])
    resp = post(client, "/api/disclosure/requests", officer_body())
    assert resp.status_code == 201, resp.content
    data = resp.json()
    assert data["say_now"] == [] and data["decision"]["outcome"] == "refer" and data["case"]
    case_ref = data["case"]
    assert client.get(f"/api/disclosure/requests/{data['request']}").status_code == 200
    item = data["officer_steps"][0]
    resp = post(
        client,
        f"/api/disclosure/checklist/{item['id']}",
        {"done": True, "note": "Badge 4471 noted"},
    )
    assert resp.status_code == 200 and resp.json()["done"]
    assert (
        client.get(f"/api/disclosure/cases/{case_ref}/incident-report").json()["officer_badge"]
        == "4471"
    )
    # Desk staff cannot record reviews.
    resp = post(client, f"/api/disclosure/cases/{case_ref}/reviews", {"instrument_valid": True})
    assert resp.status_code == 403 and Review.objects.count() == 0
    client.force_login(staff["director"])
    resp = post(client, f"/api/disclosure/cases/{case_ref}/reviews", {"instrument_valid": False})
    assert resp.status_code == 201 and resp.json()["reviews"][0]["outcome"] == "deny"


def test_westchester_phone_over_api(client, staff, door):
    client.force_login(staff["desk"])
    with override_settings(CUSTODIAN_PROFILE="westchester"):
        resp = post(
            client,
            "/api/disclosure/requests",
            {
                "requester_kind": "patron",
                "channel": "phone",
                "evidence": ["card_number"],
                "card_number": CARD,
                "requested": ["loans.count", "loans.due_dates", "loans.titles"],
            },
        )
    assert resp.json()["say_now"] == ["3 items, due 4, 9 and 12 December"]


def test_a_caller_with_only_the_card_number_is_asked_for_the_pin_over_api(
    client, staff, door, real_engine
):
    # Sonoma names no proof for a patron: on the phone the card number is not enough.
    client.force_login(staff["desk"])
    body = {
        "requester_kind": "patron",
        "channel": "phone",
        "evidence": ["card_number"],
        "card_number": CARD,
        "requested": ["registration.address", "loans.titles"],
    }
    with override_settings(CUSTODIAN_PROFILE="sonoma-county"):
        resp = post(client, "/api/disclosure/requests", body)
        out = resp.json()
        assert resp.status_code == 201 and out["say_now"] == []
        assert out["needs_proof"] == ["pin"] and out["decision"]["release"] == []
        assert out["ask_for"] == "Before I can tell you that, I need the PIN."
        assert CARD not in json.dumps(out)
        body["evidence"] = ["card_number", "pin"]
        out = post(client, "/api/disclosure/requests", body).json()
    assert out["needs_proof"] == [] and out["ask_for"] == ""
    assert out["decision"]["release"] == ["registration.address", "loans.titles"]
    assert out["script"][0] == {
        "key": "release",
        "kind": "say",
        "words": "Yes, I can tell you that.",
        "clauses": ["III.B.1.b"],
    }


def test_the_api_decision_screen_carries_the_words_to_say_and_the_duties(
    client, staff, door, real_engine
):
    # An immigration officer with an agency's warrant at Sonoma: the same words as the desk.
    client.force_login(staff["desk"])
    body = officer_body()
    with override_settings(CUSTODIAN_PROFILE="sonoma-county"):
        out = post(client, "/api/disclosure/requests", body).json()
    said = [line for line in out["script"] if line["kind"] == "say"]
    done = {line["key"]: line for line in out["script"] if line["kind"] == "do"}
    assert said[0]["key"] == "refer_director"
    assert said[0]["words"].startswith("I can't give out information about anyone's library use.")
    assert [line["key"] for line in said[1:]] == [
        "record_officer_credentials",
        "record_purpose",
        "copy_documents",
        "state_no_voluntary_consent",
        "ask_response_address",
    ]
    assert done["notify_director"]["clauses"] == ["III.C.2"]
    assert done["incident_report"]["words"].startswith("Fill in the incident report")
    # Every obligation of the decision is in the script once: said or done.
    keys = [line["key"] for line in out["script"][1:]]
    assert sorted(keys) == sorted(out["decision"]["obligations"])


@pytest.mark.parametrize(
    "body,status,needle",
    [
        ("{not json", 400, ""),
        (
            {"requester_kind": "alien", "channel": "in_person", "requested": ["loans.titles"]},
            422,
            "requester_kind",
        ),
        ({"requester_kind": "public", "channel": "in_person", "requested": []}, 422, "requested"),
        (
            {
                "requester_kind": "public",
                "channel": "in_person",
                "requested": ["loans.titles"],
                "extra": 1,
            },
            422,
            "extra",
        ),
        (
            {"requester_kind": "public", "channel": "in_person", "requested": ["no.such.field"]},
            422,
            "requested",
        ),
    ],
)
def test_malformed_bodies_change_nothing(client, staff, door, body, status, needle):
    client.force_login(staff["desk"])
    resp = post(client, "/api/disclosure/requests", body)
    assert resp.status_code == status, resp.content
    assert "detail" in resp.json() and needle in json.dumps(resp.json())
    assert DisclosureRequest.objects.count() == 0


def test_bad_input_clear_messages(client, staff, door):
    client.force_login(staff["desk"])
    resp = post(client, "/api/disclosure/requests", officer_body(card_number="404"))
    assert resp.status_code == 400 and "No patron has that card number" in resp.json()["detail"]
    inst = {
        "type": "administrative_warrant",
        "scope": [],
        "scan_base64": base64.b64encode(b"MZ exe").decode(),
    }
    resp = post(client, "/api/disclosure/requests", officer_body(instrument=inst))
    assert resp.status_code == 400 and "PDF or an image" in resp.json()["detail"]
    inst["scan_base64"] = "!!!"
    assert (
        post(client, "/api/disclosure/requests", officer_body(instrument=inst)).status_code == 400
    )
    with override_settings(CUSTODIAN_DISCLOSURE_MAX_SCAN_BYTES=64):
        inst["scan_base64"] = base64.b64encode(b"%PDF-" + b"0" * 500).decode()
        resp = post(client, "/api/disclosure/requests", officer_body(instrument=inst))
    assert resp.status_code == 413 and "too large" in resp.json()["detail"]
    assert DisclosureRequest.objects.count() == 0


def test_sealed_case_is_404_for_desk_and_manager(client, staff, door, audit_log):
    client.force_login(staff["desk"])
    body = police_body("fisa_order", "fisa", requested=["loans.titles"])
    data = post(client, "/api/disclosure/requests", body).json()
    assert data["sealed"]
    for who in ("desk", "branch_manager"):
        client.force_login(staff[who])
        assert client.get(f"/api/disclosure/cases/{data['case']}").status_code == 404
        assert audit_log[-1]["outcome"] == "refused"
        assert all(c["ref"] != data["case"] for c in client.get("/api/disclosure/cases").json())
    client.force_login(staff["designee"])
    assert client.get(f"/api/disclosure/cases/{data['case']}").json()["sealed"] is True
    assert (
        post(client, f"/api/disclosure/cases/{data['case']}/unseal", {"reason": "x"}).status_code
        == 403
    )
    client.force_login(staff["director"])
    assert (
        post(
            client, f"/api/disclosure/cases/{data['case']}/unseal", {"reason": "Order lifted"}
        ).status_code
        == 200
    )
    assert not Case.objects.get().sealed


def test_every_endpoint_checks_role(client, staff, door, audit_log):
    client.force_login(staff["desk"])
    case = post(client, "/api/disclosure/requests", officer_body()).json()["case"]
    client.force_login(staff["it_admin"])
    for method, url in [
        ("post", "/api/disclosure/requests"),
        ("get", "/api/disclosure/cases"),
        ("get", f"/api/disclosure/cases/{case}"),
        ("get", "/api/disclosure/reminders"),
        ("get", "/api/disclosure/transparency?year=2026"),
        ("post", f"/api/disclosure/cases/{case}/notes"),
    ]:
        resp = post(client, url, {}) if method == "post" else client.get(url)
        assert resp.status_code in (403, 422), url
        if resp.status_code == 403:
            assert audit_log[-1]["outcome"] == "refused"
    client.logout()
    assert client.get("/api/disclosure/cases").status_code == 401


def test_csrf_is_required_for_session_posts(staff, door):
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff["desk"])
    resp = c.post(
        "/api/disclosure/requests", json.dumps(officer_body()), content_type="application/json"
    )
    assert resp.status_code in (401, 403)
    assert DisclosureRequest.objects.count() == 0


def test_release_and_package_over_api(client, staff, door):
    client.force_login(staff["desk"])
    body = police_body("search_warrant", "state")
    case = post(client, "/api/disclosure/requests", body).json()["case"]
    client.force_login(staff["director"])
    resp = post(
        client,
        f"/api/disclosure/cases/{case}/releases",
        {"handed_to": "Det. Smith", "fields": ["registration.address"]},
    )
    assert resp.status_code == 400 and "outside the document's face" in resp.json()["detail"]
    resp = post(client, f"/api/disclosure/cases/{case}/releases", {"handed_to": "Det. Smith"})
    assert resp.status_code == 201 and resp.json()["fields"] == ["loans.titles"]
    pkg_url = f"/api/disclosure/cases/{case}/releases/{resp.json()['ref']}"
    pkg = client.get(pkg_url).json()
    assert set(pkg["records"]) == {"loans.titles"}
    # The clerk who took the warrant sees the package on the case, not its records (issue 7).
    client.force_login(staff["desk"])
    seen = client.get(f"/api/disclosure/cases/{case}").json()["releases"]
    assert [r["handed_to"] for r in seen] == ["Det. Smith"]
    resp = client.get(pkg_url)
    assert resp.status_code == 403 and "records" not in resp.json()
    assert "Director and designees" in resp.json()["detail"]


def test_written_decision_costs_counsel_and_close_over_api(client, staff, door):
    client.force_login(staff["desk"])
    case = post(client, "/api/disclosure/requests", officer_body()).json()["case"]
    url = f"/api/disclosure/cases/{case}"
    client.force_login(staff["director"])
    resp = post(client, f"{url}/costs", {"description": "Search", "staff_minutes": 30})
    assert resp.status_code == 400 and "bear the costs" in resp.json()["detail"]
    resp = post(client, f"{url}/counsel-review", {"counsel_name": "A. Lawyer", "conclusion": "Ok"})
    assert resp.status_code == 400 and "no emergency release" in resp.json()["detail"]
    resp = post(
        client,
        f"{url}/written-decisions",
        {"disclose": False, "text": "Not disclosed.", "basis": "An administrative warrant only"},
    )
    assert resp.status_code == 201 and resp.json()["status"] == "declined"
    assert resp.json()["written_decisions"][0]["basis"] == "An administrative warrant only"
    assert resp.json()["events"][-1]["kind"] == "written_decision"
    assert Case.objects.get().closed_at is not None
    # Declining in writing closed it: closing it again is refused (409), nothing added.
    resp = post(client, f"{url}/close", {"reason": "Answered"})
    assert resp.status_code == 409 and "already closed" in resp.json()["detail"]
    assert not Case.objects.get().events.filter(kind="closed").exists()
