"""Each profile's rules, rewritten per requester kind into the form Cedar decides fastest.

Measured with cedarpy 4.12 (see docs/performance.md): Cedar parses every attribute value
of a request's entities at several microseconds apiece, but an entity's parents at under
one, and it evaluates every policy in a set for every question. So at load time, for
each requester kind, the rules are rewritten into two policy sets (release, procedure):

- `principal in RequesterKind::"k"` / `RequesterGroup::"g"` is known for the kind and
  becomes true or false; conditions are then simplified, rules that can never hold are
  dropped, and procedure rules that always hold need no question at all;
- rules that rewrite to the same policy are asked once, and annotations are dropped;
- each test of the request's data becomes membership of a *fact*, an entity the
  principal (or the field) is given as a parent when the fact is true of the request:
  `principal.review.by == "director"` becomes `principal in Fact::"review.by=director"`,
  `principal.evidence.containsAny(["pin", "photo_id"])` becomes
  `principal in Fact::"evidence:pin" || principal in Fact::"evidence:photo_id"`,
  `principal.instrument.scope.contains(resource.name)` becomes
  `resource in Fact::"instrument.scope:resource"`, `resource.reveals_titles` becomes
  `resource in Fact::"reveals_titles"`.

The facts are plain data about the request (the value of an attribute, the members of a
set), computed in Python by `Facts` (which also puts fields with the same facts in one
class, asked about once); the rules stay in Cedar. A test this rewriting does not
recognise is left as it is, and the attributes it reads are sent as attributes, so any
profile still works, only more slowly.
tests/policy/test_pruning.py checks the compiled rules decide as the whole set does.
"""

import json
from dataclasses import dataclass, field

import cedarpy

from custodian.policy.pruning import (
    _entity_matches,
    _principal_path,
    principal_paths,
    trim_attributes,
)
from custodian.policy.vocabulary import FIELDS, REQUESTER_GROUPS, REVEALS_TITLES, field_group

TRUE, FALSE = {"Value": True}, {"Value": False}
FIELD_ATTRS = ("name", "category", "reveals_titles")


def _fact(var: str, fact_id: str) -> dict:
    entity = {"__entity": {"type": "Fact", "id": fact_id}}
    return {"in": {"left": {"Var": var}, "right": {"Value": entity}}}


def _any(terms: list[dict]) -> dict:
    if not terms:
        return FALSE
    out = terms[0]
    for term in terms[1:]:
        out = {"||": {"left": out, "right": term}}
    return out


def _all(terms: list[dict]) -> dict:
    if not terms:
        return TRUE
    out = terms[0]
    for term in terms[1:]:
        out = {"&&": {"left": out, "right": term}}
    return out


def _strings(expr) -> list[str] | None:
    """The members of a literal set of strings, or None."""
    if isinstance(expr, dict) and "Set" in expr:
        values = [e.get("Value") if isinstance(e, dict) else None for e in expr["Set"]]
        if all(isinstance(v, str) for v in values):
            return values
    return None


def _string(expr) -> str | None:
    value = expr.get("Value") if isinstance(expr, dict) else None
    return value if isinstance(value, str) else None


def _resource_attr(expr) -> str | None:
    if isinstance(expr, dict) and "." in expr and expr["."]["left"] == {"Var": "resource"}:
        return expr["."]["attr"] if expr["."]["attr"] in FIELD_ATTRS else None
    return None


@dataclass
class Compiled:
    """One profile's rules for one requester kind, as Cedar will be asked them."""

    release: object  # cedarpy.PolicySet of the release rules left to ask (None: none)
    procedure: object  # likewise the procedure rules
    rules: dict  # compiled policy id -> the profile.Rules it stands for
    static: tuple  # procedure rules that hold for every request of this kind
    # (fact uid as JSON, path, op, literal): op "eq" (path's value == literal), "true", "has"
    principal_facts: list = field(default_factory=list)
    # (fact uid as JSON, probe): probe ("name"|"category"|"group", value),
    # ("reveals_titles",), or ("in_set", path): the field is in the request's set at path
    field_facts: list = field(default_factory=list)
    principal_attrs: dict = field(default_factory=dict)  # still read as attributes
    principal_whole: bool = False  # some rule uses the principal other than by its facts
    field_attrs: tuple = ()  # resource attributes still read
    field_whole: bool = False  # some rule uses the field itself: one question per field
    facts: object = None  # Facts: builds a request's entities for these rules


