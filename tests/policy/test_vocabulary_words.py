"""One vocabulary: every code the contract's schemas name has a screen label and a phrase."""

import json

import pytest

from custodian.policy import vocabulary
from custodian.policy.vocabulary import CONTRACT_DIR, WORDS


def _enums(node, path=()):
    """Every enum in a JSON schema, by where it sits."""
    if isinstance(node, dict):
        if "enum" in node:
            yield "/".join(path), node["enum"]
        for key, child in node.items():
            yield from _enums(child, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _enums(child, (*path, str(i)))


# Which table names the codes of each enum in the contract's schemas.
KIND_OF_ENUM = {
    "request/properties/requester/properties/kind": "kind",
    "request/properties/channel": "channel",
    "request/properties/evidence/items": "evidence",
    "request/properties/purpose": "purpose",
    "request/properties/instrument/oneOf/1/properties/type": "instrument",
    "request/properties/instrument/oneOf/1/properties/signed_by": "signer",
    "request/properties/instrument/oneOf/1/properties/court": "court",
    "request/properties/review/oneOf/1/properties/by": "reviewer",
    "request/$defs/field": "field",
    "decision/properties/outcome": "outcome",
    "decision/properties/refer_to": "reviewer",
    "decision/properties/obligations/items": "obligation",
}


def _schema_enums():
    for name in ("request", "decision"):
        schema = json.loads((CONTRACT_DIR / f"{name}.schema.json").read_text())
        yield from _enums(schema, (name,))


def test_every_enum_in_the_schemas_is_a_known_kind_of_code():
    # A new enum in the contract must be given a table here before it reaches a screen.
    assert {path for path, _ in _schema_enums()} == set(KIND_OF_ENUM)


@pytest.mark.parametrize(("path", "codes"), list(_schema_enums()), ids=lambda v: str(v)[:40])
def test_every_code_has_a_label_and_a_phrase(path, codes):
    table = WORDS[KIND_OF_ENUM[path]]
    for code in codes:
        words = table.get("" if code is None else code)
        assert words is not None, f"{path}: {code!r} has no words"
        assert words.screen.strip() and words.phrase.strip()
        for text in words:
            assert "_" not in text, f"{path}: {code!r} is labelled {text!r}"


def test_no_table_holds_a_code_the_contract_does_not_name():
    known = {
        KIND_OF_ENUM[path]: {"" if c is None else c for c in codes}
        for path, codes in _schema_enums()
    }
    for kind, table in WORDS.items():
        if kind == "clause":
            continue
        assert set(table) <= known[kind], kind


def test_contract_clauses_have_words():
    from custodian.policy.profile import CONTRACT_RULES_DIR, load_clauses

    ids = set(load_clauses(CONTRACT_RULES_DIR / "clauses.toml", "_contract"))
    assert ids == set(vocabulary.CONTRACT_CLAUSE_WORDS)


def test_the_phrase_tables_are_views_of_the_one_table():
    assert vocabulary.FIELD_LABELS["registration.address"] == "the address"
    assert WORDS["field"]["registration.address"].screen == "Postal address"
    assert (
        vocabulary.OBLIGATION_LABELS["written_decision"] == "the director issues a written decision"
    )
    assert (
        WORDS["obligation"]["written_decision"].screen == "The director issues a written decision."
    )
    assert set(vocabulary.CHANNEL_LABELS) == set(vocabulary.CHANNELS)
    # Phrases read inside a sentence: lower case unless an acronym starts them.
    assert WORDS["signer"]["judge"].phrase == "a judge"
    assert WORDS["court"]["fisa"].phrase == "the FISA court"


def test_screen_labels_come_from_the_same_table():
    from custodian.disclosure import vocab

    for kind, screen in [
        ("field", vocab.FIELDS),
        ("kind", vocab.REQUESTER_KINDS),
        ("evidence", vocab.EVIDENCE),
        ("instrument", vocab.INSTRUMENT_TYPES),
        ("outcome", vocab.OUTCOMES),
        ("obligation", vocab.OBLIGATIONS),
    ]:
        assert screen == {code: words.screen for code, words in WORDS[kind].items()}, kind
    # The intake offers the ways a requester asks; the library's own voicemail is not one.
    assert "voicemail" not in vocab.CHANNELS and "voicemail" in WORDS["channel"]
