"""Whole decisions remembered beside Cedar's answers (engine.Engine.decisions): exact,
bounded, emptied on reload, keyed on facts only, and never changed by a caller."""

import json

from hypothesis import given
from hypothesis import strategies as st

from custodian.policy import Engine
from custodian.policy import engine as engine_module
from custodian.policy.cli import _encode
from custodian.policy.memo import Memo
from tests.policy.test_memo import ADULT_PATRON, _counting_cedar, _with_age
from tests.policy.test_properties import SETTINGS, requests

COLD = Engine(cache_size=0, memo_size=0)
# One engine for the whole run, as in a server: later examples meet earlier decisions.
WARM = Engine(cache_size=0, memo_size=4096)


def _variant(request: dict, age, reverse: bool) -> dict:
    """The request about a patron of another age, its evidence in another order."""
    evidence = request.get("evidence", [])
    patron = {} if age is None else {"age": age}
    return {**request, "patron": patron, "evidence": evidence[::-1] if reverse else evidence}


@SETTINGS
@given(requests, st.none() | st.integers(0, 130), st.booleans())
def test_a_remembered_decision_is_the_cold_engines_field_for_field(request, age, reverse):
    cold = COLD.decide(request)
    assert WARM.decide(request) == cold
    assert WARM.decide(request) == cold  # now from the remembered decision
    assert WARM.decide_json(request, _encode) == _encode(cold)
    # Another patron's request with the same facts shares the entry; other facts do not.
    other = _variant(request, age, reverse)
    assert WARM.decide(other) == COLD.decide(other)
    assert WARM.decide_json(other, _encode) == _encode(COLD.decide(other))
    assert len(WARM.decisions) > 0


def test_same_situation_is_assembled_once_and_encoded_once(monkeypatch):
    engine = Engine(cache_size=0, memo_size=100)
    expected = _encode(COLD.decide(ADULT_PATRON))
    calls = _counting_cedar(monkeypatch)
    assembled = []
    real = engine_module.Engine._decide

    def counted(self, *args):
        assembled.append(1)
        return real(self, *args)

    monkeypatch.setattr(engine_module.Engine, "_decide", counted)
    encoded = []

    def encode(value):
        encoded.append(1)
        return json.dumps(value)

    texts = [engine.decide_json(_with_age(ADULT_PATRON, age), encode) for age in (30, 41, 77)]
    assert len(set(texts)) == 1 and len(calls) == 1
    assert len(assembled) == 1 and len(encoded) == 1 and len(engine.decisions) == 1
    # Another encoder is never handed the first one's text.
    assert engine.decide_json(ADULT_PATRON, _encode) == expected
    assert len(assembled) == 1


def test_a_guardian_hears_the_childs_age_so_it_is_part_of_the_key():
    engine = Engine(cache_size=0, memo_size=100)
    guardian = {**ADULT_PATRON, "requester": {"kind": "guardian"}, "evidence": ["library_card"]}
    five, nine = engine.decide(_with_age(guardian, 5)), engine.decide(_with_age(guardian, 9))
    assert "5-year-old" in five["explanation"] and "9-year-old" in nine["explanation"]
    assert len(engine.decisions) == 2 and len(engine.memo) == 1  # Cedar asked once


def test_what_a_caller_changes_never_reaches_the_remembered_decision():
    engine = Engine(cache_size=0, memo_size=100)
    first = engine.decide(ADULT_PATRON)
    expected = json.loads(json.dumps(first))
    first["release"].append("history.titles")
    first["citations"][0]["text"] = "changed"
    first["citations"].clear()
    first["obligation_clauses"].clear()
    first["outcome"] = "deny"
    assert engine.decide(ADULT_PATRON) == expected


def test_keys_hold_facts_only_and_a_reload_empties_them():
    engine = Engine(cache_size=0, memo_size=100)
    engine.decide(_with_age(ADULT_PATRON, 47))
    [key] = engine.decisions.keys()
    facts, text, requested, channel, evidence, requester, purpose, instrument, review, age = key
    assert facts is engine.profile("sonoma-county").compiled["patron"].facts
    assert (text, requested) == (engine.memo.keys()[0][1], tuple(ADULT_PATRON["requested"]))
    assert (channel, evidence, age) == ("in_person", {"photo_id"}, None)
    assert dict(requester) == ADULT_PATRON["requester"]
    assert purpose == ADULT_PATRON.get("purpose")
    assert instrument is None and ADULT_PATRON.get("instrument") is None
    assert review is None and ADULT_PATRON.get("review") is None
    hash(key)  # every part is a value, no dict or list
    # A patron's age is kept only for a guardian's sentence. (The compiled facts are left
    # out of the look: their repr holds a memory address, which may contain any digits.)
    assert "47" not in repr(key[1:])
    engine.reload_profile("sonoma-county")
    assert len(engine.decisions) == 0 and len(engine.memo) == 0


def test_size_bounds_both_and_zero_remembers_nothing():
    engine = Engine(cache_size=0, memo_size=2)
    for kind in ("patron", "guardian", "law_enforcement", "attorney"):
        engine.decide({**ADULT_PATRON, "requester": {"kind": kind}})
        assert len(engine.decisions) <= 2 and len(engine.memo) <= 2
    off = Engine(cache_size=0, memo_size=0)
    assert off.decide_json(ADULT_PATRON, _encode) == _encode(COLD.decide(ADULT_PATRON))
    assert len(off.decisions) == 0 and off.decisions.keys() == []
    assert isinstance(off.decisions, Memo) and off.decisions.size == 0


def test_requests_differing_only_in_an_instruments_scope_never_share_a_decision():
    """Found by the randomised test above: two requests whose instruments' scopes differ
    (one covers the registration status asked for, one does not) were handed the same
    remembered decision. The instrument, the requester, the purpose and the review are all
    part of the key now."""
    scope = ["loans.titles", "registration.status", "registration.card_number", "searches.records"]
    requested = [
        "ill.records", "rooms.records", "overdue.titles", "registration.name", "charges.amount",
        "video.records", "loans.titles", "lost.titles", "history.titles", "registration.status",
    ]  # fmt: skip
    covers = {
        "profile": "westchester",
        "requester": {
            "kind": "immigration",
            "financially_responsible": True,
            "authorization_scope": requested,
        },
        "channel": "online",
        "evidence": [],
        "patron": {},
        "purpose": "library_business",
        "instrument": {
            "type": "fisa_order",
            "signed_by": "attorney",
            "court": "state",
            "nondisclosure": True,
            "scope": scope,
        },
        "review": {
            "by": "director",
            "instrument_valid": True,
            "counsel_consulted": False,
            "board_consulted": False,
            "emergency_confirmed": False,
        },
        "requested": requested,
    }
    other_scope = [f if f != "registration.status" else "registration.birthdate" for f in scope]
    misses = {**covers, "instrument": {**covers["instrument"], "scope": other_scope}}
    assert COLD.decide(covers) != COLD.decide(misses)  # the scope changes the decision
    engine = Engine(cache_size=0, memo_size=100)
    for request in (misses, covers, misses, covers):
        assert engine.decide(request) == COLD.decide(request)
