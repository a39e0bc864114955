"""Schemathesis against the OpenAPI document, signed in as every staff role (issue 7).

Generated calls, valid and deliberately invalid, go to every operation through the real
stack (door, policy engine, audit log) on whichever database the run uses. No answer may
be a 5xx: a crash is a leak waiting to happen (a traceback, a half-done write) and means a
rule was not checked where it should have been. Bounded by CUSTODIAN_FUZZ_EXAMPLES per role
and mode (default 40) and derandomised, so CI is repeatable; raise it locally to hunt.
Deselect with `-m "not fuzz"`.
"""

import json
import os
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from custodian.accounts.models import Role
from custodian.api.main import api
from tests.door import library
from tests.door.conftest import main_branch, rosalind  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("CUSTODIAN_FUZZ_EXAMPLES", "40"))
ROLES = [r.value for r in Role]
CARD = "21234000012345"  # rosalind's


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def world(rosalind, main_branch):  # noqa: F811 - pytest fixtures
    """Staff in every role and a case taken through review and decision to a release, so
    generated calls also hit real refs (a random UUID only ever finds 404)."""
    users = {role: library.staff(role, f"fuzz-{role}", at=main_branch) for role in ROLES}
    client = Client()
    client.force_login(users["desk"])
    body = {
        "requester_kind": "law_enforcement",
        "channel": "in_person",
        "evidence": ["officer_credentials"],
        "officer": {"name": "R. Ray", "badge": "12", "agency": "Sheriff"},
        "card_number": CARD,
        "instrument": {
            "type": "search_warrant",
            "signed_by": "judge",
            "court": "state",
            "scope": ["loans.titles"],
        },
        "requested": ["loans.titles"],
    }
    screen = _post(client, "/api/disclosure/requests", body).json()
    case = screen["case"]
    client.force_login(users["director"])
    base = f"/api/disclosure/cases/{case}"
    _post(client, f"{base}/reviews", {"instrument_valid": True, "counsel_consulted": True})
    _post(client, f"{base}/written-decisions", {"disclose": True, "text": "t", "basis": "b"})
    release = _post(client, f"{base}/releases", {"handed_to": "R. Ray"}).json()
    refs = {
        "ref": case,
        "release_ref": release.get("ref", case),
        "item_id": (screen["must_do"] or screen["officer_steps"])[0]["id"],
    }
    return users, refs


def _send(client, case):
    path = case.formatted_path
    if case.query:
        path += "?" + urlencode(case.query, doseq=True)
    kwargs = {}
    if not isinstance(case.body, schemathesis.core.NotSet):
        # Negative cases may be raw bytes (a body that is not JSON at all): send them as is.
        data = case.body if isinstance(case.body, bytes) else json.dumps(case.body)
        kwargs = {"data": data, "content_type": case.media_type or "application/json"}
    return client.generic(case.method.upper(), path, **kwargs)


def _strategy(schema, refs):
    """Positive and negative cases for every operation, half of them on the real case."""
    parts = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for result in schema.get_all_operations():
            op = result.ok()
            names = {p.name for p in op.path_parameters}
            parts.append(op.as_strategy(generation_mode=mode))
            if names:
                fixed = {k: v for k, v in refs.items() if k in names}
                parts.append(op.as_strategy(generation_mode=mode, path_parameters=fixed))
    return st.one_of(parts)


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_5xx(role, world):
    users, refs = world
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    client = Client(raise_request_exception=False)
    client.force_login(users[role])
    crashes, seen = [], set()

    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],  # report every crash as found, no shrinking time
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(schema, refs))
    def call(case):
        seen.add(f"{case.method.upper()} {case.path}")
        resp = _send(client, case)
        if resp.status_code >= 500:
            body = case.body if not isinstance(case.body, schemathesis.core.NotSet) else None
            crashes.append(
                f"{resp.status_code} {case.method.upper()} {case.formatted_path} "
                f"query={case.query} body={body!r:.300}"
            )

    call()
    assert not crashes, f"{len(crashes)} server errors as {role}:\n" + "\n".join(crashes[:10])
    # The run reached most of the API, not one operation over and over.
    assert len(seen) >= len(list(schema.get_all_operations())) // 2, seen
