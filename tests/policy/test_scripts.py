"""Words to say (each profile's scripts.toml): loaded and checked with the profile, complete
for everything its rules can produce, refused when wrong, and worded cleanly."""

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from custodian.policy import decide, get_engine
from custodian.policy.engine import SHIPPED_PROFILES, Engine
from custodian.policy.errors import ProfileError
from custodian.policy.explain import proof_words
from custodian.policy.fixtures import load_fixtures
from custodian.policy.profile import load_profile
from custodian.policy.scripts import SITUATIONS, situation
from custodian.policy.vocabulary import decision_schema
from tests.policy.test_cli import run
from tests.policy.test_properties import PROFILES, requests

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "riverbend"
FOLDERS = [SHIPPED_PROFILES / name for name in PROFILES] + [EXAMPLE]


def _copy(tmp_path, name="sonoma-county") -> Path:
    folder = tmp_path / name
    shutil.copytree(SHIPPED_PROFILES / name, folder)
    return folder


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "scripts.toml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _drop(folder: Path, header: str) -> None:
    """Remove one table (its header and its one line of words) from scripts.toml."""
    path = folder / "scripts.toml"
    lines = path.read_text().splitlines(keepends=True)
    at = lines.index(header + "\n")
    path.write_text("".join(lines[:at] + lines[at + 2 :]))


def _error(folder: Path) -> str:
    with pytest.raises(ProfileError) as caught:
        load_profile(folder)
    return str(caught.value)


# ---- loading --------------------------------------------------------------------------


def test_sonoma_officer_referral_words_are_first_person_and_plain():
    scripts = get_engine().profile("sonoma-county").scripts
    decision = {"outcome": "refer", "refer_to": "director", "needs_proof": []}
    words = scripts.for_outcome(decision, "immigration")
    assert words == (
        "I can't give out information about anyone's library use. "
        "I need to call the Library Director first."
    )
    badge = scripts.for_obligation("record_officer_credentials")
    assert badge.spoken and "badge" in badge.for_kind("immigration")
    # Not the binder's words: no script repeats the instruction to staff.
    assert "shall" not in words and "staff" not in words.lower()


def test_words_by_who_is_asking_kind_then_group_then_any():
    scripts = get_engine().profile("sonoma-county").scripts
    refer = scripts.outcomes["refer_director"]
    assert refer.for_kind("guardian") == refer.by_who["guardian"]  # the kind itself
    assert refer.for_kind("law_enforcement") == refer.by_who["officers"]  # its group
    assert refer.for_kind("media") == refer.by_who["any"]  # nothing closer
    assert refer.for_kind("law_enforcement") != refer.for_kind("media")


def test_obligations_are_said_or_done_never_both():
    scripts = get_engine().profile("sonoma-county").scripts
    said = {k for k, w in scripts.obligations.items() if w.spoken}
    done = {k for k, w in scripts.obligations.items() if not w.spoken}
    assert {"record_officer_credentials", "state_no_voluntary_consent"} <= said
    assert {"ask_response_address", "no_participation_in_custody"} <= said
    # What nobody says aloud is a line of what to do, not fake speech.
    assert {"notify_director", "incident_report", "document_decision_basis"} <= done
    jensen = get_engine().profile("jensen-memorial").scripts
    assert not jensen.for_obligation("written_decision").spoken


def test_the_proof_still_needed_is_put_into_the_words():
    scripts = get_engine().profile("sonoma-county").scripts
    decision = decide(
        {
            "profile": "sonoma-county",
            "requester": {"kind": "patron"},
            "channel": "phone",
            "evidence": ["card_number"],
            "patron": {},
            "purpose": None,
            "instrument": None,
            "review": None,
            "requested": ["loans.titles"],
        }
    )
    assert situation(decision) == "deny_needs_proof"
    words = scripts.for_outcome(decision, "patron", proof=proof_words(decision["needs_proof"]))
    assert words == "Before I can tell you that, I need the PIN. Can you give me that?"


# ---- completeness: no decision reaches the screen without words ------------------------


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_every_outcome_and_obligation_the_rules_name_has_words(folder):
    profile = load_profile(folder)
    scripts = profile.scripts
    named = {ob for rule in profile.rules.values() for ob in rule.obligations}
    referrals = {f"refer_{r.refer_to}" for r in profile.rules.values() if r.refer_to}
    assert named and named <= set(scripts.obligations)
    assert referrals and referrals <= set(scripts.outcomes)
    assert {"release", "partial_release", "deny", "deny_needs_proof"} <= set(scripts.outcomes)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_every_fixture_decision_has_words(folder):
    engine = Engine([], memo_size=0)  # its own, so the example never joins the shared one
    profile = engine.add_profile(folder)
    fixtures = load_fixtures(folder, set(profile.clauses))
    assert fixtures
    seen = set()
    for fixture in fixtures:
        decision = engine.decide({**fixture.request, "profile": profile.name})
        assert profile.scripts.missing(decision) == [], fixture.name
        seen.add(situation(decision))
    # The fixtures reach most situations, so the walk is not vacuous.
    assert len(seen) >= 3, seen


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests)
def test_any_decision_of_any_profile_has_words(request):
    decision = decide(request)
    scripts = get_engine().profile(request["profile"]).scripts
    assert scripts.missing(decision) == []
    kind = request["requester"]["kind"]
    proof = proof_words(decision["needs_proof"]) if decision["needs_proof"] else ""
    words = scripts.for_outcome(decision, kind, proof=proof)
    assert words.strip() and "{" not in words
    for ob in decision["obligations"]:
        assert scripts.for_obligation(ob).for_kind(kind).strip()


