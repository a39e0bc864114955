"""`obligation_clauses`: for each obligation, the cited clauses of the rules that add it.

Beyond the contract (decision.schema.json allows it): the desk reads aloud the clause an
obligation comes from, so the engine says which, from the profile's own @id annotations.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings

from custodian.policy import Engine, decide
from tests.policy.helpers import CONTRACT, ask, doc
from tests.policy.test_properties import PROFILES, requests

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WHOLE = Engine(cache_size=0, prune=False)
EXAMPLES = sorted((CONTRACT / "examples").glob("*.json")) if CONTRACT.is_dir() else []


def check(decision: dict) -> None:
    mapping = decision["obligation_clauses"]
    assert set(mapping) == set(decision["obligations"])
    order = [c["clause"] for c in decision["citations"]]
    for clauses in mapping.values():
        assert clauses, "every obligation comes from at least one clause"
        assert len(set(clauses)) == len(clauses)
        assert set(clauses) <= set(order)
        assert clauses == sorted(clauses, key=order.index)  # in citation order


@pytest.mark.parametrize("profile", PROFILES)
@SETTINGS
@given(requests)
def test_every_obligation_names_cited_clauses(profile, request):
    request = {**request, "profile": profile}
    decision = decide(request)
    check(decision)
    assert WHOLE.decide(request)["obligation_clauses"] == decision["obligation_clauses"]


@pytest.mark.skipif(not EXAMPLES, reason=f"shared/contract not found at {CONTRACT}")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_contract_examples_name_cited_clauses(path):
    request = json.loads(path.read_text())["request"]
    check(decide(request))
    check(WHOLE.decide(request))


def test_sonoma_officer_with_administrative_warrant():
    d = ask(
        "sonoma-county",
        "immigration",
        ["loans.titles"],
        evidence=["officer_credentials"],
        instrument=doc("administrative_warrant", ["loans.titles"], signed_by="agency_officer"),
    )
    assert d["obligation_clauses"]["forward_to_director"] == ["III.C.2.d.ii"]
    # Unconditional duties (compiled without asking Cedar) keep their clause.
    assert d["obligation_clauses"]["notify_director"] == ["III.C.2"]
    assert d["obligation_clauses"]["incident_report"] == ["III.C.2.h"]


def test_sonoma_gagging_order_names_the_contract_rule():
    d = ask(
        "sonoma-county",
        "law_enforcement",
        ["loans.titles"],
        instrument=doc("search_warrant", ["loans.titles"], nondisclosure=True),
    )
    assert d["obligation_clauses"]["nondisclosure"] == ["contract.nondisclosure"]
    assert d["obligation_clauses"]["limit_to_face_of_order"] == ["III.C.2.d.i"]


def test_jackson_fisa_order_names_both_clauses_in_policy_order():
    d = ask(
        "jackson-county",
        "law_enforcement",
        ["loans.titles"],
        instrument=doc("fisa_order", ["loans.titles"], court="fisa"),
    )
    assert d["obligation_clauses"]["nondisclosure"] == ["II ¶2", "contract.nondisclosure"]
    assert d["obligation_clauses"]["consult_board"] == ["VIII ¶2"]


def test_westchester_subpoena():
    d = ask(
        "westchester",
        "law_enforcement",
        ["loans.titles"],
        instrument=doc("subpoena", ["loans.titles"], signed_by="clerk"),
    )
    assert d["obligation_clauses"]["requester_bears_costs"] == ["5"]


def test_jensen_voicemail():
    d = ask(
        "jensen-memorial",
        "patron",
        ["overdue.status", "overdue.titles"],
        channel="voicemail",
        purpose="overdue_recovery",
    )
    assert d["obligation_clauses"]["no_titles_in_message"] == ["Regulation 4"]
    assert d["obligation_clauses"]["private_location"] == ["Regulation 4"]


def test_no_obligations_no_clauses():
    d = ask("jackson-county", "public", ["loans.titles"])
    assert d["obligations"] == [] and d["obligation_clauses"] == {}


def test_cached_decisions_hand_out_copies():
    engine = Engine()
    request = {
        "profile": "westchester",
        "requester": {"kind": "law_enforcement"},
        "channel": "in_person",
        "instrument": doc("subpoena", ["loans.titles"], signed_by="clerk"),
        "requested": ["loans.titles"],
    }
    engine.decide(request)["obligation_clauses"]["requester_bears_costs"].append("x")
    assert engine.decide(request)["obligation_clauses"]["requester_bears_costs"] == ["5"]
