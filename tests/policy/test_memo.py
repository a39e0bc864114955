"""The memo of Cedar's answers (custodian/policy/memo.py): exact, bounded, never personal."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodian.policy import Engine, ProfileError
from custodian.policy import engine as engine_module
from custodian.policy.memo import DEFAULT_MEMO_SIZE, MEMO_SIZE_ENV, Memo, memo_size_from_env
from tests.policy.test_properties import SETTINGS, requests

COLD = Engine(cache_size=0, memo_size=0)
# One memo for the whole run, as in a server: later examples are answered from earlier ones.
WARM = Engine(cache_size=0, memo_size=4096)

ADULT_PATRON = {
    "profile": "sonoma-county",
    "requester": {"kind": "patron"},
    "channel": "in_person",
    # Proof enough for everything asked, so no `needs_proof` search adds entries.
    "evidence": ["photo_id"],
    "patron": {"age": 34},
    "purpose": None,
    "instrument": None,
    "review": None,
    "requested": ["loans.titles", "registration.address", "holds.count"],
}


def _with_age(request: dict, age: int) -> dict:
    return {**request, "patron": {"age": age}}


def _counting_cedar(monkeypatch) -> list:
    calls = []
    real = engine_module.ask_cedar

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(engine_module, "ask_cedar", counted)
    return calls


@SETTINGS
@given(requests, st.integers(0, 130))
def test_the_memo_decides_as_a_cold_engine_field_for_field(request, other_age):
    # The request, the same again (answered by the memo), and the same request about a
    # patron of another age (answered by the memo whenever Cedar is given the same facts).
    cold = COLD.decide(request)
    assert WARM.decide(request) == cold
    assert WARM.decide(request) == cold
    other = _with_age(request, other_age)
    assert WARM.decide(other) == COLD.decide(other)
    assert len(WARM.memo) > 0


def test_distinct_requests_with_the_same_facts_share_cedars_answer(monkeypatch):
    engine = Engine(cache_size=0, memo_size=100)
    guardian = {**ADULT_PATRON, "requester": {"kind": "guardian"}, "evidence": ["library_card"]}
    cold = COLD.decide(_with_age(guardian, 9))
    calls = _counting_cedar(monkeypatch)
    first = engine.decide(_with_age(guardian, 5))
    second = engine.decide(_with_age(guardian, 9))  # another child under 13: the same facts
    assert len(calls) == 1 and len(engine.memo) == 1
    assert first["release"] == second["release"] and first["citations"] == second["citations"]
    assert first["explanation"] != second["explanation"]  # built from each request
    assert second == cold
    engine.decide(_with_age(guardian, 15))  # a teen: other facts, so Cedar is asked
    assert len(calls) == 2 and len(engine.memo) == 2


def test_the_key_holds_only_facts_nothing_personal():
    engine = Engine(cache_size=0, memo_size=100)
    request = _with_age(ADULT_PATRON, 47)
    engine.decide(request)
    [(facts, text, fields)] = engine.memo.keys()
    compiled = engine.profile("sonoma-county").compiled["patron"]
    assert facts is compiled.facts  # the policy sets, by their compiled owner
    # One question per class of field: these three have the same facts for a patron.
    assert fields == ("loans.titles",)
    entities = json.loads(text)
    # The principal is the fixed Requester::"asking" with no attributes, only facts as
    # parents; fields are the vocabulary's; nothing of the request is copied in verbatim.
    assert entities[0]["uid"] == {"type": "Requester", "id": "asking"}
    assert entities[0]["attrs"] == {}
    for entity in entities:
        assert entity["uid"]["type"] in {"Requester", "Field"}
        assert {p["type"] for p in entity["parents"]} <= {"Fact", "FieldGroup"}
    assert "47" not in text and 'age"' not in text
    # Not the evidence itself: the proof of identity it establishes (profile.toml [proofs]).
    assert "proofs:patron_identified" in text


def test_the_key_never_holds_a_patron_ref_a_caller_has(monkeypatch):
    # The contract request has no place for a patron ref (the door keeps it); a caller that
    # tried to slip one in is refused before Cedar is asked, and nothing is remembered.
    engine = Engine(cache_size=0, memo_size=100)
    ref = "3f2c9a4e-7b1d-4c62-9a0e-5d8f1b2c3a47"
    bad = {**ADULT_PATRON, "patron": {"age": 34, "ref": ref}}
    with pytest.raises(Exception, match="ref"):
        engine.decide(bad)
    assert engine.memo.keys() == []
    engine.decide(ADULT_PATRON)
    assert all(ref not in repr(key) for key in engine.memo.keys())


def test_reloading_a_profile_empties_the_memo():
    engine = Engine(cache_size=0, memo_size=100)
    engine.decide(ADULT_PATRON)
    engine.decide({**ADULT_PATRON, "profile": "westchester"})
    assert len(engine.memo) == 2
    old_facts = engine.profile("sonoma-county").compiled["patron"].facts
    engine.reload_profile("sonoma-county")
    assert len(engine.memo) == 0
    # The reloaded rules are new objects: an entry made for the old ones could never match.
    assert engine.profile("sonoma-county").compiled["patron"].facts is not old_facts
    assert engine.decide(ADULT_PATRON) == COLD.decide(ADULT_PATRON)
    assert len(engine.memo) == 1


def test_the_size_bound_holds_and_the_least_recently_used_goes_first():
    # Evidence that establishes every proof Sonoma names in person, so no `needs_proof`
    # search asks Cedar again.
    every_proof = ["library_card", "photo_id", "written_authorization"]
    guardian = {**ADULT_PATRON, "requester": {"kind": "guardian"}, "evidence": every_proof}
    # Four requests that give Cedar four different sets of facts (Sonoma's age bands, and
    # the phone with card number and PIN instead of the card in person).
    asks = [_with_age(guardian, age) for age in (5, 15, 40)]
    asks.append({**_with_age(guardian, 40), "channel": "phone", "evidence": ["card_number", "pin"]})
    big = Engine(cache_size=0, memo_size=100)
    for ask in asks:
        big.decide(ask)
    assert len(big.memo) == 4
    engine = Engine(cache_size=0, memo_size=3)
    # Cedar's answers alone: a remembered whole decision would answer before them.
    engine.decisions = Memo(0)
    for ask in asks[:3]:
        engine.decide(ask)
    first = engine.memo.keys()[0]
    engine.decide(asks[0])  # used again: now the most recent
    engine.decide(asks[3])  # the fourth evicts the least recently used, the 15-year-old's
    keys = engine.memo.keys()
    assert len(keys) == 3 and keys[1] == first
    assert big.memo.keys()[1] not in keys  # the 15-year-old's facts
    for evidence in ([], ["pin"], ["photo_id"], ["library_card", "pin"]):
        for age in (3, 8, 12, 14, 16, 30, 70):
            engine.decide({**_with_age(guardian, age), "evidence": evidence})
            assert len(engine.memo) <= 3
    memo = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "a" is now the most recent
    memo.put("c", 3)
    assert memo.keys() == ["a", "c"]


def test_size_zero_means_no_memo(monkeypatch):
    engine = Engine(cache_size=0, memo_size=0)
    calls = _counting_cedar(monkeypatch)
    for _ in range(3):
        engine.decide(ADULT_PATRON)
    assert len(calls) == 3 and len(engine.memo) == 0 and engine.memo.keys() == []


def test_the_size_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(MEMO_SIZE_ENV, raising=False)
    assert memo_size_from_env() == DEFAULT_MEMO_SIZE
    monkeypatch.setenv(MEMO_SIZE_ENV, "0")
    assert Engine(cache_size=0).memo.size == 0
    monkeypatch.setenv(MEMO_SIZE_ENV, "250")
    assert Engine(cache_size=0).memo.size == 250
    assert Engine(cache_size=0, memo_size=7).memo.size == 7  # the argument wins
    for bad in ("-1", "lots", "1.5"):
        monkeypatch.setenv(MEMO_SIZE_ENV, bad)
        with pytest.raises(ProfileError, match=MEMO_SIZE_ENV):
            memo_size_from_env()


def test_rules_as_written_are_never_memoised(monkeypatch):
    engine = Engine(cache_size=0, prune=False, memo_size=100)
    engine.decide(ADULT_PATRON)
    assert len(engine.memo) == 0
