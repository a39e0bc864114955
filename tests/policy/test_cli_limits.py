"""Hostile input to `custodian decide` and `custodian policy check` (issue 7, hardening).

Each attack is carried out against the real command: deep nesting, duplicate keys, a
2-million-item list, bytes that are not UTF-8, a 50 MB or deeply nested TOML. Each must end
with exit 2 and one line on standard error naming the problem, no traceback. "Fast" is shown
without a stopwatch (no timed unit tests here): the in-process tests prove the hostile input
is refused before the parser that would recurse or crawl through it is ever called.
"""

import json
import shutil
import subprocess

import pytest

from custodian.policy import limits
from custodian.policy import profile as profile_module
from custodian.policy.engine import SHIPPED_PROFILES
from custodian.policy.errors import ProfileError
from custodian.policy.profile import load_profile
from tests.policy.test_cli import COMMAND, GOOD, assert_one_line_error, run

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 20_000 + "1" + "}" * 20_000  # under the size limit
DUPLICATE = (
    '{"profile": "westchester", "profile": "sonoma-county", "requester": {"kind": "patron"},'
    ' "channel": "phone", "evidence": ["card_number"], "requested": ["loans.count"]}'
)
TWO_MILLION = json.dumps({**GOOD, "evidence": ["card_number"] * 2_000_000})
LONG_LIST = json.dumps({**GOOD, "requested": [0] * 5000})  # small in bytes, long in items
NOT_UTF8 = b'{"profile": "westchester\xff\xfe"}'

# (stdin, words the one error line must contain)
CASES = {
    "deep_lists": (DEEP, ["nested more than 32 levels"]),
    "deep_objects": (DEEP_OBJECT, ["nested more than 32 levels"]),
    "duplicate_key": (DUPLICATE, ["appears twice", "profile"]),
    "two_million_items": (TWO_MILLION, ["too large"]),
    "many_items": (LONG_LIST, ["more than 1000 entries"]),
    "nan": ('{"profile": NaN}', ["NaN is not a JSON number"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_decide_refuses_hostile_json_in_one_line(name, tmp_path):
    stdin, words = CASES[name]
    assert_one_line_error(run("decide", stdin=stdin), "standard input", *words)
    path = tmp_path / "r.json"
    path.write_text(stdin)
    assert_one_line_error(run("decide", str(path)), str(path), *words)


@pytest.mark.parametrize("name", sorted(CASES))
def test_decide_jsonl_names_the_hostile_line(name):
    stdin, words = CASES[name]
    result = run("decide", "--jsonl", stdin=json.dumps(GOOD) + "\n" + stdin + "\n")
    assert_one_line_error(result, "line 2", *words)
    # The good first line was answered before the bad one stopped the run.
    assert len(result.stdout.splitlines()) == 1
    assert json.loads(result.stdout)["release"] == ["loans.count"]


def test_decide_refuses_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "r.json"
    path.write_bytes(NOT_UTF8)
    assert_one_line_error(run("decide", str(path)), "not UTF-8", "0xff")
    lines = json.dumps(GOOD).encode() + b"\n" + NOT_UTF8 + b"\n"
    result = subprocess.run(
        [*COMMAND, "decide", "--jsonl"],
        input=lines,
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 2
    err = result.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "line 2" in err[0] and "not UTF-8" in err[0], err


def test_jsonl_refuses_an_overlong_line_without_reading_it_all():
    huge = '{"x": "' + "a" * (limits.MAX_REQUEST_BYTES * 4) + '"}'
    result = run("decide", "--jsonl", stdin=json.dumps(GOOD) + "\n" + huge + "\n")
    assert_one_line_error(result, "line 2", "too large")


@pytest.fixture
def parsers_must_not_run(monkeypatch):
    """Make the real parsers fail the test if they are reached at all."""

    def reached(*args, **kwargs):
        raise AssertionError("the parser was reached with hostile input")

    monkeypatch.setattr(limits.json, "loads", reached)
    monkeypatch.setattr(profile_module.tomllib, "loads", reached)


@pytest.mark.parametrize("text", [DEEP, DEEP_OBJECT, TWO_MILLION], ids=["deep", "objects", "2M"])
def test_hostile_json_is_refused_before_the_parser_runs(text, parsers_must_not_run):
    with pytest.raises(ValueError, match="nested more than|too large"):
        limits.load_json(text, ValueError, "input")


def test_honest_requests_still_parse():
    assert limits.load_json(json.dumps(GOOD).encode(), ValueError, "input") == GOOD
    # Brackets inside strings do not count as nesting.
    assert limits.load_json(json.dumps({"a": "[" * 1000}), ValueError, "x") == {"a": "[" * 1000}


@pytest.fixture
def folder(tmp_path):
    dest = tmp_path / "mylib"
    shutil.copytree(SHIPPED_PROFILES / "westchester", dest)
    return dest


def _never(*args, **kwargs):
    raise AssertionError("the TOML parser was reached with hostile input")


def _check(folder, *words):
    result = run("policy", "check", str(folder))
    assert_one_line_error(result, *words)
    return result


def test_policy_check_refuses_a_50_mb_toml_before_reading_it(folder, monkeypatch):
    with open(folder / "profile.toml", "r+b") as f:
        f.seek(0, 2)
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, quick to make
    _check(folder, "profile.toml", "too large")
    # Refused from what a bounded read returns, before the TOML parser sees any of it.
    monkeypatch.setattr(profile_module.tomllib, "loads", _never)
    with pytest.raises(ProfileError, match="too large"):
        load_profile(folder)


@pytest.mark.parametrize(
    "tail",
    [
        "deep = " + "[" * 100_000 + "]" * 100_000,
        "deep = " + "{a = " * 50_000 + "1" + "}" * 50_000,
    ],
    ids=["arrays", "inline_tables"],
)
def test_policy_check_refuses_deeply_nested_toml(folder, tail, parsers_must_not_run):
    path = folder / "profile.toml"
    path.write_text(tail + "\n" + path.read_text())
    _check(folder, "profile.toml", "nested more than 32 levels")
    with pytest.raises(ProfileError, match="nested"):
        load_profile(folder)


def test_policy_check_refuses_toml_that_is_not_utf8(folder):
    path = folder / "clauses.toml"
    path.write_bytes(b"# caf\xe9\n" + path.read_bytes())
    _check(folder, "clauses.toml", "not UTF-8", "0xe9")


def test_policy_check_refuses_duplicate_toml_keys(folder):
    path = folder / "profile.toml"
    path.write_text('name = "a"\n' + path.read_text())
    _check(folder, "profile.toml")


def test_policy_check_refuses_a_huge_cedar_file(folder):
    (folder / "zz.cedar").write_text("// padding\n" * 200_000)
    _check(folder, "zz.cedar", "too large")


def test_toml_strings_and_comments_do_not_count_as_nesting(folder):
    path = folder / "profile.toml"
    noise = 'x_note = "' + "[" * 100 + '"\n' + "# " + "{" * 100 + "\n"
    path.write_text(noise + path.read_text())
    assert load_profile(folder).name == "westchester"
