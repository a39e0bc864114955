"""Every worked example in shared/contract/examples passes (the contract's own grading)."""

import json

import pytest

from custodian.policy import decide
from custodian.policy.vocabulary import CONTRACT_DIR
from tests.policy.helpers import CONTRACT

EXAMPLES = sorted((CONTRACT / "examples").glob("*.json")) if CONTRACT.is_dir() else []
needs_shared = pytest.mark.skipif(
    not CONTRACT.is_dir(), reason=f"shared/contract not found at {CONTRACT}"
)


@needs_shared
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_contract_example(path):
    example = json.loads(path.read_text())
    expect = example["expect"]
    decision = decide(example["request"])
    released = set(decision["release"])
    assert decision["outcome"] in expect["outcome"]
    assert set(expect.get("release_includes", [])) <= released
    assert not set(expect.get("release_excludes", [])) & released
    if "refer_to" in expect:
        assert decision["refer_to"] == expect["refer_to"]
    assert set(expect.get("obligations_include", [])) <= set(decision["obligations"])


@needs_shared
def test_packaged_contract_schemas_match_shared():
    # The engine ships a copy of the contract's schemas; they must not drift apart.
    for name in ("request.schema.json", "decision.schema.json"):
        assert json.loads((CONTRACT_DIR / name).read_text()) == json.loads(
            (CONTRACT / name).read_text()
        )
