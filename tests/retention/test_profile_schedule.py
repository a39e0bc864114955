"""The profiles' `[retention.<category>]` tables: every category, checked at load, and each
cited clause really says what the schedule claims."""

import re
import shutil
from pathlib import Path

import pytest

from custodian.policy.errors import ProfileError
from custodian.policy.profile import load_profile
from custodian.policy.retention import ALLOWED, CATEGORIES

PROFILES = Path(__file__).resolve().parents[2] / "custodian" / "policy" / "profiles"
NAMES = ("sonoma-county", "jackson-county", "jensen-memorial", "westchester")
SEEDS = Path("/work/shared/seeds")


@pytest.mark.parametrize("name", NAMES)
def test_every_profile_schedules_every_category(name):
    profile = load_profile(PROFILES / name)
    assert tuple(profile.schedule) == CATEGORIES
    for category, rule in profile.schedule.items():
        assert rule.action in ALLOWED[category]
        assert rule.why, f"{name} {category}: no reason given"
        assert (rule.clause is None) == rule.silent
        assert (rule.days is None) == (rule.action == "keep")
    assert profile.schedule["audit"].action == "keep"
    # The older flat periods mirror the schedule.
    assert profile.retention["video_days"] == profile.schedule["video"].days
    assert profile.retention["computer_sessions_days"] == profile.schedule["computer_sessions"].days


# What the seed's words must say for the schedule to cite them, per (profile, clause).
CITED_WORDS = {
    ("jackson-county", "IV.d"): ["purging or manually shredding", "no longer needed"],
    ("jackson-county", "III"): ["past checkouts if patron opted-in"],
}


@pytest.mark.parametrize("name", NAMES)
def test_each_cited_clause_names_the_period_or_action(name):
    profile = load_profile(PROFILES / name)
    cited = {rule.clause for rule in profile.schedule.values() if rule.clause}
    assert cited == {clause for (p, clause) in CITED_WORDS if p == name}
    seed_file = profile.source.removeprefix("shared/seeds/")
    seed = " ".join((SEEDS / seed_file).read_text(encoding="utf-8").split()) if (
        SEEDS / seed_file
    ).exists() else None  # fmt: skip
    for clause in cited:
        text = " ".join(profile.clauses[clause].text.split())
        for words in CITED_WORDS[(name, clause)]:
            assert words in text, f"{name} {clause} does not say {words!r}"
            if seed is not None:
                assert words in seed, f"the seed of {name} does not say {words!r}"


def test_jackson_cites_its_shredding_for_cases():
    rule = load_profile(PROFILES / "jackson-county").schedule["cases"]
    assert rule.clause == "IV.d" and "shredded" in rule.why


def _broken(tmp_path, old: str, new: str) -> Path:
    folder = tmp_path / "sonoma-county"
    shutil.copytree(PROFILES / "sonoma-county", folder)
    toml = folder / "profile.toml"
    text = toml.read_text(encoding="utf-8")
    assert re.search(old, text, flags=re.M), old
    toml.write_text(re.sub(old, new, text, count=1, flags=re.M), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (r"^\[retention\.searches\]", "[retention.gossip]", "unknown retention category 'gossip'"),
        (r"^\[retention\.searches\]", "[retention.searchez]", "unknown retention category"),
        (
            r"^(\[retention\.searches\]\n)days = 1",
            r"\1days = -3",
            "[retention.searches] days cannot be negative (-3)",
        ),
        (
            r'^(\[retention\.searches\]\ndays = 1\n)action = "strip"',
            r'\1action = "shred"',
            "[retention.searches] action must be one of delete, strip, keep, not 'shred'",
        ),
        (
            r'^(\[retention\.reading_history\]\ndays = \d+\n)action = "delete"',
            r'\1action = "strip"',
            "[retention.reading_history] action 'strip' does not apply here (allowed: delete)",
        ),
        (
            r"^(\[retention\.searches\]\ndays = 1\naction = \"strip\"\n)silent = true",
            r'\1clause = "no-such-clause"',
            "cites unknown clause 'no-such-clause'",
        ),
        (
            r"^(\[retention\.searches\]\ndays = 1\naction = \"strip\"\n)silent = true\nwhy = .*$",
            r"\1silent = true",
            "say why this default",
        ),
        (
            r"^(loan_link_after_return_days = 0.*)$",
            r"\1\nvideo_days = 31",
            "video_days = 31 disagrees with [retention.video] days = 30",
        ),
    ],
)
def test_a_broken_schedule_is_refused_at_load_naming_the_profile(tmp_path, old, new, message):
    with pytest.raises(ProfileError) as caught:
        load_profile(_broken(tmp_path, old, new))
    assert "profile 'sonoma-county'" in str(caught.value)
    assert message in str(caught.value)
    assert "profile.toml" in str(caught.value)


def test_a_missing_category_is_refused(tmp_path):
    folder = _broken(tmp_path, r"^\[retention\.ill\]\n(.*\n){4}", "")
    with pytest.raises(ProfileError, match=r"\[retention.ill\] is missing"):
        load_profile(folder)
