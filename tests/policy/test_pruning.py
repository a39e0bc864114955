"""Pruned per-kind policy sets decide exactly as the whole set does."""

from hypothesis import HealthCheck, given, settings

from custodian.policy import Engine
from custodian.policy.pruning import may_apply
from tests.policy.test_properties import requests

WHOLE = Engine(cache_size=0, prune=False)
PRUNED = Engine(cache_size=0, prune=True)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
def test_pruned_policy_sets_decide_like_the_whole_set(request):
    assert PRUNED.decide(request) == WHOLE.decide(request)


def test_pruning_keeps_rules_it_cannot_judge_and_drops_those_for_other_kinds():
    guardian_only = {
        "principal": {"op": "in", "entity": {"type": "RequesterKind", "id": "guardian"}},
        "conditions": [],
    }
    assert may_apply(guardian_only, "guardian") and not may_apply(guardian_only, "patron")
    staff_in_condition = {
        "principal": {"op": "All"},
        "conditions": [
            {
                "kind": "when",
                "body": {
                    "&&": {
                        "left": {
                            "in": {
                                "left": {"Var": "principal"},
                                "right": {
                                    "Value": {"__entity": {"type": "RequesterKind", "id": "staff"}}
                                },
                            }
                        },
                        "right": {"Var": "context"},
                    }
                },
            }
        ],
    }
    assert may_apply(staff_in_condition, "staff") and not may_apply(staff_in_condition, "media")
    unknown = {
        "principal": {"op": "All"},
        "conditions": [{"kind": "when", "body": {"Var": "context"}}],
    }
    assert may_apply(unknown, "media")


def test_pruned_sets_are_much_smaller():
    profile = PRUNED.profile("sonoma-county")
    whole = len(profile.rules)
    for (_kind, _action), (_set, rules, _features) in profile.policy_sets.items():
        assert len(rules) < whole


def test_fields_the_rules_cannot_tell_apart_share_one_question():
    from custodian.policy.pruning import field_features, signature

    law = PRUNED.profile("sonoma-county").policy_sets[("law_enforcement", "release")][2]
    sets = {"scope": ["loans.titles"], "authorization_scope": []}
    keys = {
        signature(law, f, "circulation", False, sets) for f in ("overdue.status", "holds.count")
    }
    assert len(keys) == 1
    assert signature(law, "loans.titles", "circulation", True, sets) not in keys
    # A rule that uses the field in a way the analysis does not follow turns it off.
    opaque = {
        "resource": {"op": "All"},
        "conditions": [
            {
                "kind": "when",
                "body": {
                    "like": {
                        "left": {".": {"left": {"Var": "resource"}, "attr": "name"}},
                        "pattern": "loans*",
                    }
                },
            }
        ],
    }
    assert field_features([opaque]) is None
