"""A profile's `[kiosks]` table (issue 12): what a SIP machine of each purpose may show."""

import re
import shutil

import pytest

from custodian.policy import ProfileError, get_engine
from custodian.policy.kiosks import NEVER, PURPOSES
from custodian.policy.profile import load_profile

PROFILES = ("westchester", "jackson-county", "jensen-memorial", "sonoma-county")
KIOSKS = re.compile(r"\[kiosks\].*", re.S)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_profile_says_what_each_machine_may_show_and_why(profile):
    p = get_engine().profile(profile)
    assert set(p.kiosks.fields) == set(PURPOSES)
    assert p.kiosks.silent or p.kiosks.clause
    for purpose in PURPOSES:
        assert not p.kiosk_fields(purpose) & NEVER
    assert p.kiosk_fields("return") == frozenset()
    assert {"loans.titles", "loans.due_dates"} <= p.kiosk_fields("self_check")
    assert not any(f.endswith(".titles") for f in p.kiosk_fields("pc_booking"))


def _with_kiosks(tmp_path, table: str):
    folder = tmp_path / "sonoma-county"
    shutil.copytree(get_engine().profile("sonoma-county").folder, folder)
    toml = folder / "profile.toml"
    toml.write_text(KIOSKS.sub(table, toml.read_text()))
    return folder


GOOD = 'silent = "not addressed"\nself_check = ["loans.*"]\npc_booking = []\nreturn = []\n'


def test_a_profile_without_the_table_gets_the_seed_profiles_default(tmp_path):
    p = load_profile(_with_kiosks(tmp_path, ""))
    seed = get_engine().profile("sonoma-county")
    assert p.kiosks.silent and "no [kiosks] table" in p.kiosks.silent
    for purpose in PURPOSES:
        assert p.kiosk_fields(purpose) == seed.kiosk_fields(purpose)


def test_a_well_formed_table_loads_and_expands_patterns(tmp_path):
    p = load_profile(_with_kiosks(tmp_path, "[kiosks]\n" + GOOD))
    assert p.kiosk_fields("self_check") == {"loans.count", "loans.due_dates", "loans.titles"}
    with pytest.raises(KeyError):
        p.kiosk_fields("vending")


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ("[kiosks]\nself_check = []\npc_booking = []\nreturn = []\n", "clause.*silent"),
        ('[kiosks]\nsilent = "x"\nclause = "III.A"\n' + GOOD.split("\n", 1)[1], "either"),
        (
            '[kiosks]\nclause = "XIV"\nself_check = []\npc_booking = []\nreturn = []\n',
            "unknown clause",
        ),
        ('[kiosks]\nsilent = "x"\npc_booking = []\nreturn = []\n', "no 'self_check'"),
        ("[kiosks]\n" + GOOD.replace('["loans.*"]', '["loans.titel"]'), "unknown field"),
        ("[kiosks]\n" + GOOD.replace('["loans.*"]', '["registration.address"]'), "no machine"),
        ("[kiosks]\n" + GOOD.replace('["loans.*"]', '["registration.*"]'), "no machine"),
        ("[kiosks]\n" + GOOD.replace("return = []", 'return = ["loans.titles"]'), "return"),
        ("[kiosks]\n" + GOOD.replace("return = []", 'return = ["registration.name"]'), "return"),
        ("[kiosks]\n" + GOOD + "vending = []\n", "unknown key 'vending'"),
        ("[kiosks]\n" + GOOD.replace('["loans.*"]', '"loans.titles"'), "must be a list"),
    ],
)
def test_a_bad_table_is_refused_naming_the_problem(tmp_path, table, words):
    with pytest.raises(ProfileError, match=words) as refused:
        load_profile(_with_kiosks(tmp_path, table))
    assert "[kiosks]" in str(refused.value)
