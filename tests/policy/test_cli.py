"""`custodian decide` and `custodian policy ...`: bad input exits 2 with one line, no traceback."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from custodian.policy import RequestError, decide
from custodian.policy.engine import SHIPPED_PROFILES

EXE = Path(sys.executable).parent / "custodian"
COMMAND = (
    [str(EXE)] if EXE.exists() else [sys.executable, "-c", "from custodian.cli import main; main()"]
)

GOOD = {
    "profile": "westchester",
    "requester": {"kind": "patron"},
    "channel": "phone",
    "evidence": ["card_number"],
    "requested": ["loans.count", "loans.titles"],
}


def run(*args, stdin=""):
    return subprocess.run(
        [*COMMAND, *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def assert_one_line_error(result, *words):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_decide_file_prints_decision(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(GOOD))
    result = run("decide", str(path))
    assert result.returncode == 0
    assert json.loads(result.stdout)["release"] == ["loans.count"]


def test_decide_jsonl_keeps_order_and_names_the_bad_line():
    lines = [GOOD, {**GOOD, "requested": ["loans.due_dates"]}, GOOD]
    ok = run("decide", "--jsonl", stdin="".join(json.dumps(r) + "\n" for r in lines))
    out = [json.loads(x) for x in ok.stdout.splitlines()]
    assert ok.returncode == 0 and [d["release"] for d in out] == [
        ["loans.count"],
        ["loans.due_dates"],
        ["loans.count"],
    ]
    bad = run(
        "decide",
        "--jsonl",
        stdin=json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "profile": "atlantis"}) + "\n",
    )
    assert_one_line_error(bad, "line 2", "atlantis")
    assert len(bad.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    ("stdin", "words"),
    [
        ("{not json", ["invalid JSON"]),
        (json.dumps({**GOOD, "profile": "atlantis"}), ["unknown profile", "atlantis"]),
        (json.dumps({**GOOD, "requested": ["loans.colour"]}), ["unknown field", "loans.colour"]),
        (json.dumps({**GOOD, "channel": "telegram"}), ["channel"]),
        (json.dumps({k: v for k, v in GOOD.items() if k != "requested"}), ["requested"]),
        (json.dumps([GOOD]), ["object"]),
    ],
    ids=[
        "bad-json",
        "unknown-profile",
        "unknown-field",
        "schema-violation",
        "missing-key",
        "not-an-object",
    ],
)
def test_decide_bad_input_exits_2_with_one_line(stdin, words):
    assert_one_line_error(run("decide", "-", stdin=stdin), *words)


def test_decide_unreadable_file_exits_2(tmp_path):
    assert_one_line_error(run("decide", str(tmp_path / "missing.json")), "cannot read")


def test_decide_jsonl_bad_json_names_line_number():
    result = run("decide", "--jsonl", stdin=json.dumps(GOOD) + "\n\n{oops\n")
    assert_one_line_error(result, "line 3", "invalid JSON")


def test_request_error_is_one_line_in_process():
    with pytest.raises(RequestError) as caught:
        decide({**GOOD, "instrument": {"type": "warrant"}})
    assert "\n" not in str(caught.value) and "instrument" in str(caught.value)


def test_policy_list_show_and_check(tmp_path):
    listed = run("policy", "list")
    assert listed.returncode == 0
    for name in ("sonoma-county", "jackson-county", "jensen-memorial", "westchester"):
        assert name in listed.stdout
    shown = run("policy", "show", "westchester")
    assert shown.returncode == 0 and "photo" in shown.stdout and "(4)" in shown.stdout
    assert_one_line_error(run("policy", "show", "atlantis"), "atlantis")
    folder = tmp_path / "mine"
    shutil.copytree(SHIPPED_PROFILES / "jensen-memorial", folder)
    assert run("policy", "check", str(folder)).returncode == 0
    (folder / "release.cedar").write_text("permit (principal, action, resource) when { ;\n")
    assert_one_line_error(run("policy", "check", str(folder)), "release.cedar:1")