class _Rewriter:
    def __init__(self, kind: str):
        self.kind = kind
        self.principal_facts: dict[str, tuple] = {}
        self.field_facts: dict[str, tuple] = {}

    def p_fact(self, path: tuple, op: str, literal=None) -> dict:
        name = ".".join(path)
        fact_id = {"eq": f"{name}={literal}", "true": name, "has": f"{name}:{literal}"}[op]
        self.principal_facts[fact_id] = (fact_id, path, op, literal)
        return _fact("principal", fact_id)

    def f_fact(self, probe: tuple) -> dict:
        if probe[0] == "in_set":
            fact_id = ".".join(probe[1]) + ":resource"
        elif probe[0] == "reveals_titles":
            fact_id = "reveals_titles"
        else:
            fact_id = f"{probe[0]}={probe[1]}"
        self.field_facts[fact_id] = (fact_id, probe)
        return _fact("resource", fact_id)

    def field_test(self, attr: str, values: list[str]) -> dict:
        return _any([self.f_fact((attr, v)) for v in values])

    def boolean(self, expr):
        """Rewrite an expression in a boolean position, folding what is known."""
        if not isinstance(expr, dict):
            return expr
        if "&&" in expr:
            left, right = self.boolean(expr["&&"]["left"]), self.boolean(expr["&&"]["right"])
            if left == FALSE:
                return FALSE
            if left == TRUE:
                return right
            if right == TRUE:
                return left
            if right == FALSE:  # left cannot error: facts and present attributes only
                return FALSE
            return {"&&": {"left": left, "right": right}}
        if "||" in expr:
            left, right = self.boolean(expr["||"]["left"]), self.boolean(expr["||"]["right"])
            if left == TRUE:
                return TRUE
            if left == FALSE:
                return right
            if right == FALSE:
                return left
            return {"||": {"left": left, "right": right}}
        if "!" in expr:
            arg = self.boolean(expr["!"]["arg"])
            if arg in (TRUE, FALSE):
                return FALSE if arg == TRUE else TRUE
            return {"!": {"arg": arg}}
        return self.atom(expr) or expr

    def atom(self, expr: dict):
        """The fact form of one test, or None if it is not one this rewriting knows."""
        path = _principal_path(expr)
        if path is not None:  # a Bool attribute in a boolean position
            return self.p_fact(path, "true")
        if _resource_attr(expr) == "reveals_titles":
            return self.f_fact(("reveals_titles",))
        if "in" in expr:
            left, right = expr["in"]["left"], expr["in"]["right"]
            entity = right.get("Value", {}).get("__entity") if isinstance(right, dict) else None
            if left == {"Var": "principal"} and entity:
                known = _entity_matches(entity, self.kind)
                if known is not None:
                    return TRUE if known else FALSE
            if left == {"Var": "resource"} and entity and entity.get("type") == "FieldGroup":
                return self.f_fact(("group", entity["id"]))
            return None
        for op in ("==", "!="):
            if op in expr:
                found = self.equality(expr[op]["left"], expr[op]["right"])
                found = found or self.equality(expr[op]["right"], expr[op]["left"])
                if found is not None and op == "!=":
                    return {"!": {"arg": found}}
                return found
        if "contains" in expr:
            return self.contains(expr["contains"]["left"], expr["contains"]["right"])
        for op, join in (("containsAny", _any), ("containsAll", _all)):
            if op in expr:
                path = _principal_path(expr[op]["left"])
                values = _strings(expr[op]["right"])
                if path is not None and values is not None:
                    return join([self.p_fact(path, "has", v) for v in values])
        return None

    def equality(self, mine, other):
        literal = _string(other)
        if literal is None:
            return None
        path = _principal_path(mine)
        if path is not None:
            return self.p_fact(path, "eq", literal)
        attr = _resource_attr(mine)
        if attr in ("name", "category"):
            return self.field_test(attr, [literal])
        return None

    def contains(self, left, right):
        values = _strings(left)
        if values is not None:  # ["a", "b"].contains(<something>)
            path = _principal_path(right)
            if path is not None:
                return _any([self.p_fact(path, "eq", v) for v in values])
            attr = _resource_attr(right)
            if attr in ("name", "category"):
                return self.field_test(attr, values)
            return None
        path = _principal_path(left)
        if path is None:
            return None
        literal = _string(right)
        if literal is not None:
            return self.p_fact(path, "has", literal)
        if _resource_attr(right) == "name":
            return self.f_fact(("in_set", path))
        return None


