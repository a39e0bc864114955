"""Hostile bodies against the JSON API (issue 7, hardening): strict types, unknown keys,
over-long text, malformed JSON and over-sized bodies. Each is refused with a message
naming the problem, and nothing changes: no request, no case event, no audit entry.
"""

import base64

import pytest
from django.test import override_settings

from custodian.disclosure.limits import LIMITS
from custodian.disclosure.models import Case, CaseEvent, DisclosureRequest
from tests.api.test_disclosure_api import officer_body, post

pytestmark = pytest.mark.django_db

REQUESTS = "/api/disclosure/requests"


def _state():
    """Everything a refused call might have changed."""
    case = Case.objects.first()
    return (
        DisclosureRequest.objects.count(),
        CaseEvent.objects.count(),
        [(c.status, c.sealed) for c in Case.objects.order_by("pk")],
        case and (case.reviews.count(), case.written_decisions.count(), case.releases.count()),
    )


def _assert_refused(resp, status, *words):
    assert resp.status_code == status, resp.content
    assert resp["Content-Type"].startswith("application/json")
    detail = resp.json()["detail"]
    for word in words:
        assert word in detail, detail
    return detail


@pytest.fixture
def filed(client, staff, door):
    """A case filed at the desk; the director is signed in to act on it."""
    client.force_login(staff["desk"])
    screen = post(client, REQUESTS, officer_body()).json()
    client.force_login(staff["director"])
    return screen


# --- wrong types are refused, not coerced -------------------------------------------------


@pytest.mark.parametrize(
    "change,field,got",
    [
        ({"financially_responsible": "yes"}, "financially_responsible", "a string"),
        ({"patron_age": "12"}, "patron_age", "a string"),
        ({"patron_age": 12.0}, "patron_age", "a number"),
        ({"patron_age": True}, "patron_age", "a boolean"),
        ({"instrument": {"type": "subpoena", "date_from": 0}}, "instrument.date_from", ""),
        ({"instrument": {"type": "subpoena", "date_to": "1/2/2026"}}, "instrument.date_to", ""),
        # A string "true" must not seal a case by being read as a boolean.
        (
            {"instrument": {"type": "subpoena", "nondisclosure": "true"}},
            "instrument.nondisclosure",
            "a string",
        ),
        ({"requested": "loans.titles"}, "requested", "a string"),
        ({"card_number": 21000000000001}, "card_number", "a number"),
    ],
)
def test_intake_refuses_wrong_types(client, staff, door, audit_log, change, field, got):
    client.force_login(staff["desk"])
    before, entries = _state(), len(audit_log)
    detail = _assert_refused(post(client, REQUESTS, officer_body(**change)), 422, field)
    assert got in detail
    assert _state() == before and len(audit_log) == entries


def test_intake_accepts_a_written_date(client, staff, door):
    client.force_login(staff["desk"])
    inst = {"type": "subpoena", "signed_by": "attorney", "date_from": "2026-01-02"}
    assert post(client, REQUESTS, officer_body(instrument=inst)).status_code == 201
    bad = {**inst, "date_from": "2026-02-30"}
    _assert_refused(post(client, REQUESTS, officer_body(instrument=bad)), 422, "date_from")


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("reviews", {"counsel_consulted": "yes"}, "counsel_consulted"),
        ("reviews", {"instrument_valid": 1}, "instrument_valid"),
        ("written-decisions", {"disclose": "false", "text": "t", "basis": "b"}, "disclose"),
        ("releases", {"handed_to": "Det. Ray", "date_from": 0}, "date_from"),
        ("costs", {"description": "copying", "staff_minutes": "30"}, "staff_minutes"),
        ("costs", {"description": "copying", "staff_minutes": 10**12}, "staff_minutes"),
    ],
)
def test_case_endpoints_refuse_wrong_types(client, filed, audit_log, path, body, field):
    before, entries = _state(), len(audit_log)
    resp = post(client, f"/api/disclosure/cases/{filed['case']}/{path}", body)
    _assert_refused(resp, 422, field)
    assert _state() == before and len(audit_log) == entries


def test_checklist_refuses_a_string_for_done(client, filed, audit_log):
    item = filed["must_do"][0]["id"]
    resp = post(client, f"/api/disclosure/checklist/{item}", {"done": "true"})
    _assert_refused(resp, 422, "done", "a string")
    screen = client.get(f"/api/disclosure/requests/{filed['request']}").json()
    assert next(i for i in screen["must_do"] if i["id"] == item)["done"] is False


# --- unknown keys, at every level ---------------------------------------------------------


@pytest.mark.parametrize(
    "change,field",
    [
        ({"sealed": True}, "sealed"),
        ({"officer": {"name": "J. Smith", "rank": "major"}}, "officer.rank"),
        ({"instrument": {"type": "subpoena", "sealed": True}}, "instrument.sealed"),
    ],
)
def test_unknown_keys_are_refused_by_name(client, staff, door, change, field):
    client.force_login(staff["desk"])
    before = _state()
    _assert_refused(post(client, REQUESTS, officer_body(**change)), 422, field, "Extra inputs")
    assert _state() == before


# --- every free-text field has a limit ----------------------------------------------------

