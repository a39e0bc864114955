"""Per (requester kind, action) policy sets, so Cedar evaluates only rules that could apply.

Cedar evaluates every policy in a set for every question, and on a small machine each
costs a few microseconds. Most rules are about one kind of requester (a guardian, an
officer) and one action, so at load time each profile's rules are split into one policy
set per (kind, action), keeping every rule that *might* be satisfied for that kind.

The test is conservative: a rule is dropped for a kind only if its scope excludes the
kind (`principal in RequesterKind::"patron"`) or its `when` condition is certainly false
for it, judged from the `principal in RequesterKind/RequesterGroup::...` terms alone, with
every other term unknown. Dropping a rule that can never be satisfied cannot change any
decision; tests/policy/test_pruning.py checks the pruned and whole sets agree.
"""

from custodian.policy.vocabulary import KINDS, REQUESTER_GROUPS

UNKNOWN = None


def _entity_matches(entity: dict, kind: str):
    """Whether `principal in <entity>` holds for a requester of this kind (or UNKNOWN)."""
    if entity.get("type") == "RequesterKind":
        return entity.get("id") == kind
    if entity.get("type") == "RequesterGroup":
        return kind in REQUESTER_GROUPS.get(entity.get("id"), ())
    return UNKNOWN


def _truth(expr: dict, kind: str):
    """True, False or UNKNOWN: the value of a condition knowing only the requester's kind."""
    if "&&" in expr:
        left, right = _truth(expr["&&"]["left"], kind), _truth(expr["&&"]["right"], kind)
        if left is False or right is False:
            return False
        return True if left is True and right is True else UNKNOWN
    if "||" in expr:
        left, right = _truth(expr["||"]["left"], kind), _truth(expr["||"]["right"], kind)
        if left is True or right is True:
            return True
        return False if left is False and right is False else UNKNOWN
    if "!" in expr:
        inner = _truth(expr["!"]["arg"], kind)
        return UNKNOWN if inner is UNKNOWN else not inner
    if "in" in expr:
        left, right = expr["in"]["left"], expr["in"]["right"]
        entity = right.get("Value", {}).get("__entity") if isinstance(right, dict) else None
        if left == {"Var": "principal"} and entity:
            return _entity_matches(entity, kind)
    return UNKNOWN


def may_apply(est: dict, kind: str) -> bool:
    """False only if this policy can never be satisfied for a requester of this kind."""
    scope = est.get("principal", {})
    if scope.get("op") in ("in", "==") and "entity" in scope:
        if _entity_matches(scope["entity"], kind) is False:
            return False
    for condition in est.get("conditions", []):
        value = _truth(condition["body"], kind)
        if condition["kind"] == "when" and value is False:
            return False
        if condition["kind"] == "unless" and value is True:
            return False
    return True


def split_by_kind_and_action(ests: dict[str, dict], actions: dict[str, str]):
    """{(kind, action): [policy ids in order]} for every requester kind and action."""
    out: dict[tuple[str, str], list[str]] = {}
    for kind in KINDS:
        for action in ("release", "procedure"):
            out[(kind, action)] = [
                pid for pid, est in ests.items() if actions[pid] == action and may_apply(est, kind)
            ]
    return out


# ---- Fields the rules cannot tell apart share one Cedar question ----

# The request's own sets of field names that rules may test a field against.
_REQUEST_SETS = {"scope": ("instrument", "scope"), "authorization_scope": ("authorization_scope",)}


class Opaque(Exception):
    """A rule looks at the field in a way this analysis does not follow."""


def _is_literal(expr) -> bool:
    return (
        isinstance(expr, dict) and "Value" in expr and isinstance(expr["Value"], str | bool | int)
    )


def _literal_set(expr) -> list | None:
    if isinstance(expr, dict) and "Set" in expr and all(_is_literal(e) for e in expr["Set"]):
        return [e["Value"] for e in expr["Set"]]
    return None


def _request_set(expr) -> str | None:
    """'scope' for principal.instrument.scope, 'authorization_scope' for principal.authorization_scope."""
    path = []
    while isinstance(expr, dict) and "." in expr:
        path.append(expr["."]["attr"])
        expr = expr["."]["left"]
    if expr != {"Var": "principal"}:
        return None
    for name, wanted in _REQUEST_SETS.items():
        if tuple(reversed(path)) == wanted:
            return name
    return None


def _resource_attr(expr) -> str | None:
    if isinstance(expr, dict) and "." in expr and expr["."]["left"] == {"Var": "resource"}:
        return expr["."]["attr"]
    return None


class Features:
    """What the rules observe about the field: name/category literals, groups, titles, sets."""

    def __init__(self):
        self.literals: set = set()
        self.attrs: set[str] = set()  # "category", "reveals_titles", "group", "scope", ...

    def walk(self, expr) -> None:
        if isinstance(expr, list):
            for item in expr:
                self.walk(item)
            return
        if not isinstance(expr, dict):
            return
        if expr == {"Var": "resource"}:
            raise Opaque("the field is used whole")
        for op in ("contains", "==", "!="):
            if op in expr and self._observed(op, expr[op]):
                return
        if "in" in expr and expr["in"]["left"] == {"Var": "resource"}:
            entity = expr["in"]["right"].get("Value", {}).get("__entity", {})
            if entity.get("type") != "FieldGroup":
                raise Opaque("resource in something other than a FieldGroup")
            self.attrs.add("group")
            return
        attr = _resource_attr(expr)
        if attr == "reveals_titles":
            self.attrs.add("reveals_titles")
            return
        if attr is not None:
            raise Opaque(f"resource.{attr} used in an unfollowed way")
        for value in expr.values():
            self.walk(value)

    def _observed(self, op: str, args: dict) -> bool:
        left, right = args["left"], args["right"]
        if op == "contains":
            attr = _resource_attr(right)
            if attr not in ("name", "category"):
                return False
            literal = _literal_set(left)
            if literal is not None:
                self.literals.update(literal)
                self.attrs.add(attr)
                return True
            found = _request_set(left)
            if found and attr == "name":
                self.attrs.add(found)
                return True
            raise Opaque(f"resource.{attr} tested against an unfollowed set")
        for mine, other in ((left, right), (right, left)):
            attr = _resource_attr(mine)
            if attr in ("name", "category") and _is_literal(other):
                self.literals.add(other["Value"])
                self.attrs.add(attr)
                return True
        return False


def field_features(ests: list[dict]) -> Features | None:
    """What a set of rules observes about fields, or None if it cannot be followed."""
    features = Features()
    try:
        for est in ests:
            scope = est.get("resource", {})
            if scope.get("op") == "in" and scope.get("entity", {}).get("type") == "FieldGroup":
                features.attrs.add("group")
            elif scope.get("op") not in ("All", None):
                raise Opaque("resource scope other than a FieldGroup")
            features.walk([c["body"] for c in est.get("conditions", [])])
    except Opaque:
        return None
    return features


def signature(features: Features, field: str, group: str, titles: bool, request_sets: dict):
    """Two fields with equal signatures get the same answer from every rule observed."""
    category = field.split(".", 1)[0]
    return (
        field if field in features.literals else None,
        category if "category" in features.attrs and category in features.literals else None,
        titles if "reveals_titles" in features.attrs else None,
        group if "group" in features.attrs else None,
        field in request_sets["scope"] if "scope" in features.attrs else None,
        field in request_sets["authorization_scope"]
        if "authorization_scope" in features.attrs
        else None,
    )


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
