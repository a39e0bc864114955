"""Every clause of every profile is cited by the name of at least one test.

A test cites a clause as `_<clause>__` in its name, the clause id with every run of
characters other than letters and digits turned into `_`: III.B.2.b -> `_III_B_2_b__`,
"Regulation 4" -> `_Regulation_4__`, "III.C.1 ¶2" -> `_III_C_1_2__`. The double
underscore ends the citation, so III.B.2 is not mistaken for III.B.2.a.
"""

import ast
import re
from pathlib import Path

import pytest

from custodian.policy import get_engine
from custodian.policy.engine import SHIPPED_PROFILES
from custodian.policy.profile import CONTRACT_RULES_DIR, load_clauses
from tests.policy.helpers import ask, doc

HERE = Path(__file__).parent


def token(clause_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", clause_id).strip("_")


def _test_names() -> list[str]:
    names = []
    for path in HERE.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.append(node.name)
    return names


def _profiles():
    return sorted(
        p for p in SHIPPED_PROFILES.iterdir() if p.is_dir() and not p.name.startswith("_")
    )


@pytest.mark.parametrize("folder", [*_profiles(), CONTRACT_RULES_DIR], ids=lambda p: p.name)
def test_every_clause_has_a_test_citing_it(folder):
    prefix = "contract" if folder == CONTRACT_RULES_DIR else folder.name.split("-")[0]
    names = [n for n in _test_names() if n.startswith(f"test_{prefix}_")]
    clauses = load_clauses(folder / "clauses.toml", folder.name)
    missing = [
        c
        for c in clauses
        if not any(
            f"_{token(c).removeprefix('contract_')}__" in f"_{n.removeprefix(f'test_{prefix}')}"
            for n in names
        )
    ]
    assert not missing, f"{folder.name}: no test names clauses {missing}"


@pytest.mark.parametrize("name", [p.name for p in _profiles()])
def test_every_rule_clause_has_a_rule(name):
    profile = get_engine().profile(name)
    encoded = {rule.clause for rule in profile.rules.values()}
    unencoded = [c.id for c in profile.clauses.values() if c.kind == "rule" and c.id not in encoded]
    assert not unencoded, f"{name}: rule clauses without a Cedar rule: {unencoded}"


def test_contract_scope__release_never_exceeds_the_face_of_the_instrument():
    d = ask(
        "jensen-memorial",
        "law_enforcement",
        ["loans.titles", "registration.name"],
        purpose="report_illegal_activity",
        instrument=doc("written_request", []),
    )
    assert d["release"] == []


def test_contract_nondisclosure__any_gagging_instrument_brings_secrecy_everywhere():
    for profile in ("sonoma-county", "jackson-county", "jensen-memorial", "westchester"):
        d = ask(
            profile,
            "government",
            ["loans.count"],
            instrument=doc(
                "national_security_letter",
                [],
                signed_by="agency_officer",
                court=None,
                nondisclosure=True,
            ),
        )
        assert "nondisclosure" in d["obligations"]


def test_contract_default_withhold__contract_registration_status__is_withheld_without_a_rule():
    for profile in ("sonoma-county", "jackson-county", "jensen-memorial", "westchester"):
        d = ask(profile, "public", ["registration.status"])
        assert d["release"] == [] and d["withhold"] == ["registration.status"]


@pytest.mark.parametrize("name", [p.name for p in _profiles()])
def test_docs_policies_traces_every_clause(name):
    # docs/policies.md holds the table exactly as the profile and tests are now
    # (regenerate with `python -m tests.policy.doc_tables`).
    from tests.policy.doc_tables import clause_table

    docs = (HERE.parents[1] / "docs" / "policies.md").read_text()
    assert clause_table(name) in docs, f"docs/policies.md: {name} clause table is stale"
