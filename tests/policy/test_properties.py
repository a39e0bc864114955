"""Hypothesis: the contract's invariants hold for any well-formed request to any profile."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from custodian.policy import decide
from custodian.policy.validation import looks_valid
from custodian.policy.vocabulary import (
    CHANNELS,
    EVIDENCE,
    FIELDS,
    INSTRUMENT_TYPES,
    KINDS,
    PURPOSES,
    SIGNERS,
    decision_schema,
    request_schema,
)

PROFILES = ["sonoma-county", "jackson-county", "jensen-memorial", "westchester"]
LEGAL_PROCESS = {"law_enforcement", "immigration", "government", "attorney"}
fields = st.lists(st.sampled_from(FIELDS), unique=True)

instruments = st.none() | st.fixed_dictionaries(
    {
        "type": st.sampled_from(INSTRUMENT_TYPES),
        "signed_by": st.sampled_from(SIGNERS),
        "court": st.sampled_from([None, "federal", "state", "fisa"]),
        "scope": fields,
        "nondisclosure": st.booleans(),
    }
)
reviews = st.none() | st.fixed_dictionaries(
    {
        "by": st.sampled_from(["branch_manager", "director"]),
        "instrument_valid": st.booleans(),
        "counsel_consulted": st.booleans(),
        "board_consulted": st.booleans(),
        "emergency_confirmed": st.booleans(),
    }
)
requests = st.fixed_dictionaries(
    {
        "profile": st.sampled_from(PROFILES),
        "requester": st.fixed_dictionaries(
            {"kind": st.sampled_from(KINDS), "financially_responsible": st.booleans()},
            optional={"authorization_scope": fields},
        ),
        "channel": st.sampled_from(CHANNELS),
        "evidence": st.lists(st.sampled_from(EVIDENCE), unique=True),
        "patron": st.fixed_dictionaries({}, optional={"age": st.integers(0, 130)}),
        "purpose": st.sampled_from(PURPOSES),
        "instrument": instruments,
        "review": reviews,
        "requested": st.lists(st.sampled_from(FIELDS), unique=True, min_size=1, max_size=10),
    }
)
DECISION = Draft202012Validator(
    decision_schema(),
    registry=__import__("referencing")
    .Registry()
    .with_resource(
        "request.schema.json", __import__("referencing").Resource.from_contents(request_schema())
    ),
)
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(requests)
def test_contract_invariants_hold_for_random_requests(request):
    d = decide(request)
    DECISION.validate(d)
    released, withheld = set(d["release"]), set(d["withhold"])
    # release and withhold split requested
    assert not released & withheld and released | withheld == set(request["requested"])
    assert d["release"] + d["withhold"] != [] and len(d["release"]) + len(d["withhold"]) == len(
        request["requested"]
    )
    inst = request["instrument"]
    # nothing outside an instrument's scope for those who come with legal process
    if inst and request["requester"]["kind"] in LEGAL_PROCESS:
        assert released <= set(inst["scope"])
    # secrecy under a gagging order
    if inst and (inst["type"] == "fisa_order" or inst["nondisclosure"]):
        assert "nondisclosure" in d["obligations"]
    # outcome agrees with the fields
    outcome = d["outcome"]
    assert (outcome == "release") == (not withheld)
    assert (outcome == "partial_release") == bool(released and withheld)
    if outcome in ("refer", "deny"):
        assert not released
    if outcome == "refer":
        assert d["refer_to"]
    if not withheld:
        assert d["refer_to"] is None
    # anything released is cited
    if released:
        assert d["citations"]
    # one plain sentence, in words rather than field codes
    assert d["explanation"].endswith(".") and "\n" not in d["explanation"]
    assert not any(field in d["explanation"] for field in FIELDS)


@SETTINGS
@given(requests)
def test_default_withhold_a_public_requester_with_nothing_learns_nothing(request):
    request = {
        **request,
        "requester": {"kind": "public"},
        "instrument": None,
        "review": None,
        "evidence": [],
        "purpose": None,
    }
    assert decide(request)["release"] == []


@settings(max_examples=300, deadline=None)
@given(requests, st.data())
def test_quick_check_accepts_only_what_the_schema_accepts(request, data):
    # Mutate a well-formed request; whatever the quick check accepts, jsonschema must too.
    key = data.draw(st.sampled_from(sorted(request)))
    junk = data.draw(st.sampled_from([None, 1, "x", [], {}, ["loans.x"], True, -1, 200]))
    mutated = json.loads(json.dumps(request))
    mutated[key] = junk
    schema = Draft202012Validator(request_schema())
    if looks_valid(mutated):
        assert schema.is_valid(mutated)
    assert looks_valid(request) and schema.is_valid(request)