def _scope_matches(scope: dict, kind: str):
    if scope.get("op") in ("in", "==") and "entity" in scope:
        return _entity_matches(scope["entity"], kind)
    return True if scope.get("op") == "All" else None


def _rewrite_rule(rewriter: _Rewriter, est: dict) -> dict | None:
    """The rule for this kind, None if it can never hold; `conditions` [] if it always does."""
    est = dict(est)  # a shallow copy: the rewriting builds new nodes, never changes one
    matches = _scope_matches(est["principal"], rewriter.kind)
    if matches is False:
        return None
    if matches is True:
        est["principal"] = {"op": "All"}
    conditions = []
    resource = est["resource"]
    if resource.get("op") == "in" and resource.get("entity", {}).get("type") == "FieldGroup":
        group = rewriter.f_fact(("group", resource["entity"]["id"]))
        conditions.append({"kind": "when", "body": group})
        est["resource"] = {"op": "All"}
    for condition in est.get("conditions", []):
        body = rewriter.boolean(condition["body"])
        holds = {"when": TRUE, "unless": FALSE}[condition["kind"]]
        if body == holds:
            continue
        if body in (TRUE, FALSE):  # the opposite of what the rule needs
            return None
        conditions.append({"kind": condition["kind"], "body": body})
    est["conditions"] = conditions
    est.pop("annotations", None)  # cedarpy would look them up for every reason
    return est


def compile_kind(kind: str, ests: dict[str, dict], rules: dict) -> Compiled:
    """Rewrite every rule for a requester of this kind (ests: policy id -> Cedar JSON)."""
    rewriter = _Rewriter(kind)
    static = []
    by_action: dict[str, dict[str, dict]] = {"release": {}, "procedure": {}}
    cited: dict[str, list] = {}  # compiled policy id -> the rules it stands for
    same: dict[str, str] = {}  # rules that compile to the same policy are asked once
    for pid, est in ests.items():
        est = _rewrite_rule(rewriter, est)
        if est is None:
            continue
        rule = rules[pid]
        unscoped = est["principal"] == est["resource"] == {"op": "All"}
        if not est["conditions"] and rule.action == "procedure" and unscoped:
            static.append(rule)
            continue
        text = json.dumps(est, sort_keys=True)
        if text not in same:
            same[text] = new_id = f"r{len(same)}"
            by_action[rule.action][new_id] = est
        cited.setdefault(same[text], []).append(rule)
    remaining = [est for kept in by_action.values() for est in kept.values()]
    text = json.dumps(remaining)
    used = {"principal": set(), "resource": set()}
    _facts_used(remaining, used)
    compiled = Compiled(
        release=_policy_set(by_action["release"]),
        procedure=_policy_set(by_action["procedure"]),
        rules={pid: tuple(r) for pid, r in cited.items()},
        static=tuple(static),
        principal_facts=[
            (_uid("Fact", fact_id), *rest)
            for fact_id, *rest in rewriter.principal_facts.values()
            if fact_id in used["principal"]
        ],
        field_facts=[
            (_uid("Fact", fact_id), probe)
            for fact_id, probe in rewriter.field_facts.values()
            if fact_id in used["resource"]
        ],
        principal_attrs=principal_paths(remaining),
        principal_whole=_uses_whole(remaining, "principal"),
        field_attrs=tuple(
            a for a in FIELD_ATTRS if f'{{"Var": "resource"}}, "attr": "{a}"' in text
        ),
        field_whole=_uses_whole(remaining, "resource"),
    )
    compiled.facts = Facts(compiled, kind)
    return compiled


