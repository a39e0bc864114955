"""The clause tables of docs/policies.md, built from the profiles and the test names.

    .venv/bin/python -m tests.policy.doc_tables > /tmp/tables.md

prints them; test_clause_coverage checks docs/policies.md holds them exactly, so the
file:line references cannot go stale.
"""

import ast
import re
from pathlib import Path

from custodian.policy import get_engine

HERE = Path(__file__).parent
PROFILES = ["sonoma-county", "jackson-county", "jensen-memorial", "westchester"]


def token(clause_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", clause_id).strip("_")


def test_function_names() -> list[str]:
    names = []
    for path in sorted(HERE.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.append(node.name)
    return names


def citing(names: list[str], prefix: str, clause_id: str) -> list[str]:
    mark = f"_{token(clause_id)}__"
    return [
        n
        for n in names
        if n.startswith(f"test_{prefix}_") and mark in "_" + n.removeprefix(f"test_{prefix}")
    ]


def clause_table(name: str) -> str:
    profile = get_engine().profile(name)
    prefix = name.split("-")[0]
    names = test_function_names()
    out = [
        f"### {profile.display_name} (`{name}`, version {profile.policy_version})",
        "",
        f"Source: `{profile.source}`. Rules: `custodian/policy/profiles/{name}/`.",
        "",
        "| clause | gist | encoded in | tests |",
        "|---|---|---|---|",
    ]
    for clause in profile.clauses.values():
        if clause.source == "_contract":
            continue
        gist = " ".join(clause.text.split()[:14]).replace("|", "/") + " …"
        if clause.kind == "informational":
            where = "informational: " + clause.note
        else:
            lines = sorted(
                {(r.path.name, r.line) for r in profile.rules.values() if r.clause == clause.id}
            )
            where = ", ".join(f"`{file}:{line}`" for file, line in lines)
        tests = "<br>".join(f"`{n}`" for n in citing(names, prefix, clause.id))
        out.append(f"| {clause.id} | {gist} | {where} | {tests} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print("\n".join(clause_table(name) for name in PROFILES))
