"""Per-profile fixtures and `custodian policy check` (issue 8, "Your own library's policy").

Every shipped profile carries fixtures/*.json: for each rule (@id) a request it allows and
a close one it refuses. These tests hold the fixtures to the rules (all pass, every rule
covered both ways), and hold `policy check` to its word: a changed rule is reported,
naming the fixture, with exit 1.
"""

import json
import shutil
from pathlib import Path

import pytest

from custodian.policy.cedarsource import split_policies
from custodian.policy.engine import SHIPPED_PROFILES
from custodian.policy.errors import ProfileError
from custodian.policy.fixtures import (
    Fixture,
    coverage,
    differences,
    load_fixtures,
    own_rule_clauses,
    run_fixtures,
    uncited_clauses,
)
from custodian.policy.profile import load_profile
from tests.policy.test_cli import assert_one_line_error, run

SHIPPED = ["sonoma-county", "jackson-county", "jensen-memorial", "westchester"]


def _load(folder: Path):
    profile = load_profile(folder)
    return profile, load_fixtures(folder, set(profile.clauses))


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_profile_passes_its_fixtures_and_covers_every_rule(name):
    profile, fixtures = _load(SHIPPED_PROFILES / name)
    failures = run_fixtures(profile, fixtures)
    assert not failures, [(f.fixture.name, f.problems) for f in failures]
    cover = coverage(profile, fixtures)
    assert cover.rule_clauses, "a profile with no rules of its own"
    assert cover.never_fires == (), f"rules with no fixture they allow: {cover.never_fires}"
    assert cover.never_refuses == (), f"rules with no fixture they refuse: {cover.never_refuses}"
    assert cover.unknown == ()


@pytest.mark.parametrize("name", SHIPPED)
def test_policy_check_passes_every_shipped_profile_strictly(name):
    result = run("policy", "check", "--strict", str(SHIPPED_PROFILES / name))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAILED" not in result.stdout
    assert "fixtures:" in result.stdout and "passed" in result.stdout


@pytest.fixture
def sonoma(tmp_path):
    folder = tmp_path / "sonoma-copy"
    shutil.copytree(SHIPPED_PROFILES / "sonoma-county", folder)
    return folder


def test_a_loosened_rule_fails_check_naming_the_fixture(sonoma):
    # III.B.2.b: parents of a teen learn whether anything is overdue and what is owed, never
    # titles. A board "tidying up" the list to include titles must be caught.
    release = sonoma / "release.cedar"
    text = release.read_text()
    loosened = text.replace(
        '["overdue.status", "charges.amount"].contains(resource.name)',
        '["overdue.status", "charges.amount", "overdue.titles"].contains(resource.name)',
    )
    assert loosened != text, "the rule this test changes is no longer in release.cedar"
    release.write_text(loosened)
    result = run("policy", "check", str(sonoma))
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1, result.stdout
    assert "parent of a 15-year-old learns what is overdue and owed, not titles" in failed[0]
    assert "III.B.2.b" in failed[0] and "released but must not be: overdue.titles" in failed[0]


def test_a_deleted_rule_fails_check_naming_the_fixtures(sonoma):
    # Drop III.B.2.a (parents of a child under 13, with the child's card).
    release = sonoma / "release.cedar"
    chunks = split_policies(release.read_text(), release)
    kept = [c.text for c in chunks if '@id("III.B.2.a")' not in c.text]
    assert len(kept) == len(chunks) - 1
    release.write_text("".join(kept))
    result = run("policy", "check", "--json", str(sonoma))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    names = {f["name"] for f in report["failed"]}
    assert "parent of a 9-year-old with the child's card sees the titles" in names
    assert {f["clause"] for f in report["failed"]} >= {"III.B.2.a"}
    # The rule is gone, so its fixtures now name a clause no rule encodes.
    assert "III.B.2.a" in report["fixture_clauses_without_rule"]


def test_check_reports_rules_without_fixtures_and_strict_fails(sonoma):
    for path in (sonoma / "fixtures").glob("iii-b-1-c--refuses--*.json"):
        path.unlink()
    result = run("policy", "check", str(sonoma))
    assert result.returncode == 0, result.stdout
    assert "rules with no fixture they refuse: III.B.1.c" in result.stdout
    assert run("policy", "check", "--strict", str(sonoma)).returncode == 1


