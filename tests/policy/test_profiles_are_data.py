"""A library's policy is its folder: edits change decisions with no code change, and
mistakes are reported naming the file and the line."""

import shutil

import pytest

from custodian.policy import Engine, ProfileError, load_profile
from custodian.policy.engine import SHIPPED_PROFILES

TEEN_ASKS = {
    "profile": "sonoma-county",
    "requester": {"kind": "guardian"},
    "channel": "in_person",
    "evidence": ["card_number"],
    "patron": {"age": 15},
    "requested": ["overdue.status", "loans.titles"],
}


@pytest.fixture
def sonoma(tmp_path):
    folder = tmp_path / "sonoma-county"
    shutil.copytree(SHIPPED_PROFILES / "sonoma-county", folder)
    return folder


def test_editing_cedar_rules_changes_decisions_without_code(sonoma):
    before = Engine([sonoma]).decide(TEEN_ASKS)
    assert before["release"] == ["overdue.status"]
    release = sonoma / "release.cedar"
    release.write_text(
        release.read_text().replace(
            '["overdue.status", "charges.amount"]',
            '["overdue.status", "charges.amount", "loans.titles"]',
        )
    )
    after = Engine([sonoma]).decide(TEEN_ASKS)
    assert after["release"] == ["overdue.status", "loans.titles"]


def test_editing_age_bands_in_toml_changes_decisions_without_code(sonoma):
    toml = sonoma / "profile.toml"
    # Suppose the library decides a child is under 16: a 15-year-old's parent sees titles.
    toml.write_text(toml.read_text().replace("below_age = 13", "below_age = 16"))
    after = Engine([sonoma]).decide(TEEN_ASKS)
    assert after["outcome"] == "release"


def test_a_library_can_add_its_own_profile_under_a_new_name(sonoma, tmp_path):
    toml = sonoma / "profile.toml"
    toml.write_text(toml.read_text().replace('name = "sonoma-county"', 'name = "petaluma"'))
    engine = Engine([sonoma])
    assert engine.decide({**TEEN_ASKS, "profile": "petaluma"})["profile"] == "petaluma"


def _broken(folder, file, old, new):
    path = folder / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ProfileError) as caught:
        load_profile(folder)
    return str(caught.value)


def test_cedar_syntax_error_names_file_and_line(sonoma):
    message = _broken(
        sonoma, "release.cedar", '@id("III.B.1.c")\npermit (', '@id("III.B.1.c")\npermit (('
    )
    line = (sonoma / "release.cedar").read_text().splitlines().index('@id("III.B.1.c")') + 1
    assert f"release.cedar:{line}:" in message and "Cedar" in message


def test_schema_violation_names_file_and_line(sonoma):
    message = _broken(
        sonoma, "release.cedar", "principal.patron.age_band ==", "principal.patron.age_bnd =="
    )
    assert "release.cedar:" in message and "age_bnd" in message


def test_unknown_clause_id_names_file_and_line(sonoma):
    message = _broken(sonoma, "procedure.cedar", '@id("III.C.2.h")', '@id("III.C.9")')
    assert "procedure.cedar:" in message and "III.C.9" in message


def test_unknown_obligation_names_file_and_line(sonoma):
    message = _broken(
        sonoma,
        "procedure.cedar",
        '@obligations("incident_report")',
        '@obligations("incident_reprot")',
    )
    assert "procedure.cedar:" in message and "incident_reprot" in message


def test_toml_syntax_error_names_file_and_line(sonoma):
    message = _broken(sonoma, "profile.toml", "below_age = 13", "below_age = = 13")
    assert "profile.toml:" in message and "TOML" in message


def test_bad_instrument_vocabulary_names_file(sonoma):
    message = _broken(sonoma, "profile.toml", '"arrest_warrant"', '"arest_warrant"')
    assert "profile.toml:" in message and "arest_warrant" in message


def test_clauses_toml_error_names_file(sonoma):
    message = _broken(sonoma, "clauses.toml", '["III.B.3"]\ntext', '["III.B.3"]\ntxt')
    assert "clauses.toml:" in message


def test_staff_fields_come_from_the_profile():
    engine = Engine()
    desk = engine.profile("westchester").staff_fields("desk")
    assert "loans.titles" in desk and "history.titles" not in desk and "video.records" not in desk
    assert engine.profile("jensen-memorial").staff_fields("auditor") == ()
    assert engine.profile("sonoma-county").staff_fields("it_admin") == ("registration.status",)
    with pytest.raises(KeyError):
        engine.profile("westchester").staff_fields("janitor")
