"""`custodian policy new NAME --from PROFILE [--to DIR]`: a library's own profile, started
as a copy of a shipped one (issue 8, "Your own library's policy")."""

import json
import os
import subprocess
import tomllib

import pytest

from custodian.policy.engine import SHIPPED_PROFILES
from tests.policy.test_cli import COMMAND, assert_one_line_error, run


def test_new_copies_the_profile_renames_it_and_its_fixtures_pass(tmp_path):
    target = tmp_path / "riverbend"
    result = run("policy", "new", "riverbend", "--from", "jensen-memorial", "--to", str(target))
    assert result.returncode == 0, result.stderr
    data = tomllib.loads((target / "profile.toml").read_text())
    assert data["name"] == "riverbend"
    assert data["display_name"] != "Jensen Memorial Library" and "EDIT ME" in data["display_name"]
    # Everything else is the starting point, unchanged: rules, clauses, fixtures.
    for name in ("clauses.toml", "release.cedar", "procedure.cedar"):
        assert (target / name).read_text() == (
            SHIPPED_PROFILES / "jensen-memorial" / name
        ).read_text()
    shipped = sorted(
        p.name for p in (SHIPPED_PROFILES / "jensen-memorial" / "fixtures").glob("*.json")
    )
    assert shipped and sorted(p.name for p in (target / "fixtures").glob("*.json")) == shipped
    # The next steps, in plain words, name the folder and the check to run.
    assert "Next steps" in result.stdout and f"custodian policy check {target}" in result.stdout
    checked = run("policy", "check", "--strict", str(target))
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.startswith("riverbend: loaded")


def test_the_new_profile_answers_requests_under_its_own_name(tmp_path):
    target = tmp_path / "mine"
    assert (
        run("policy", "new", "hillside", "--from", "westchester", "--to", str(target)).returncode
        == 0
    )
    request = {
        "profile": "hillside",
        "requester": {"kind": "patron"},
        "channel": "in_person",
        "evidence": ["photo_id"],
        "requested": ["loans.titles"],
    }
    env = {**os.environ, "CUSTODIAN_POLICY_PROFILES": str(target)}
    result = subprocess.run(
        [*COMMAND, "decide"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["profile"] == "hillside" and decision["release"] == ["loans.titles"]


def test_new_defaults_to_a_folder_named_after_the_profile(tmp_path):
    result = subprocess.run(
        [*COMMAND, "policy", "new", "oakdale", "--from", "sonoma-county"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "oakdale" / "profile.toml").is_file()
    assert (tmp_path / "oakdale" / "fixtures").is_dir()
    # Nothing but the new folder is left behind (the copy is staged and moved in place).
    assert [p.name for p in tmp_path.iterdir()] == ["oakdale"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["Bad_Name", "--from", "westchester"], ["'Bad_Name' is not a valid profile name"]),
        (["../escape", "--from", "westchester"], ["not a valid profile name"]),
        (["riverbend", "--from", "atlantis"], ["unknown profile 'atlantis'", "westchester"]),
        (["westchester", "--from", "sonoma-county"], ["'westchester' already exists"]),
    ],
)
def test_new_refuses_bad_input_in_one_line_and_creates_nothing(tmp_path, args, words):
    target = tmp_path / "out"
    assert_one_line_error(run("policy", "new", *args, "--to", str(target)), *words)
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_new_refuses_a_folder_that_exists_and_leaves_it_alone(tmp_path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    assert_one_line_error(
        run("policy", "new", "riverbend", "--from", "westchester", "--to", str(target)),
        "already exists",
    )
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