# LIMITS key -> (endpoint under the case, or "intake"; where the text goes in the body)
TEXT_INPUTS = {
    "requester_name": ("intake", "requester_name"),
    "requester_organisation": ("intake", "requester_organisation"),
    "officer_name": ("intake", "officer.name"),
    "officer_badge": ("intake", "officer.badge"),
    "officer_agency": ("intake", "officer.agency"),
    "card_number": ("intake", "card_number"),
    "stated_purpose": ("intake", "stated_purpose"),
    "response_address": ("intake", "response_address"),
    "desk_notes": ("intake", "desk_notes"),
    "checklist_note": ("checklist", "note"),
    "note": ("notes", "note"),
    "review_notes": ("reviews", "notes"),
    "decision_text": ("written-decisions", "text"),
    "decision_basis": ("written-decisions", "basis"),
    "override_reason": ("written-decisions", "override_reason"),
    "handed_to": ("releases", "handed_to"),
    "cost_description": ("costs", "description"),
    "counsel_name": ("counsel-review", "counsel_name"),
    "counsel_conclusion": ("counsel-review", "conclusion"),
    "reason": ("close", "reason"),
}
BASE = {
    "checklist": {"done": True, "note": ""},
    "notes": {"note": "n"},
    "reviews": {},
    "written-decisions": {"disclose": False, "text": "t", "basis": "b"},
    "releases": {"handed_to": "Det. Ray"},
    "costs": {"description": "copying", "staff_minutes": 30},
    "counsel-review": {"counsel_name": "A. Counsel", "conclusion": "c"},
    "close": {"reason": "r"},
}


def test_every_limit_is_covered():
    assert set(TEXT_INPUTS) == set(LIMITS)


@pytest.mark.parametrize("name", sorted(TEXT_INPUTS))
def test_over_long_text_is_refused_naming_field_and_limit(client, filed, audit_log, name):
    where, path = TEXT_INPUTS[name]
    limit = LIMITS[name]
    if where == "intake":
        body = officer_body()
        *parents, key = path.split(".")
        target = body
        for p in parents:
            target = target[p]
        target[key] = "x" * (limit + 1)
        url = REQUESTS
    else:
        body = {**BASE[where], path: "x" * (limit + 1)}
        url = (
            f"/api/disclosure/checklist/{filed['must_do'][0]['id']}"
            if where == "checklist"
            else f"/api/disclosure/cases/{filed['case']}/{where}"
        )
    before, entries = _state(), len(audit_log)
    _assert_refused(post(client, url, body), 422, path, f"at most {limit} characters")
    assert _state() == before and len(audit_log) == entries


# --- JSON that is JSON in name only -------------------------------------------------------


@pytest.mark.parametrize(
    "raw,words",
    [
        (
            '{"requester_kind": "public", "requester_kind": "immigration", "channel": "phone",'
            ' "requested": ["loans.titles"]}',
            ["'requester_kind' appears twice"],
        ),
        ("[" * 100_000 + "]" * 100_000, ["nested more than 32 levels"]),
        ('{"a":' * 5000 + "1" + "}" * 5000, ["nested more than 32 levels"]),
        ('{"patron_age": NaN}', ["NaN is not a JSON number"]),
        (b'{"desk_notes": "caf\xe9"}', ["not UTF-8"]),
        ("{not json", ["invalid JSON"]),
    ],
    ids=["duplicate_key", "deep_lists", "deep_objects", "nan", "latin1", "garbage"],
)
def test_malformed_json_is_a_400_with_a_reason(client, staff, door, audit_log, raw, words):
    client.force_login(staff["desk"])
    before, entries = _state(), len(audit_log)
    _assert_refused(post(client, REQUESTS, raw), 400, "cannot be read", *words)
    assert _state() == before and len(audit_log) == entries


# --- bodies over the limit ----------------------------------------------------------------


def test_body_over_the_limit_is_a_json_413(client, staff, door, audit_log):
    client.force_login(staff["desk"])
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4096):
        inst = {"type": "subpoena", "scan_base64": "A" * 8192}
        resp = post(client, REQUESTS, officer_body(instrument=inst))
    _assert_refused(resp, 413, "too large", "scan too large: at most 10 MB")
    assert _state() == (0, 0, [], None) and audit_log == []


def test_default_limit_takes_a_10_mb_scan_and_refuses_more(client, staff, door):
    """The real setting: a scan at the promised limit goes through; a body past it is 413."""
    client.force_login(staff["desk"])
    scan = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 9)
    inst = {"type": "subpoena", "signed_by": "attorney", "scan_base64": ""}
    inst["scan_base64"] = base64.b64encode(scan).decode()
    assert post(client, REQUESTS, officer_body(instrument=inst)).status_code == 201
    inst["scan_base64"] = base64.b64encode(scan + b"0" * 1024 * 1024).decode()
    _assert_refused(post(client, REQUESTS, officer_body(instrument=inst)), 413, "at most 10 MB")
    assert DisclosureRequest.objects.count() == 1


def test_openapi_document_states_the_limits(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    intake = schemas["IntakeIn"]
    assert intake["additionalProperties"] is False
    assert intake["properties"]["desk_notes"]["maxLength"] == LIMITS["desk_notes"]
    assert schemas["ReasonIn"]["properties"]["reason"]["maxLength"] == LIMITS["reason"]