def _policy_set(policies: dict[str, dict]):
    if not policies:
        return None
    text = json.dumps({"staticPolicies": policies, "templates": {}, "templateLinks": []})
    return cedarpy.PolicySet.from_json_str(text)


def _facts_used(expr, used: dict) -> None:
    """Collect into used[var] the ids of the facts the rules test."""
    if isinstance(expr, list):
        for item in expr:
            _facts_used(item, used)
        return
    if not isinstance(expr, dict):
        return
    if "in" in expr and isinstance(expr["in"], dict):
        left, right = expr["in"].get("left"), expr["in"].get("right")
        entity = right.get("Value", {}).get("__entity", {}) if isinstance(right, dict) else {}
        if entity.get("type") == "Fact" and left in ({"Var": "principal"}, {"Var": "resource"}):
            used[left["Var"]].add(entity["id"])
            return
    for value in expr.values():
        _facts_used(value, used)


def _uses_whole(ests: list[dict], var: str) -> bool:
    """Whether any rule uses the variable other than as `var.attr` or `var in Fact::...`."""

    def walk(expr) -> bool:
        if isinstance(expr, list):
            return any(walk(e) for e in expr)
        if not isinstance(expr, dict):
            return False
        if expr == {"Var": var}:
            return True
        if "." in expr and expr["."]["left"] == {"Var": var}:
            return False
        if "in" in expr and expr["in"]["left"] == {"Var": var}:
            entity = expr["in"]["right"].get("Value", {}).get("__entity", {})
            if entity.get("type") == "Fact":
                return False
        return any(walk(v) for v in expr.values())

    return any(
        walk([c["body"] for c in est.get("conditions", [])]) or est.get(var, {}).get("op") != "All"
        for est in ests
    )


# ---- The facts of one request ----


def _value(attrs: dict, path: tuple):
    for key in path:
        attrs = attrs[key]
    return attrs


def _uid(type_: str, id_: str) -> str:
    return json.dumps({"type": type_, "id": id_}, separators=(",", ":"))


def _static_field_fact(name: str, probe: tuple) -> bool:
    what = probe[0]
    if what == "reveals_titles":
        return name in REVEALS_TITLES
    if what == "name":
        return name == probe[1]
    if what == "category":
        return name.split(".", 1)[0] == probe[1]
    return field_group(name) == probe[1]  # "group"


def _entity(uid: str, attrs: str, parents: list[str]) -> str:
    return f'{{"uid":{uid},"attrs":{attrs},"parents":[{",".join(parents)}]}}'


def _parents_function(principal_facts: list, extra: list[str]):
    """`principal_parents(attrs)` for these facts, written out as one Python function.

    The facts true of a request, as the principal's parents (entity uids as JSON), in
    the order of `principal_facts`, then `extra`: each attribute read once, each test
    inline (`value is True`, `value == literal`, `literal in value`), with no loop over
    the facts per request. The paths and literals come from the profile's rules, so they
    enter the code only as names bound to their values, never as code text.
    """
    env: dict = {"EXTRA": list(extra)}
    paths: dict[tuple, str] = {}
    body = []
    for i, (uid, path, op, literal) in enumerate(principal_facts):
        if path not in paths:
            paths[path] = var = f"v{len(paths)}"
            env.update({f"K{var}_{k}": key for k, key in enumerate(path)})
            read = "".join(f"[K{var}_{k}]" for k in range(len(path)))
            body.insert(len(paths) - 1, f"    {var} = attrs{read}")  # each path read once
        var = paths[path]
        env[f"U{i}"], env[f"L{i}"] = uid, literal
        test = {"true": f"{var} is True", "eq": f"{var} == L{i}", "has": f"L{i} in {var}"}[op]
        body.append(f"    if {test}:\n        out.append(U{i})")
    source = "\n".join(
        [
            "def principal_parents(attrs):",
            "    out = []",
            *body,
            "    out.extend(EXTRA)",
            "    return out",
        ]
    )
    exec(compile(source, "<compiled principal facts>", "exec"), env)  # noqa: S102 - see above
    return env["principal_parents"]