def test_check_says_plainly_when_there_are_no_fixtures(sonoma):
    shutil.rmtree(sonoma / "fixtures")
    result = run("policy", "check", str(sonoma))
    assert result.returncode == 0
    assert "no fixtures" in result.stdout and "ok (but untested)" in result.stdout
    assert run("policy", "check", "--strict", str(sonoma)).returncode == 1


def test_check_lists_every_clause_no_rule_cites(sonoma):
    profile, _ = _load(sonoma)
    uncited = dict(uncited_clauses(profile))
    # Sonoma's definitions decide nothing; a rule clause with no rule is a gap.
    assert uncited.get("II.A") == "informational" and "III.B.2.a" not in uncited
    with (sonoma / "clauses.toml").open("a") as f:
        f.write('\n["VI"]\ntext = "A new section the board added."\n')
    result = run("policy", "check", str(sonoma))
    assert "clauses marked rule that no rule cites: VI" in result.stdout
    assert "informational clauses (no rule cites them):" in result.stdout
    assert "II.A" in result.stdout


def test_check_validates_the_cedar_against_the_schema(sonoma):
    # `principal.card` is no attribute of the schema's Requester: refused before any fixture.
    release = sonoma / "release.cedar"
    release.write_text(
        release.read_text().replace(
            "principal.authorization_scope.contains(resource.name)",
            'principal.card == "yes"',
            1,
        )
    )
    result = run("policy", "check", str(sonoma))
    assert_one_line_error(result, "release.cedar:", "schema")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{", ["invalid JSON"]),
        ('{"name": "x"}', ["exactly", "clause"]),
        (None, ["clause 'XIV'", "not a clause"]),
        ("expect_typo", ["unknown expect key 'release_include'"]),
        ("bad_field", ["release_excludes", "'loans.tittles'"]),
        ("fires_string", ["fires must be true"]),
        ("unhashable", ["release_excludes", "not one of the known fields"]),
    ],
)
def test_a_malformed_fixture_is_one_line_naming_the_file(sonoma, content, words):
    good = {
        "name": "probe",
        "clause": "III.B.1.b",
        "fires": True,
        "request": {
            "requester": {"kind": "patron"},
            "channel": "in_person",
            "requested": ["loans.count"],
        },
        "expect": {"outcome": ["release"]},
    }
    variants = {
        None: {**good, "clause": "XIV"},
        "expect_typo": {**good, "expect": {"release_include": ["loans.count"]}},
        "bad_field": {**good, "expect": {"release_excludes": ["loans.tittles"]}},
        "fires_string": {**good, "fires": "yes"},
        "unhashable": {**good, "expect": {"release_excludes": [["loans.count"]]}},
    }
    text = content if content not in variants and content is not None else None
    path = sonoma / "fixtures" / "zz-probe.json"
    path.write_text(text if text is not None else json.dumps(variants[content]))
    assert_one_line_error(run("policy", "check", str(sonoma)), "zz-probe.json", *words)


def test_a_fixture_request_the_contract_refuses_is_a_failure_not_a_crash(sonoma):
    path = sonoma / "fixtures" / "zz-bad-request.json"
    path.write_text(
        json.dumps(
            {
                "name": "a request with a field that does not exist",
                "clause": "III.B.1.b",
                "fires": False,
                "request": {
                    "requester": {"kind": "patron"},
                    "channel": "in_person",
                    "requested": ["loans.bogus"],
                },
                "expect": {"outcome": ["deny"]},
            }
        )
    )
    result = run("policy", "check", str(sonoma))
    assert result.returncode == 1
    assert "a request with a field that does not exist" in result.stdout
    assert "the request is not valid" in result.stdout and "loans.bogus" in result.stdout


def _fixture(fires=False, **expect):
    return Fixture("n", "III.B.1.b", fires, {}, expect, Path("f.json"))


