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
    for (_kind, _action), (_set, rules) in profile.policy_sets.items():
        assert len(rules) < whole
