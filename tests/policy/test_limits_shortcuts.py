"""The `--jsonl` limit checks skip scans no honest request needs, and refuse as before."""

import json

import pytest

from custodian.policy import limits


def _load(value_or_text):
    text = value_or_text if isinstance(value_or_text, str) else json.dumps(value_or_text)
    return limits.load_json(text, ValueError, "line 1")


def _nested(depth: int):
    value = 0
    for _ in range(depth):
        value = [value]
    return value


def test_nesting_at_the_limit_is_read_and_one_more_is_refused():
    assert _load(_nested(limits.MAX_DEPTH)) == _nested(limits.MAX_DEPTH)
    with pytest.raises(ValueError, match="nested more than 32 levels deep"):
        _load(_nested(limits.MAX_DEPTH + 1))
    # Brackets inside strings count towards the quick test but never towards the depth.
    assert _load({"a": "[" * 40, "b": [[1]]}) == {"a": "[" * 40, "b": [[1]]}


def test_a_list_at_the_limit_is_read_and_one_more_is_refused_at_any_depth():
    assert len(_load(list(range(limits.MAX_ITEMS)))) == limits.MAX_ITEMS
    with pytest.raises(ValueError, match="a list has more than 1000 entries"):
        _load({"x": [{"y": list(range(limits.MAX_ITEMS + 1))}]})
    # Commas inside strings make the walk run; it finds nothing too long.
    assert _load({"a": "," * 2000, "b": [1, 2]}) == {"a": "," * 2000, "b": [1, 2]}


def test_duplicate_keys_are_refused_naming_the_first_repeated_key():
    with pytest.raises(ValueError, match="the key 'b' appears twice"):
        _load('{"a": 1, "b": 2, "c": 3, "b": 4, "a": 5}')
    assert _load('{"a": {"a": 1}}') == {"a": {"a": 1}}
