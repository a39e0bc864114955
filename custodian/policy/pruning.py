"""What a rule can be known to say before any request arrives, and what it reads.

Helpers for compile.py: whether `principal in RequesterKind/RequesterGroup::...` holds
for a requester of a given kind, and which of the principal's attributes a set of rules
still reads (so only those are sent to Cedar, which parses each value at a cost).
"""

from custodian.policy.vocabulary import REQUESTER_GROUPS

UNKNOWN = None


def _entity_matches(entity: dict, kind: str):
    """Whether `principal in <entity>` holds for a requester of this kind (or UNKNOWN)."""
    if entity.get("type") == "RequesterKind":
        return entity.get("id") == kind
    if entity.get("type") == "RequesterGroup":
        return kind in REQUESTER_GROUPS.get(entity.get("id"), ())
    return UNKNOWN


# ---- Only the requester attributes the rules read are sent to Cedar ----


def _principal_path(expr) -> tuple[str, ...] | None:
    path = []
    while isinstance(expr, dict) and "." in expr:
        path.append(expr["."]["attr"])
        expr = expr["."]["left"]
    return tuple(reversed(path)) if expr == {"Var": "principal"} and path else None


def _collect_paths(expr, out: set) -> None:
    if isinstance(expr, list):
        for item in expr:
            _collect_paths(item, out)
        return
    if not isinstance(expr, dict):
        return
    path = _principal_path(expr)
    if path is not None:
        out.add(path)
        return
    if "has" in expr:
        base = _principal_path(expr["has"]["left"]) or (
            () if expr["has"]["left"] == {"Var": "principal"} else None
        )
        if base is not None:
            out.add((*base, expr["has"]["attr"]))
    for value in expr.values():
        _collect_paths(value, out)


def principal_paths(ests: list[dict]) -> dict[str, set[str] | None]:
    """{top-level attribute: sub-attributes read (None: the whole value)} for these rules."""
    paths: set[tuple[str, ...]] = set()
    for est in ests:
        _collect_paths([c["body"] for c in est.get("conditions", [])], paths)
    wanted: dict[str, set[str] | None] = {}
    for path in sorted(paths, key=len):
        top = path[0]
        if len(path) == 1:
            wanted[top] = None  # read whole
        elif wanted.get(top, set()) is not None:
            wanted.setdefault(top, set()).add(path[1])
    return wanted


def trim_attributes(attrs: dict, wanted: dict[str, set[str] | None]) -> dict:
    """Keep only what the rules read (records keep only the fields read)."""
    out = {}
    for key, subkeys in wanted.items():
        value = attrs[key]
        if subkeys is None or not isinstance(value, dict):
            out[key] = value
        else:
            out[key] = {sub: value[sub] for sub in subkeys}
    return out
