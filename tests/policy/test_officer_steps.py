"""A profile may carry the checklist staff walk through when an officer asks (data, not code)."""

import shutil

import pytest

from custodian.policy import ProfileError, get_engine, load_profile
from custodian.policy.engine import SHIPPED_PROFILES


def test_sonoma_III_C_2_officer_checklist_steps_a_to_i_each_cite_their_clause():
    profile = get_engine().profile("sonoma-county")
    codes = [code for code, _, _ in profile.officer_steps]
    assert codes == list("abcdefghi")
    for code, clause, text in profile.officer_steps:
        assert clause == f"III.C.2.{code}"
        assert clause in profile.clauses and text


@pytest.mark.parametrize("name", ["jackson-county", "jensen-memorial", "westchester"])
def test_profiles_without_an_officer_procedure_have_no_steps(name):
    assert get_engine().profile(name).officer_steps == ()


def test_an_officer_step_citing_an_unknown_clause_names_file_and_line(tmp_path):
    folder = tmp_path / "sonoma-county"
    shutil.copytree(SHIPPED_PROFILES / "sonoma-county", folder)
    toml = folder / "profile.toml"
    toml.write_text(toml.read_text().replace('clause = "III.C.2.h"', 'clause = "III.C.2.z"'))
    with pytest.raises(ProfileError) as err:
        load_profile(folder)
    message = str(err.value)
    assert "profile.toml:" in message and "III.C.2.z" in message
    line = int(message.split("profile.toml:")[1].split(":")[0])
    assert 'clause = "III.C.2.z"' in toml.read_text().splitlines()[line - 1]
