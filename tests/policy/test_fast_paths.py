"""The shortcuts taken for speed (issue 8) say exactly what the plain code would say."""

import json
import random

import pytest

from custodian.policy import Engine
from custodian.policy.cli import _encode
from custodian.policy.compile import _value
from custodian.policy.engine import request_attributes
from custodian.policy.errors import RequestError
from custodian.policy.limits import JSONRefused, strict_loads
from custodian.policy.validation import check_request
from custodian.policy.vocabulary import (
    CHANNELS,
    EVIDENCE,
    FIELDS,
    INSTRUMENT_TYPES,
    KINDS,
    REVIEWERS,
)

ENGINE = Engine(cache_size=0, memo_size=0)


def _requests(n: int, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        instrument = None
        if rnd.random() < 0.5:
            instrument = {
                "type": rnd.choice(INSTRUMENT_TYPES),
                "signed_by": rnd.choice(["judge", "clerk", "agency_officer"]),
                "court": rnd.choice([None, "state", "federal"]),
                "scope": rnd.sample(FIELDS, rnd.randint(0, 6)),
                "nondisclosure": rnd.random() < 0.2,
            }
        review = None
        if rnd.random() < 0.3:
            review = {"by": rnd.choice(sorted(REVIEWERS)), "instrument_valid": rnd.random() < 0.5}
        out.append(
            {
                "profile": rnd.choice(sorted(ENGINE.profiles)),
                "requester": {
                    "kind": rnd.choice(KINDS),
                    "financially_responsible": rnd.random() < 0.2,
                    "authorization_scope": rnd.sample(FIELDS, rnd.randint(0, 4)),
                },
                "channel": rnd.choice(CHANNELS),
                "evidence": rnd.sample(EVIDENCE, rnd.randint(0, 3)),
                "patron": {"age": rnd.randint(0, 90)} if rnd.random() < 0.8 else {},
                "purpose": rnd.choice([None, "library_business", "overdue_recovery", "emergency"]),
                "instrument": instrument,
                "review": review,
                "requested": rnd.sample(FIELDS, rnd.randint(1, 10)),
            }
        )
    return out


def _facts_one_by_one(facts, attrs: dict) -> list[str]:
    """The facts true of a request, read one at a time: what the written-out function says."""
    out = []
    for uid, path, op, literal in facts.principal_facts:
        value = _value(attrs, path)
        holds = {"true": lambda: value is True, "eq": lambda: value == literal}.get(
            op, lambda: literal in value
        )()
        if holds:
            out.append(uid)
    return out + facts.principal_extra


def test_the_written_out_facts_function_reads_every_fact_as_the_rules_say():
    checked = set()
    for request in _requests(3000):
        profile = ENGINE.profile(request["profile"])
        compiled = profile.compiled[request["requester"]["kind"]]
        attrs = request_attributes(profile, request)
        assert compiled.facts.principal_parents(attrs) == _facts_one_by_one(compiled.facts, attrs)
        checked.add((profile.name, request["requester"]["kind"]))
    assert len(checked) == len(ENGINE.profiles) * len(KINDS)  # every compiled kind seen


def test_a_field_in_the_requests_sets_gets_the_set_fact_and_its_own_class():
    # An officer's warrant covering loans.titles: that field, and no other, is in the scope.
    profile = ENGINE.profile("sonoma-county")
    facts = profile.compiled["law_enforcement"].facts
    assert facts.in_sets, "Sonoma's officer rules read the instrument's scope"
    request = _requests(1)[0] | {
        "profile": "sonoma-county",
        "requester": {"kind": "law_enforcement"},
        "instrument": {
            "type": "search_warrant",
            "signed_by": "judge",
            "court": "state",
            "scope": ["loans.titles"],
        },
        "requested": ["loans.titles", "history.titles", "loans.count"],
    }
    text, keys, representatives = facts.entities(
        request_attributes(profile, request), request["requested"], '{"type":"R","id":"a"}'
    )
    entities = json.loads(text)
    scoped = [e for e in entities[1:] if e["uid"]["id"] == "loans.titles"]
    assert scoped and any(p["id"].endswith(":resource") for p in scoped[0]["parents"])
    assert keys[0] != keys[1]  # the field in scope is never asked about for another
    assert representatives[0] == "loans.titles"


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("requester", "kind"), []),
        (("requester", "kind"), {}),
        (("channel",), ["phone"]),
        (("purpose",), {"x": 1}),
        (("instrument", "type"), ["subpoena"]),
        (("review", "by"), ["director"]),
        (("requested",), [["loans.count"]]),
        (("evidence",), [{}]),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_in_one_line(where, value):
    request = {
        "profile": "sonoma-county",
        "requester": {"kind": "patron"},
        "channel": "phone",
        "instrument": {"type": "subpoena", "signed_by": "clerk"},
        "review": {"by": "director"},
        "requested": ["loans.count"],
    }
    target = request
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    with pytest.raises(RequestError) as refused:  # never a TypeError (a traceback)
        check_request(request)
    assert "\n" not in str(refused.value)


def test_the_jsonl_writer_writes_what_json_dumps_writes():
    for request in _requests(300, seed=3):
        decision = ENGINE.decide(request)
        assert _encode(decision) == json.dumps(decision, ensure_ascii=False)
    for value in [1.5, float("nan"), 'é\u2028"\\', {"a": [None, True, -0.0]}, []]:
        assert _encode(value) == json.dumps(value, ensure_ascii=False)


def test_the_shared_decoder_refuses_what_json_loads_refuses():
    with pytest.raises(JSONRefused, match="BOM"):
        strict_loads("\ufeff{}")
    with pytest.raises(JSONRefused, match="Extra data"):
        strict_loads("{} {}")
    with pytest.raises(JSONRefused, match="appears twice"):
        strict_loads('{"a": 1, "a": 2}')
    # ... and, having refused, still reads the next text afresh.
    assert strict_loads(' {"a": [1, {"b": null}]} ') == {"a": [1, {"b": None}]}
