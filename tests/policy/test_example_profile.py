"""The made-up fifth library of docs/policies.md ("Writing your library's policy"):
its profile folder ships in docs/examples/riverbend and must stay a working example."""

import json
import tomllib
from pathlib import Path

from custodian.policy.fixtures import coverage, load_fixtures, run_fixtures
from custodian.policy.profile import load_profile
from tests.policy.test_cli import run

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "riverbend"


def test_policy_check_passes_the_example_strictly():
    result = run("policy", "check", "--strict", str(EXAMPLE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("riverbend: loaded")
    assert "FAILED" not in result.stdout and "rules with no fixture" not in result.stdout


def test_every_rule_of_the_example_has_an_allowed_and_a_refused_fixture():
    profile = load_profile(EXAMPLE)
    fixtures = load_fixtures(EXAMPLE, set(profile.clauses))
    assert not run_fixtures(profile, fixtures)
    cover = coverage(profile, fixtures)
    assert cover.rule_clauses == ("3", "4", "5", "6", "7", "8")
    assert cover.never_fires == () and cover.never_refuses == ()


def test_the_example_uses_proofs_of_identity_not_raw_evidence():
    data = tomllib.loads((EXAMPLE / "profile.toml").read_text())
    assert set(data["proofs"]) == {"patron", "child_card"}
    release = (EXAMPLE / "release.cedar").read_text()
    assert 'principal.proofs.contains("patron")' in release
    assert "principal.evidence" not in release


def test_the_example_clauses_are_its_policy_text_word_for_word():
    policy = " ".join((EXAMPLE / "policy.md").read_text().split())
    clauses = tomllib.loads((EXAMPLE / "clauses.toml").read_text())
    for clause_id, clause in clauses.items():
        assert f"{clause_id}. {' '.join(clause['text'].split())}" in policy, clause_id


def test_the_example_json_report_is_clean():
    report = json.loads(run("policy", "check", "--json", str(EXAMPLE)).stdout)
    assert report["profile"] == "riverbend" and report["fixtures"] >= 12
    assert report["failed"] == [] and report["rules_without_refusing_fixture"] == []
    assert {c["clause"] for c in report["clauses_no_rule_cites"]} == {"1", "2", "9"}