DECISION = {
    "outcome": "partial_release",
    "release": ["loans.count"],
    "withhold": ["loans.titles"],
    "refer_to": None,
    "obligations": ["explain_policy"],
    "citations": [{"clause": "III.C.1", "text": "..."}],
    "needs_proof": ["pin"],
}


@pytest.mark.parametrize(
    ("expect", "fires", "said"),
    [
        ({"outcome": ["release"]}, False, "outcome was partial_release, expected release"),
        ({"release_includes": ["loans.titles"]}, False, "not released: loans.titles"),
        ({"release_excludes": ["loans.count"]}, False, "released but must not be: loans.count"),
        ({"refer_to": "director"}, False, "referred to nobody, expected director"),
        ({"obligations_include": ["copy_documents"]}, False, "missing obligations: copy_documents"),
        ({"obligations_exclude": ["explain_policy"]}, False, "must not be there: explain_policy"),
        ({"needs_proof_include": ["photo_id"]}, False, "not asked for: photo_id"),
        ({"cites": ["III.B.3"]}, False, "not cited: III.B.3"),
        ({"cites_exclude": ["III.C.1"]}, False, "cited but must not be: III.C.1"),
        ({}, True, "not cited: III.B.1.b"),  # a rule that applies cites its clause
    ],
)
def test_differences_name_what_differed(expect, fires, said):
    problems = differences(DECISION, _fixture(fires, **expect))
    assert len(problems) == 1 and said in problems[0], problems


def test_differences_are_empty_when_everything_matches():
    expect = {
        "outcome": ["partial_release", "release"],
        "release_includes": ["loans.count"],
        "release_excludes": ["loans.titles"],
        "refer_to": None,
        "obligations_include": ["explain_policy"],
        "obligations_exclude": ["copy_documents"],
        "needs_proof_include": ["pin"],
        "cites": ["III.C.1"],
        "cites_exclude": ["III.B.3"],
    }
    assert differences(DECISION, _fixture(**expect)) == []


def test_duplicate_fixture_names_are_refused(sonoma):
    first = next((sonoma / "fixtures").glob("*.json"))
    shutil.copy(first, sonoma / "fixtures" / "zz-copy.json")
    with pytest.raises(ProfileError, match="also used by"):
        _load(sonoma)


def test_coverage_counts_only_the_folders_own_rules():
    profile, fixtures = _load(SHIPPED_PROFILES / "westchester")
    clauses = own_rule_clauses(profile)
    assert clauses == ["2", "3", "4", "5", "6"]
    assert not any(c.startswith("contract.") for c in clauses)


# Rules whose deletion no decision can show: each is implied by another rule.
# (profile, file, clause, effect)
REDUNDANT = {
    # The same permit as III.B.3's (officers, a judge's order, within its face).
    ("sonoma-county", "release.cedar", "III.C.2.d.i", "permit"),
    # No permit releases anything to an officer holding a custody document anyway.
    ("sonoma-county", "release.cedar", "III.C.2.e", "forbid"),
    # The engine cites Regulation 2 anyway when it asks a customer for more proof.
    ("jensen-memorial", "procedure.cedar", "Regulation 2", "permit"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", SHIPPED)
def test_deleting_any_rule_fails_some_fixture(name, tmp_path):
    """Mutation sweep: the fixtures notice the loss of every rule that decides anything."""
    source = SHIPPED_PROFILES / name
    survived = []
    for file in ("release.cedar", "procedure.cedar"):
        chunks = split_policies((source / file).read_text(), source / file)
        for i, chunk in enumerate(chunks):
            if "@id(" not in chunk.text:
                continue
            folder = tmp_path / f"{file}-{i}"
            shutil.copytree(source, folder)
            (folder / file).write_text("".join(c.text for j, c in enumerate(chunks) if j != i))
            profile, fixtures = _load(folder)
            if not run_fixtures(profile, fixtures):
                rule = next(
                    r
                    for r in load_profile(source).rules.values()
                    if r.path.name == file and r.line == chunk.line
                )
                survived.append((name, file, rule.clause, rule.effect))
    assert set(survived) <= REDUNDANT, f"rules no fixture misses: {survived}"
