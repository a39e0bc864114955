"""Generated items carry the library's own collection and item type, as their titles and
call numbers say."""

from collections import Counter
from decimal import Decimal

import pytest

from custodian.records.models import Item
from custodian.synth.phase_library import ITEM_TYPES

pytestmark = pytest.mark.django_db

# Call number prefix -> the only collections an item with it can be shelved in.
PREFIXES = {
    "LP ": {"Large print"},
    "DVD ": {"DVDs", "Children's DVDs"},
    "CD ": {"Audiobooks", "Children's audiobooks", "Teen"},
}


def _collection_for_book(call_number: str) -> str:
    parts = call_number.split()
    if parts[0] == "E":
        return "Children's picture books"
    if parts[0] == "YA":
        return "Teen"
    if parts[0] == "J":
        return "Children's fiction" if parts[1] == "FIC" else "Children's non-fiction"
    return "Adult fiction" if parts[0] == "FIC" else "Adult non-fiction"


def test_every_item_has_a_collection_and_a_type_that_fit_its_call_number(library):
    rows = list(
        Item.objects.values_list(
            "title", "author", "call_number", "collection", "item_type", "replacement_cost"
        )
    )
    types = Counter(row[4] for row in rows)
    assert set(types) == set(ITEM_TYPES.values()) == {"Book", "DVD", "Audiobook", "Magazine"}
    assert types["Book"] > 0.8 * len(rows)
    for title, author, call_number, collection, item_type, cost in rows:
        assert collection and item_type
        if item_type == "Magazine":
            assert call_number == "MAG" and author == ""
            assert collection in {"Magazines", "Children's magazines", "Teen"}
            assert cost == Decimal("6.99")
            assert title.rsplit(" ", 1)[-1].isdigit()  # "Coastal Cooking, March 2025"
            continue
        prefix = next((p for p in PREFIXES if call_number.startswith(p)), None)
        if prefix is not None:
            assert collection in PREFIXES[prefix], (call_number, collection)
            assert item_type == {"LP ": "Book", "DVD ": "DVD", "CD ": "Audiobook"}[prefix]
        else:
            assert item_type == "Book"
            assert collection == _collection_for_book(call_number), (call_number, collection)
    collections = Counter(row[3] for row in rows)
    for name in ("Adult fiction", "Children's picture books", "Teen", "Large print", "DVDs"):
        assert collections[name] > 0, name
