"""The compiled per-kind rules (compile.py) decide exactly as the rules as written do."""

import json

from hypothesis import HealthCheck, given, settings

from custodian.policy import Engine
from custodian.policy.compile import compile_kind
from custodian.policy.engine import request_attributes
from custodian.policy.profile import Rule
from custodian.policy.vocabulary import FIELDS, KINDS
from tests.policy.test_properties import requests

WHOLE = Engine(cache_size=0, prune=False)
PRUNED = Engine(cache_size=0, prune=True)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
def test_compiled_rules_decide_like_the_whole_set(request):
    # Whole decisions, so `obligation_clauses` (beyond the contract) is compared too.
    pruned, whole = PRUNED.decide(request), WHOLE.decide(request)
    assert "obligation_clauses" in pruned
    assert pruned == whole


def test_every_kind_and_field_decides_like_the_whole_set():
    # Deterministic sweep: every profile, kind and field, with and without a judge's warrant.
    warrant = {
        "type": "search_warrant",
        "signed_by": "judge",
        "court": "state",
        "scope": ["loans.titles", "registration.address"],
        "nondisclosure": False,
    }
    for profile in PRUNED.profiles:
        for kind in KINDS:
            for instrument in (None, warrant):
                request = {
                    "profile": profile,
                    "requester": {"kind": kind},
                    "channel": "in_person",
                    "evidence": ["library_card", "photo_id", "officer_credentials"],
                    "patron": {"age": 15},
                    "purpose": "library_business",
                    "instrument": instrument,
                    "review": None,
                    "requested": list(FIELDS),
                }
                assert PRUNED.decide(request) == WHOLE.decide(request), (profile, kind)


def test_compiled_sets_are_much_smaller():
    profile = PRUNED.profile("sonoma-county")
    for compiled in profile.compiled.values():
        asked = sum(len(s) for s in (compiled.release, compiled.procedure) if s is not None)
        assert asked < len(profile.rules) / 2
    # Officers' unconditional duties (III.C.2 notify the Director, ...) need no question.
    officer = profile.compiled["law_enforcement"]
    assert {r.clause for r in officer.static} >= {"III.C.2", "III.C.2.b", "III.C.2.g"}


def test_fields_the_rules_cannot_tell_apart_share_one_question():
    profile = PRUNED.profile("sonoma-county")
    law = profile.compiled["law_enforcement"]
    request = {
        "profile": "sonoma-county",
        "requester": {"kind": "law_enforcement"},
        "channel": "in_person",
        "instrument": {
            "type": "search_warrant",
            "signed_by": "judge",
            "court": "state",
            "scope": ["loans.titles"],
        },
        "requested": ["loans.titles"],
    }
    attrs = request_attributes(profile, request)
    keys = {tuple(law.facts.field_parents(f, attrs)) for f in ("overdue.status", "holds.count")}
    assert len(keys) == 1
    assert tuple(law.facts.field_parents("loans.titles", attrs)) not in keys
    assert (
        '{"type":"Fact","id":"instrument.classes:judicial_order"}'
        in law.facts.principal_parents(attrs)
    )


def _est(text: str) -> dict:
    import cedarpy

    return json.loads(cedarpy.policies_to_json_str(text))["staticPolicies"]


def _rules(ests: dict, action: str = "release") -> dict:
    return {pid: Rule(pid, "c", ests[pid]["effect"], action, (), None, "", None, 1) for pid in ests}


def test_tests_the_rewriting_does_not_know_are_asked_as_written():
    ests = _est(
        """
        permit (principal in RequesterKind::"guardian", action == Action::"release", resource)
        when { principal.patron.age < 13 && resource.name like "loans*" };
        permit (principal in RequesterKind::"patron", action == Action::"release", resource);
        """
    )
    guardian = compile_kind("guardian", ests, _rules(ests))
    # The age is sent as an attribute, the field's name too, and each field asked alone.
    assert guardian.principal_attrs == {"patron": {"age"}}
    assert guardian.field_attrs == ("name",)
    assert len(guardian.rules) == 1
    # The patron-only rule never holds for a guardian and is dropped; for a patron it
    # always holds.
    patron = compile_kind("patron", ests, _rules(ests))
    assert len(patron.rules) == 1 and patron.principal_attrs == {}


def test_rules_about_requester_kinds_are_settled_per_kind():
    ests = _est(
        """
        permit (principal, action == Action::"procedure", resource)
        when { principal in RequesterGroup::"officers" || principal.channel == "phone" };
        """
    )
    officer = compile_kind("law_enforcement", ests, _rules(ests, "procedure"))
    assert len(officer.static) == 1 and officer.procedure is None
    public = compile_kind("public", ests, _rules(ests, "procedure"))
    assert not public.static and [f[1:] for f in public.principal_facts] == [
        (("channel",), "eq", "phone")
    ]