# ---- refusal of a bad scripts.toml ------------------------------------------------------


def test_a_missing_obligation_names_the_rule_that_needs_it(tmp_path):
    folder = _copy(tmp_path)
    _drop(folder, "[obligation.ask_response_address]")
    message = _error(folder)
    assert f"{folder / 'scripts.toml'}: " in message
    assert "no words for obligation 'ask_response_address'" in message
    assert re.search(r"procedure\.cedar:\d+ \(clause III\.C\.2\.d\.ii\)", message), message


def test_an_unknown_obligation_is_refused(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder, "[obligation.ask_response_address]", "[obligation.ask_for_coffee]")
    message = _error(folder)
    assert re.search(r"scripts\.toml:\d+: unknown obligation 'ask_for_coffee'", message), message


def test_a_missing_referral_is_refused(tmp_path):
    folder = _copy(tmp_path)
    _drop(folder, "[outcome.refer_branch_manager]")
    message = _error(folder)
    assert "no words for outcome 'refer_branch_manager'" in message and "III.C.1" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('say = "What is the purpose', 'sai = "What is the purpose', "unknown key 'sai'"),
        (
            'say = "What is the purpose of your visit today?"',
            'say = "What is the purpose?"\ndo = "Note it."',
            "either say or do, not both",
        ),
        ('say.guardian = "Without', 'say.grandparent = "Without', "unknown requester"),
        (
            "say.officers = \"I can't give out information about anyone's library use. I need",
            'say.officers = "{name}, I need',
            "unknown placeholder {name}",
        ),
        ("[outcome.deny]\nsay.any", "[outcome.deny]\nsay.guardian", 'with "any"'),
        ("[outcome.release]", "[outcomes.release]", "unknown table 'outcomes'"),
        ('say.any = "Yes, I can tell you that."', 'say.any = " "', "must be words"),
    ],
)
def test_a_bad_entry_is_refused_naming_file_and_line(tmp_path, old, new, expected):
    folder = _copy(tmp_path)
    _edit(folder, old, new)
    message = _error(folder)
    assert expected in message, message
    found = re.search(r"scripts\.toml:(\d+): ", message)
    assert found, message
    line = (folder / "scripts.toml").read_text().splitlines()[int(found.group(1)) - 1]
    assert line.startswith("[") or "say" in line or "do" in line, line


def test_a_profile_without_scripts_does_not_load(tmp_path):
    folder = _copy(tmp_path)
    (folder / "scripts.toml").unlink()
    assert "no scripts.toml" in _error(folder)


def test_policy_check_refuses_a_profile_missing_words(tmp_path):
    folder = _copy(tmp_path)
    _drop(folder, "[obligation.incident_report]")
    result = run("policy", "check", str(folder))
    assert result.returncode == 2
    assert "scripts.toml" in result.stderr and result.stderr.count("\n") == 1, result.stderr


# ---- wording -----------------------------------------------------------------------------


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_scripts_have_no_doubled_punctuation_or_words(folder):
    scripts = load_profile(folder).scripts
    filled = proof_words(["card_number", "pin"])
    for key, words in scripts.all_texts():
        words = words.replace("{proof}", filled)
        assert not re.search(r"(?<!\.)\.\.(?!\.)|\.;|;\.|,,|\.,|;;|\?\.|\.\?", words), (key, words)
        assert not re.search(r"\b([A-Za-z']+) \1\b", words, flags=re.I), (key, words)
        assert words[0].isupper() and words[-1] in ".?", (key, words)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_words_to_say_speak_to_the_person_not_about_staff(folder):
    profile = load_profile(folder)
    clause_texts = [c.text for c in profile.clauses.values()]
    person = re.compile(r"\b(I|I'm|I'll|me|my|you|your|we)\b", re.I)
    for group in (profile.scripts.outcomes, profile.scripts.obligations):
        for entry in group.values():
            for words in entry.texts():
                assert not any(words in text for text in clause_texts), words
                if entry.spoken:
                    assert person.search(words), (entry.key, words)


def test_situations_cover_every_outcome_the_contract_has():
    contract = set(decision_schema()["properties"]["outcome"]["enum"])
    covered = {"refer" if s.startswith("refer_") else s for s in SITUATIONS}
    assert contract <= covered | {"deny"} and "deny_needs_proof" in SITUATIONS


def test_a_stored_policy_version_without_words_still_decides(tmp_path):
    # Stored versions keep only the deciding files; written back for `audit check-decisions`
    # they get neutral words, so the old rules load and decide as before.
    from custodian.policy.replay import profile_files, write_profile

    files = profile_files(SHIPPED_PROFILES / "sonoma-county")
    assert "scripts.toml" not in files
    folder = write_profile(files, tmp_path / "version")
    engine = Engine([folder], memo_size=0)
    request = {
        "profile": "sonoma-county",
        "requester": {"kind": "public"},
        "channel": "in_person",
        "evidence": [],
        "patron": {},
        "purpose": None,
        "instrument": None,
        "review": None,
        "requested": ["loans.titles"],
    }
    assert engine.decide(request) == decide(request)
    assert engine.profile("sonoma-county").scripts.missing(engine.decide(request)) == []
