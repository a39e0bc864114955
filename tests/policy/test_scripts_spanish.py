"""The desk's words in Spanish (each profile's scripts.es.toml): every English entry has
its Spanish, with the same requester variants; a profile may ship without one; a Spanish
file that lags behind the English one does not load."""

import shutil

import pytest
from hypothesis import HealthCheck, given, settings

from custodian.policy import decide, get_engine
from custodian.policy.engine import SHIPPED_PROFILES
from custodian.policy.errors import ProfileError
from custodian.policy.profile import load_profile
from custodian.policy.scripts import SPANISH_PROOFS, spanish_proof_words
from custodian.policy.vocabulary import EVIDENCE
from tests.policy.test_properties import PROFILES, requests


def _copy(tmp_path, name="sonoma-county"):
    folder = tmp_path / name
    shutil.copytree(SHIPPED_PROFILES / name, folder)
    return folder


def _error(folder) -> str:
    with pytest.raises(ProfileError) as caught:
        load_profile(folder)
    return str(caught.value)


@pytest.mark.parametrize("name", PROFILES)
def test_every_shipped_profile_has_spanish_for_every_english_entry(name):
    scripts = get_engine().profile(name).scripts
    assert scripts.spanish is not None
    for english, spanish in (
        (scripts.outcomes, scripts.spanish.outcomes),
        (scripts.obligations, scripts.spanish.obligations),
    ):
        assert english.keys() == spanish.keys()
        for key, words in english.items():
            assert spanish[key].spoken == words.spoken
            assert spanish[key].by_who.keys() == words.by_who.keys()
            # Translated, not copied: no Spanish line is the English line.
            assert not set(spanish[key].texts()) & set(words.texts()), key


def test_sonoma_refusal_in_spanish():
    spanish = get_engine().profile("sonoma-county").scripts.spanish
    assert spanish.outcomes["deny"].for_kind("journalist").startswith("Lo siento")
    # Officers get their own words, in Spanish too (kind -> group -> any, as in English).
    assert "orden judicial" in spanish.outcomes["deny"].for_kind("immigration")


def test_the_proof_still_needed_is_asked_in_spanish():
    assert spanish_proof_words(["card_number", "pin"]) == (
        "el número completo de la tarjeta y el PIN"
    )
    assert spanish_proof_words(["library_card", "photo_id", "pin"]) == (
        "la tarjeta de la biblioteca, una identificación con foto y el PIN"
    )
    assert set(SPANISH_PROOFS) == set(EVIDENCE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
def test_any_decision_has_spanish_words_too(request):
    decision = decide(request)
    spanish = get_engine().profile(request["profile"]).scripts.spanish
    assert spanish.missing(decision) == []


def test_a_profile_may_ship_without_spanish(tmp_path):
    folder = _copy(tmp_path)
    (folder / "scripts.es.toml").unlink()
    assert load_profile(folder).scripts.spanish is None


def test_a_spanish_file_missing_an_entry_is_refused(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "scripts.es.toml"
    lines = path.read_text().splitlines(keepends=True)
    at = lines.index("[obligation.record_purpose]\n")
    path.write_text("".join(lines[:at] + lines[at + 2 :]))
    message = _error(folder)
    assert "scripts.es.toml" in message
    assert "no Spanish words for obligation 'record_purpose'" in message


def test_a_spanish_file_missing_a_requester_variant_is_refused(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "scripts.es.toml"
    text = path.read_text()
    line = next(x for x in text.splitlines() if x.startswith("say.staff"))
    path.write_text(text.replace(line + "\n", ""))
    message = _error(folder)
    assert "[outcome.deny]: give words for the same requesters" in message


def test_a_spanish_do_for_an_english_say_is_refused(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "scripts.es.toml"
    text = path.read_text().replace('say = "¿Cuál es el motivo', 'do = "¿Cuál es el motivo')
    path.write_text(text)
    assert "[obligation.record_purpose]: use say" in _error(folder)


def test_a_spanish_entry_the_english_lacks_is_refused(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "scripts.es.toml"
    path.write_text(path.read_text() + '\n[obligation.written_decision]\ndo = "La Dirección."\n')
    assert "[obligation.written_decision] is not in scripts.toml" in _error(folder)