class Facts:
    """Turns one request into the entities Cedar needs for a kind's compiled rules."""

    def __init__(self, compiled: Compiled, kind: str):
        self.compiled = compiled
        self.principal_facts = compiled.principal_facts
        self.principal_extra = []
        if compiled.principal_whole:  # as the whole world would say (engine._base_entities)
            self.principal_extra.append(_uid("RequesterKind", kind))
            self.principal_extra.extend(
                _uid("RequesterGroup", g) for g, kinds in REQUESTER_GROUPS.items() if kind in kinds
            )
        # What never changes about a field is worked out once, here.
        self.in_sets = [(uid, p[1]) for uid, p in compiled.field_facts if p[0] == "in_set"]
        self.field_static = {}
        self.field_attrs = {}
        for name in FIELDS:
            parents = [
                uid
                for uid, probe in compiled.field_facts
                if probe[0] != "in_set" and _static_field_fact(name, probe)
            ]
            if compiled.field_whole:
                parents.append(_uid("FieldGroup", field_group(name)))
            self.field_static[name] = parents
            facts = {
                "name": name,
                "category": name.split(".", 1)[0],
                "reveals_titles": name in REVEALS_TITLES,
            }
            self.field_attrs[name] = json.dumps({a: facts[a] for a in compiled.field_attrs})
        self.field_uid = {name: _uid("Field", name) for name in FIELDS}
        # With no fact about a field's membership of a request's set, a field's entity,
        # and the class it falls in, are the same in every request: made once here.
        self.field_key, self.field_entity = {}, {}
        for name in FIELDS:
            parents = self.field_static[name]
            whole = compiled.field_whole or compiled.field_attrs
            self.field_key[name] = name if whole else tuple(parents)
            self.field_entity[name] = _entity(self.field_uid[name], self.field_attrs[name], parents)
        self.principal_parents = _parents_function(self.principal_facts, self.principal_extra)
        self.field_in_sets: dict = {}  # (name, set facts) -> (class, entity): _in_sets
        # Cedar's answers read as rules, per answer pattern (engine._rules_of).
        self.answer_rules: dict = {}

    def field_parents(self, name: str, attrs: dict) -> list[str]:
        """The facts true of one field in this request (entity uids as JSON)."""
        out = self.field_static[name]
        if self.in_sets:
            out = out + [uid for uid, path in self.in_sets if name in _value(attrs, path)]
        return out

    def _in_sets(self, name: str, inside: tuple) -> tuple:
        """(class, entity) of a field that is in these of the request's sets (made once)."""
        found = self.field_in_sets.get((name, inside))
        if found is None:
            parents = self.field_static[name] + list(inside)
            whole = self.compiled.field_whole or self.compiled.field_attrs
            entity = _entity(self.field_uid[name], self.field_attrs[name], parents)
            # At most FIELDS x subsets of in_sets entries: a few hundred.
            found = self.field_in_sets[name, inside] = (name if whole else tuple(parents), entity)
        return found

    def entities(self, attrs: dict, requested: list[str], principal_uid: str):
        """(entities as JSON, each requested field's class, one field per class).

        Fields whose entities would be the same but for their name get the same answer
        from every rule, so Cedar is asked about one of them.
        """
        compiled = self.compiled
        principal_attrs = "{}"
        if compiled.principal_attrs:
            principal_attrs = json.dumps(trim_attributes(attrs, compiled.principal_attrs))
        parts = [_entity(principal_uid, principal_attrs, self.principal_parents(attrs))]
        keys, representatives = [], {}
        if compiled.release is not None:
            field_key, field_entity = self.field_key, self.field_entity
            sets = [(uid, _value(attrs, path)) for uid, path in self.in_sets]
            for name in requested:
                inside = [uid for uid, members in sets if name in members] if sets else None
                if inside:  # in one of the request's sets (an instrument's scope ...)
                    key, entity = self._in_sets(name, tuple(inside))
                else:
                    key, entity = field_key[name], field_entity[name]
                keys.append(key)
                if key not in representatives:
                    representatives[key] = name
                    parts.append(entity)
        return "[" + ",".join(parts) + "]", keys, list(representatives.values())
